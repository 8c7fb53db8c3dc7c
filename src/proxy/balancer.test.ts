import { describe, expect, it } from 'vitest';
import type { BackendEndpoints } from '../routing/types.ts';
import { Balancer } from './balancer.ts';
import { defaultPassiveHealth, recordConnectFailure } from './passive-health.ts';
import { UpstreamPools } from './upstream-pools.ts';

function backend(key: string, count: number): BackendEndpoints {
  const list = Array.from({ length: count }, (_, i) => ({
    address: `10.0.0.${i + 1}`,
    port: 80,
    ready: true,
    serving: true,
    terminating: false,
    pod: null,
    zone: null,
  }));
  return {
    key,
    namespace: 'ns',
    service: 's',
    servicePort: 80,
    state: 'ok',
    reason: null,
    usable: list,
    all: list,
    externalName: null,
  };
}

const pools = () => new UpstreamPools({ connectMs: 1_000, connections: 1, keepAliveMs: 1_000, idleCloseMs: 1_000 });

describe('Balancer', () => {
  it('round robin skips ejected endpoints and the one just tried, and probes when all are ejected', () => {
    const balancer = new Balancer('round-robin', pools());
    const balance = balancer.balanceFor(backend('k', 3));
    const [a, b, c] = balance.endpoints;
    expect([0, 1, 2, 3].map(() => balancer.pick(balance, 0, null))).toEqual([a, b, c, a]);
    recordConnectFailure(b, 0, defaultPassiveHealth);
    expect([0, 1, 2].map(() => balancer.pick(balance, 10, null))).toEqual([c, a, c]);
    expect(balancer.pick(balance, 10, a)).toBe(c);
    recordConnectFailure(a, 0, defaultPassiveHealth);
    recordConnectFailure(c, 5, defaultPassiveHealth);
    // All ejected: the one whose ejection ends first.
    expect(balancer.pick(balance, 10, null)).toBe(a);
    // After the backoff it is back in rotation.
    expect(balancer.pick(balance, 2_000, null)).not.toBeNull();
  });

  it('peek tells which endpoint round robin picks next, skipping ejected ones, without advancing', () => {
    const balancer = new Balancer('round-robin', pools());
    const balance = balancer.balanceFor(backend('k', 3));
    const [a, b, c] = balance.endpoints;
    expect(balancer.peek(balance, 0)).toBe(a);
    expect(balancer.peek(balance, 0)).toBe(a);
    expect(balancer.pick(balance, 0, null)).toBe(a);
    recordConnectFailure(b, 0, defaultPassiveHealth);
    expect(balancer.peek(balance, 10)).toBe(c);
    expect(balancer.pick(balance, 10, null)).toBe(c);
    expect(new Balancer('least-request', pools()).peek(balance, 10)).toBeNull();
  });

  it('doubles the ejection with each consecutive failure, up to the maximum', () => {
    const balancer = new Balancer('round-robin', pools());
    const [a] = balancer.balanceFor(backend('k', 1)).endpoints;
    const seen: number[] = [];
    for (let i = 0; i < 7; i++) {
      recordConnectFailure(a, 0, { baseEjectMs: 100, maxEjectMs: 1_000 });
      seen.push(a.ejectedUntil);
    }
    expect(seen).toEqual([100, 200, 400, 800, 1_000, 1_000, 1_000]);
  });

  it('shares endpoints across backends and generations, and keeps the cursor', () => {
    const registry = pools();
    const balancer = new Balancer('round-robin', registry);
    const first = balancer.balanceFor(backend('k', 4));
    balancer.pick(first, 0, null);
    balancer.pick(first, 0, null);
    const second = balancer.balanceFor(backend('k', 4));
    expect(second).toBe(first);
    expect(balancer.pick(second, 0, null)!.address).toBe('10.0.0.3');
    expect(balancer.balanceFor(backend('other', 2)).endpoints[0]).toBe(first.endpoints[0]);
    expect(registry.size).toBe(4);
    const live = balancer.prune(new Map([['other', null]]));
    expect(live.size).toBe(2);
    registry.sweep(10_000, live);
    expect(registry.size).toBe(2);
  });

  it('least-request prefers the endpoint with fewer requests in flight', () => {
    const balancer = new Balancer('least-request', pools());
    const balance = balancer.balanceFor(backend('k', 2));
    const [a, b] = balance.endpoints;
    a.inFlight = 5;
    for (let i = 0; i < 20; i++) expect(balancer.pick(balance, 0, null)).toBe(b);
    a.inFlight = 0;
    b.inFlight = 3;
    for (let i = 0; i < 20; i++) expect(balancer.pick(balance, 0, null)).toBe(a);
  });

  it('returns null only for a backend without endpoints', () => {
    const balancer = new Balancer('round-robin', pools());
    expect(balancer.pick(balancer.balanceFor(backend('k', 0)), 0, null)).toBeNull();
  });
});
