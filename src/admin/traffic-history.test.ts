import { describe, expect, it } from 'vitest';
import { fixtureState } from '../../test/support/admin-state-fixture.ts';
import type { RouteStats } from '../telemetry/metrics.ts';
import { HISTORY_SLOTS, TrafficHistory } from './traffic-history.ts';

function stats(service: string, requestsPerSecond: number, p99Ms: number | null = 12): RouteStats {
  return {
    namespace: 'shop',
    ingress: 'storefront',
    service,
    requests: Math.round(requestsPerSecond * 60),
    errors: 0,
    requestsPerSecond,
    errorRate: 0.1,
    p99Ms,
    windowSeconds: 60,
  };
}

describe('traffic history (the charts)', () => {
  it('keeps a fixed-size ring per route: the last 90 samples, oldest first', () => {
    const history = new TrafficHistory(10_000);
    for (let i = 0; i < HISTORY_SLOTS + 25; i++) history.sample(i * 10_000, [stats('web', i)]);
    const view = history.view();
    expect(view.t).toHaveLength(HISTORY_SLOTS);
    expect(view.t[0]).toBe(25 * 10_000);
    expect(view.routes['shop/storefront/web']).toHaveLength(HISTORY_SLOTS);
    expect(view.routes['shop/storefront/web'][0]).toEqual([25, 0.1, 12]);
    expect(view.routes['shop/storefront/web'][HISTORY_SLOTS - 1]).toEqual([HISTORY_SLOTS + 24, 0.1, 12]);
  });

  it('drops a route when it leaves the stats, pads a new one with nulls, keeps a missing p99 as null', () => {
    const history = new TrafficHistory(10_000);
    history.sample(0, [stats('web', 1), stats('old', 2)]);
    const latest = history.sample(10_000, [stats('web', 1), stats('api', 3, null)]);
    expect(latest.routes['shop/storefront/api']).toEqual([3, 0.1, null]);
    const view = history.view();
    expect(Object.keys(view.routes).sort()).toEqual(['shop/storefront/api', 'shop/storefront/web']);
    expect(view.routes['shop/storefront/api']).toEqual([null, [3, 0.1, null]]);
  });

  it('notes each routing table once, and at most 90 of them', () => {
    const history = new TrafficHistory(10_000);
    history.observeTable(0, null);
    for (let g = 1; g <= HISTORY_SLOTS + 10; g++) {
      const state = fixtureState({ generation: g });
      history.observeTable(g * 1000, state);
      history.observeTable(g * 1000 + 1, state);
    }
    const tables = history.view().tables;
    expect(tables).toHaveLength(HISTORY_SLOTS);
    expect(tables[0].generation).toBe(11);
    expect(tables[tables.length - 1]).toMatchObject({ t: (HISTORY_SLOTS + 10) * 1000, generation: HISTORY_SLOTS + 10 });
  });
});
