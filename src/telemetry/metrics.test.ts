import { describe, expect, it } from 'vitest';
import { fixtureState } from '../../test/support/admin-state-fixture.ts';
import { createMetrics } from './metrics.ts';
import { requestRecord } from '../../test/support/request-record-fixture.ts';
import { mergeWorkerMetrics } from './worker-metrics.ts';

const T0 = 1_700_000_000_000;

function sampleValue(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  if (line === undefined) throw new Error(`no series ${series} in:\n${text}`);
  return Number(line.slice(series.length + 1));
}

const webGet200 = 'sluice_requests_total{namespace="shop",ingress="storefront",service="web",method="GET",code="200"}';

describe('metrics', () => {
  it('exposes every sluice metric and the process metrics on its own registry', async () => {
    const metrics = createMetrics();
    const text = await metrics.text();
    for (const name of [
      'sluice_requests_total',
      'sluice_request_duration_seconds',
      'sluice_upstream_connect_duration_seconds',
      'sluice_upstream_errors_total',
      'sluice_retries_total',
      'sluice_upstream_requests_total',
      'sluice_endpoint_ejections_total',
      'sluice_open_connections',
      'sluice_table_builds_total',
      'sluice_table_build_duration_seconds',
      'sluice_table_generation',
      'sluice_backend_endpoints',
      'sluice_leader',
      'sluice_certificate_expiry_timestamp_seconds',
      'sluice_problems',
      'process_cpu_seconds_total',
      'nodejs_eventloop_lag_seconds',
    ]) {
      expect(text).toContain(`# TYPE ${name} `);
    }
    expect(metrics.contentType).toContain('text/plain');
  });

  it('counts N requests of a route as +N on that route only', async () => {
    const metrics = createMetrics({ processMetrics: false });
    metrics.requestDone(requestRecord());
    const before = sampleValue(await metrics.text(), webGet200);
    const n = 37;
    for (let i = 0; i < n; i++) metrics.requestDone(requestRecord({ startTime: T0 + i }));
    metrics.requestDone(requestRecord({ service: 'api', status: 503, error: 'no-endpoint' }));
    const text = await metrics.text();
    expect(sampleValue(text, webGet200) - before).toBe(n);
    expect(
      sampleValue(
        text,
        'sluice_requests_total{namespace="shop",ingress="storefront",service="api",method="GET",code="503"}',
      ),
    ).toBe(1);
    expect(
      sampleValue(text, 'sluice_request_duration_seconds_count{namespace="shop",ingress="storefront",service="web"}'),
    ).toBe(n + 1);
    expect(
      sampleValue(
        text,
        'sluice_request_duration_seconds_bucket{namespace="shop",ingress="storefront",service="web",le="0.025"}',
      ),
    ).toBe(n + 1);
    expect(
      sampleValue(
        text,
        'sluice_request_duration_seconds_bucket{namespace="shop",ingress="storefront",service="web",le="0.01"}',
      ),
    ).toBe(0);
    expect(sampleValue(text, 'sluice_upstream_errors_total{kind="no-endpoint"}')).toBe(1);
  });

  it('keeps labels bounded: odd methods and statuses collapse', async () => {
    const metrics = createMetrics({ processMetrics: false });
    metrics.requestDone(requestRecord({ method: 'BREW', status: 999 }));
    metrics.requestDone(requestRecord({ method: 'get', status: 0, error: 'client-abort' }));
    const text = await metrics.text();
    expect(
      sampleValue(
        text,
        'sluice_requests_total{namespace="shop",ingress="storefront",service="web",method="OTHER",code="0"}',
      ),
    ).toBe(2);
    expect(text).not.toContain('BREW');
    expect(sampleValue(text, 'sluice_upstream_errors_total{kind="other"}')).toBe(0);
  });

  it('counts requests by upstream protocol', async () => {
    const metrics = createMetrics({ processMetrics: false });
    metrics.requestDone(requestRecord({ upstreamProtocol: 'grpc' }));
    metrics.requestDone(requestRecord({ upstreamProtocol: 'grpc' }));
    metrics.requestDone(requestRecord({ upstreamProtocol: '', status: 404 }));
    const text = await metrics.text();
    expect(sampleValue(text, 'sluice_upstream_requests_total{protocol="grpc"}')).toBe(2);
    expect(text).not.toContain('protocol=""');
  });

  it('counts retries, connects, ejections and open connections', async () => {
    const metrics = createMetrics({ processMetrics: false });
    metrics.requestDone(requestRecord({ retries: 2, upstreamConnectMs: 3, error: 'connect-refused', status: 502 }));
    metrics.ejection();
    metrics.setOpenConnections(12);
    const text = await metrics.text();
    expect(sampleValue(text, 'sluice_retries_total')).toBe(2);
    expect(sampleValue(text, 'sluice_upstream_requests_total{protocol="http"}')).toBe(1);
    expect(sampleValue(text, 'sluice_upstream_connect_duration_seconds_count')).toBe(1);
    expect(sampleValue(text, 'sluice_upstream_connect_duration_seconds_bucket{le="0.005"}')).toBe(1);
    expect(sampleValue(text, 'sluice_upstream_errors_total{kind="connect-refused"}')).toBe(1);
    expect(sampleValue(text, 'sluice_endpoint_ejections_total')).toBe(1);
    expect(sampleValue(text, 'sluice_open_connections')).toBe(12);
  });

  it('reflects a published table: generation, endpoints, certificates, problems, leader', async () => {
    const metrics = createMetrics({ processMetrics: false });
    const state = fixtureState({ generation: 4, now: T0 });
    metrics.tablePublished(state);
    metrics.tablePublished(state); // the same generation again is not a new build
    metrics.setEjectedEndpoints('shop/web:80', 1);
    metrics.setLeader(true);
    const text = await metrics.text();
    expect(sampleValue(text, 'sluice_table_generation')).toBe(4);
    expect(sampleValue(text, 'sluice_table_builds_total')).toBe(1);
    expect(sampleValue(text, 'sluice_table_build_duration_seconds_count')).toBe(1);
    expect(sampleValue(text, 'sluice_problems')).toBe(2);
    expect(sampleValue(text, 'sluice_leader')).toBe(1);
    expect(sampleValue(text, 'sluice_backend_endpoints{namespace="shop",service="web",port="80",state="ready"}')).toBe(
      2,
    );
    expect(
      sampleValue(text, 'sluice_backend_endpoints{namespace="shop",service="web",port="80",state="terminating"}'),
    ).toBe(1);
    expect(
      sampleValue(text, 'sluice_backend_endpoints{namespace="shop",service="web",port="80",state="ejected"}'),
    ).toBe(1);
    expect(
      sampleValue(text, 'sluice_backend_endpoints{namespace="shop",service="api",port="http",state="ready"}'),
    ).toBe(0);
    expect(sampleValue(text, 'sluice_certificate_expiry_timestamp_seconds{secret="shop/shop-tls"}')).toBe(
      (T0 + 10 * 86_400_000) / 1000,
    );
  });

  it('keeps a one-minute window per route: rate, error rate, p99', () => {
    let now = T0;
    const metrics = createMetrics({ processMetrics: false, now: () => now });
    for (let i = 0; i < 100; i++) {
      metrics.requestDone(
        requestRecord({ startTime: T0 + i * 100, durationMs: i < 98 ? 4 : 900, status: i < 10 ? 502 : 200 }),
      );
    }
    now = T0 + 10_000;
    const web = metrics.routeStats().find((s) => s.service === 'web');
    expect(web).toBeDefined();
    expect(web!.requests).toBe(100);
    expect(web!.errorRate).toBeCloseTo(0.1);
    expect(web!.requestsPerSecond).toBeGreaterThan(100 / 60);
    expect(web!.requestsPerSecond).toBeLessThanOrEqual(100 / 55);
    expect(web!.p99Ms).toBeGreaterThan(500);
    expect(web!.p99Ms).toBeLessThanOrEqual(1000);
    now = T0 + 120_000; // two minutes later the window is empty
    const later = metrics.routeStats().find((s) => s.service === 'web');
    expect(later!.requests).toBe(0);
    expect(later!.p99Ms).toBeNull();
  });

  it('merges the metrics of several workers', async () => {
    const a = createMetrics({ processMetrics: false });
    const b = createMetrics({ processMetrics: false });
    for (let i = 0; i < 3; i++) a.requestDone(requestRecord());
    for (let i = 0; i < 4; i++) b.requestDone(requestRecord());
    a.tablePublished(fixtureState({ generation: 7 }));
    b.tablePublished(fixtureState({ generation: 7 }));
    const merged = mergeWorkerMetrics([await a.registry.getMetricsAsJSON(), await b.registry.getMetricsAsJSON()]);
    const text = await merged.metrics();
    expect(sampleValue(text, webGet200)).toBe(7);
    expect(sampleValue(text, 'sluice_table_generation')).toBe(7);
  });
});
