// Policy steps through the real edge handler on loopback sockets: what the e2e cases cannot easily
// provoke (an upstream Location header, trusted proxies, per-minute limits).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  closedPort,
  makeState,
  okBackend,
  send,
  startEdge,
  startUpstream,
  type Edge,
  type Upstream,
} from '../../../test/support/proxy-handler-fixtures.ts';
import { waitFor } from '../../../test/support/wait-for.ts';
import { NO_TRAFFIC } from '../../routing/no-traffic.ts';
import type { TrafficPolicy } from '../../routing/policy-types.ts';
import { Limiter } from './rate-limit-step.ts';

const NONE: TrafficPolicy = NO_TRAFFIC;

describe('policy steps at the edge', () => {
  let upstream: Upstream;
  let edge: Edge;

  beforeAll(async () => {
    upstream = await startUpstream('127.0.0.2', (_req, res) => {
      res.writeHead(302, { location: 'http://internal.svc/next', 'x-powered-by': 'php', 'content-length': '0' });
      res.end();
    });
    const backend = 'default/app:80';
    edge = await startEdge(
      makeState(
        [
          {
            host: 'redirect.test',
            path: '/',
            backend,
            policy: {
              traffic: {
                ...NONE,
                // proxy-redirect-from/-to (ingress-nginx proxy/main.go → nginx proxy_redirect) and more_clear_headers.
                locationRewrite: { from: 'http://internal.svc/', to: 'https://redirect.test/app/' },
                responseHeaders: { set: [['x-frame-options', 'DENY']], remove: ['x-powered-by'], field: 'f' },
              },
            },
          },
          {
            host: 'trusted.test',
            path: '/',
            backend,
            policy: { traffic: { ...NONE, access: { allow: ['10.0.0.0/8'], deny: [], field: 'f' } } },
          },
        ],
        [okBackend(backend, [upstream])],
      ),
      { trustedProxies: ['127.0.0.1/32'] },
    );
  });

  afterAll(async () => {
    await edge.close();
    await upstream.close();
  });

  it('rewrites the Location of an answer and edits its headers (proxy-redirect-from/-to, more_clear_headers)', async () => {
    const reply = await send(edge.port, { headers: { host: 'redirect.test' } });
    expect(reply.status).toBe(302);
    expect(reply.headers.location).toBe('https://redirect.test/app/next');
    expect(reply.headers['x-frame-options']).toBe('DENY');
    expect(reply.headers['x-powered-by']).toBeUndefined();
  });

  it('judges the client a trusted proxy forwards for (--trusted-proxies), not the proxy', async () => {
    expect((await send(edge.port, { headers: { host: 'trusted.test' } })).status).toBe(403);
    const forwarded = await send(edge.port, { headers: { host: 'trusted.test', 'x-forwarded-for': '10.9.8.7' } });
    expect(forwarded.status).toBe(302);
    const spoofed = await send(edge.port, {
      headers: { host: 'trusted.test', 'x-forwarded-for': '10.9.8.7, 192.0.2.1' },
    });
    expect(spoofed.status).toBe(403);
  });
});

describe('proxy-next-upstream at the edge', () => {
  let live: Upstream;
  let edge: Edge;

  beforeAll(async () => {
    live = await startUpstream('127.0.0.3', (_req, res) => res.end('live'));
    const dead = [await closedPort('127.0.0.5'), await closedPort('127.0.0.6')];
    const retry = { on: [] as string[], tries: null, timeoutMs: null, field: 'f' };
    edge = await startEdge(
      makeState(
        [
          { host: 'off.test', path: '/', backend: 'default/a:80', policy: { traffic: { ...NONE, retry } } },
          { host: 'default.test', path: '/', backend: 'default/b:80' },
        ],
        [
          okBackend('default/a:80', [{ address: '127.0.0.5', port: dead[0] }, live]),
          okBackend('default/b:80', [{ address: '127.0.0.6', port: dead[1] }, live]),
        ],
      ),
    );
  });

  afterAll(async () => {
    await edge.close();
    await live.close();
  });

  it('"off" makes one attempt only; without it a refused endpoint is retried on another', async () => {
    expect((await send(edge.port, { headers: { host: 'off.test' } })).status).toBe(502);
    const retried = await send(edge.port, { headers: { host: 'default.test' } });
    expect(retried.status).toBe(200);
    expect(retried.body.toString()).toBe('live');
  });
});

describe('load-balance at the edge', () => {
  let busy: Upstream;
  let free: Upstream;
  let edge: Edge;
  const held: Array<() => void> = [];

  beforeAll(async () => {
    busy = await startUpstream('127.0.0.7', (_req, res) => held.push(() => res.end('busy')));
    free = await startUpstream('127.0.0.8', (_req, res) => res.end('free'));
    edge = await startEdge(
      makeState(
        [
          {
            host: 'ewma.test',
            path: '/',
            backend: 'default/c:80',
            policy: { traffic: { ...NONE, balance: 'least-request' } },
          },
        ],
        [okBackend('default/c:80', [busy, free])],
      ),
      { balancer: 'round-robin' },
    );
  });

  afterAll(async () => {
    for (const release of held) release();
    await edge.close();
    await Promise.all([busy.close(), free.close()]);
  });

  it('"ewma" (least-request) on a round-robin controller: requests avoid the endpoint with one in flight', async () => {
    // Requests go out until one is held by the busy endpoint (the first ones may all reach the free one).
    const pending: Promise<unknown>[] = [];
    await waitFor(() => {
      if (busy.count > 0) return true;
      pending.push(send(edge.port, { headers: { host: 'ewma.test' } }));
      return false;
    });
    // Every request sent so far has arrived: the free endpoint has none in flight, the busy one has its held ones.
    await waitFor(() => busy.count + free.count === pending.length && free.count === pending.length - held.length);
    for (let i = 0; i < 6; i++) {
      const reply = await send(edge.port, { headers: { host: 'ewma.test' } });
      expect(reply.body.toString()).toBe('free');
    }
    for (const release of held.splice(0)) release();
    await Promise.all(pending);
  });
});

describe('limit-connections at the edge', () => {
  let slow: Upstream;
  let edge: Edge;
  const held: Array<() => void> = [];

  beforeAll(async () => {
    slow = await startUpstream('127.0.0.9', (_req, res) => held.push(() => res.end('done')));
    const rateLimit = {
      requestsPerSecond: null,
      requestsPerMinute: null,
      connections: 1,
      burstMultiplier: 5,
      exempt: [],
      status: 503,
      field: 'f',
    };
    edge = await startEdge(
      makeState(
        [{ host: 'conn.test', path: '/', backend: 'default/d:80', policy: { traffic: { ...NONE, rateLimit } } }],
        [okBackend('default/d:80', [slow])],
      ),
    );
  });

  afterAll(async () => {
    for (const release of held) release();
    await edge.close();
    await slow.close();
  });

  it('refuses (503) a second request in progress from the same client, and counts it down when done', async () => {
    const first = send(edge.port, { headers: { host: 'conn.test' } });
    await waitFor(() => held.length === 1);
    expect((await send(edge.port, { headers: { host: 'conn.test' } })).status).toBe(503);
    held.shift()!();
    expect((await first).status).toBe(200);
    await waitFor(() => edge.records.length >= 2);
    const third = send(edge.port, { headers: { host: 'conn.test' } });
    await waitFor(() => held.length === 1);
    held.shift()!();
    expect((await third).status).toBe(200);
  });
});

describe('Limiter (limit-rps / limit-rpm buckets)', () => {
  it('allows the burst, then one request per period; per client', () => {
    const perMinute = new Limiter(2 / 60_000, 2);
    expect([perMinute.take('a', 0), perMinute.take('a', 1), perMinute.take('a', 2)]).toEqual([true, true, false]);
    expect(perMinute.take('b', 2)).toBe(true);
    expect(perMinute.take('a', 29_000)).toBe(false);
    expect(perMinute.take('a', 31_000)).toBe(true);
  });

  it('forgets refilled clients instead of growing without bound', () => {
    const limiter = new Limiter(1, 1);
    for (let i = 0; i < 10; i++) limiter.take(`c${i}`, 0);
    limiter.forgetFull(10);
    expect(limiter.buckets.size).toBe(0);
  });
});
