import { describe, expect, it } from 'vitest';
import { combineMetrics, mergeRouteStats } from './combined-metrics.ts';
import { createMetrics } from './metrics.ts';
import { requestRecord } from '../../test/support/request-record-fixture.ts';

describe('metrics combined across edge workers', () => {
  it('adds the workers request counters into /metrics', async () => {
    const primary = createMetrics({ processMetrics: false });
    const worker1 = createMetrics({ processMetrics: false });
    const worker2 = createMetrics({ processMetrics: false });
    for (let i = 0; i < 3; i++) worker1.requestDone(requestRecord({ startTime: Date.now() }));
    for (let i = 0; i < 4; i++) worker2.requestDone(requestRecord({ startTime: Date.now() }));
    const reports = [
      { metrics: await worker1.registry.getMetricsAsJSON(), routes: worker1.routeStats() },
      { metrics: await worker2.registry.getMetricsAsJSON(), routes: worker2.routeStats() },
    ];
    const combined = combineMetrics(primary, () => reports);
    const text = await combined.text();
    const line = text.split('\n').find((l) => l.startsWith('sluice_requests_total{') && l.includes('service="web"'));
    expect(line).toMatch(/ 7$/);
    const [route] = combined.routeStats().filter((r) => r.service === 'web');
    expect(route.requests).toBe(7);
  });

  it('merges route figures of the same route and keeps others apart', () => {
    const base = {
      namespace: 'shop',
      ingress: 'i',
      service: 's',
      errors: 1,
      requests: 10,
      requestsPerSecond: 1,
      errorRate: 0.1,
      p99Ms: 20,
      windowSeconds: 60,
    };
    const merged = mergeRouteStats([
      base,
      { ...base, errors: 0, requests: 30, requestsPerSecond: 3, p99Ms: 50 },
      { ...base, service: 'other' },
    ]);
    expect(merged).toHaveLength(2);
    expect(merged[0]).toMatchObject({ requests: 40, errors: 1, requestsPerSecond: 4, errorRate: 1 / 40, p99Ms: 50 });
  });
});
