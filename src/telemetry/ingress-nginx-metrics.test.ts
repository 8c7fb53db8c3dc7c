import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { requestRecord } from '../../test/support/request-record-fixture.ts';
import { bucketBounds, labelNames, parseExposition } from '../../test/support/telemetry-exposition.ts';
import { createMetrics } from './metrics.ts';
import { metricsOptionsFrom } from './metrics-options.ts';

// The fixture is a scrape shaped as ingress-nginx's socket collector writes it
// (internal/ingress/metric/collectors/socket.go, default buckets from pkg/flags/flags.go).
const recorded = parseExposition(
  readFileSync(new URL('./testdata/ingress-nginx-scrape.prom', import.meta.url), 'utf8'),
);

/** In the fixture but not exposed: the deprecated summary (docs/metrics.md). */
const NOT_EXPOSED = ['nginx_ingress_controller_ingress_upstream_latency_seconds'];

function compatMetrics() {
  return createMetrics({
    processMetrics: false,
    ...metricsOptionsFrom(
      { metricsCompat: 'ingress-nginx', controllerClass: 'sluice.dev/ingress-controller' },
      { POD_NAMESPACE: 'sluice', POD_NAME: 'sluice-abc' },
    ),
  });
}

describe('--metrics-compat ingress-nginx', () => {
  it('exposes the recorded ingress-nginx request metrics with the same names, types, help, labels and buckets', async () => {
    const metrics = compatMetrics();
    metrics.requestDone(requestRecord({ upstreamConnectMs: 1.2 }));
    const ours = parseExposition(await metrics.text());
    const theirs = [...recorded.values()].filter((f) => !NOT_EXPOSED.includes(f.name));
    expect(theirs.map((f) => f.name)).toEqual([
      'nginx_ingress_controller_bytes_sent',
      'nginx_ingress_controller_connect_duration_seconds',
      'nginx_ingress_controller_header_duration_seconds',
      'nginx_ingress_controller_request_duration_seconds',
      'nginx_ingress_controller_request_size',
      'nginx_ingress_controller_requests',
      'nginx_ingress_controller_response_duration_seconds',
      'nginx_ingress_controller_response_size',
    ]);
    for (const family of theirs) {
      const mine = ours.get(family.name);
      expect(mine, family.name).toBeDefined();
      expect({ type: mine!.type, help: mine!.help, labels: labelNames(mine!) }, family.name).toEqual({
        type: family.type,
        help: family.help,
        labels: labelNames(family),
      });
      expect(bucketBounds(mine!), family.name).toEqual(bucketBounds(family));
    }
    for (const name of NOT_EXPOSED) expect(ours.has(name), name).toBe(false);
  });

  it('moves with traffic, labelled with the matched rule (bounded), the controller and the status', async () => {
    const metrics = compatMetrics();
    for (let i = 0; i < 5; i++) metrics.requestDone(requestRecord({ path: `/cart/${i}`, durationMs: 30 }));
    metrics.requestDone(
      requestRecord({
        status: 503,
        durationMs: 2_000,
        upstreamAddress: '',
        upstreamHeaderMs: 0,
        upstreamResponseMs: 0,
      }),
    );
    metrics.requestDone(requestRecord({ host: 'a.example.com', ruleHost: '*.example.com', rulePath: '/' }));
    const families = parseExposition(await metrics.text());
    const requests = families.get('nginx_ingress_controller_requests')!.samples;
    const count = (labels: Record<string, string>) =>
      requests.find((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
    expect(count({ status: '200', path: '/cart', host: 'shop.example.com' })).toBe(5);
    expect(count({ status: '503', path: '/cart' })).toBe(1);
    expect(count({ host: '*.example.com', path: '/' })).toBe(1);
    expect(requests.every((s) => s.labels.controller_pod === 'sluice-abc')).toBe(true);
    expect(requests.every((s) => s.labels.controller_class === 'sluice.dev/ingress-controller')).toBe(true);
    expect(requests.some((s) => s.labels.path.startsWith('/cart/'))).toBe(false);

    const duration = families.get('nginx_ingress_controller_request_duration_seconds')!.samples;
    const bucket = (le: string, status: string) =>
      duration.find((s) => s.name.endsWith('_bucket') && s.labels.le === le && s.labels.status === status)?.value;
    expect(bucket('0.025', '200')).toBe(0);
    expect(bucket('0.05', '200')).toBe(5);
    expect(bucket('1', '503')).toBe(0);
    expect(bucket('2.5', '503')).toBe(1);
    // No upstream was tried for the 503: no connect time observed for it.
    const connect = families.get('nginx_ingress_controller_connect_duration_seconds')!.samples;
    const connectCount = (status: string) =>
      connect.find((s) => s.name.endsWith('_count') && s.labels.status === status)?.value;
    expect(connectCount('503')).toBe(0);
    expect(connectCount('200')).toBe(5);
    // Upstream header and response times (nginx upstream_header_time, upstream_response_time): 9.5 and 11 ms.
    const upstream = (name: string, le: string) =>
      families
        .get(`nginx_ingress_controller_${name}`)!
        .samples.find(
          (s) =>
            s.name.endsWith('_bucket') && s.labels.le === le && s.labels.status === '200' && s.labels.path === '/cart',
        )?.value;
    expect([upstream('header_duration_seconds', '0.005'), upstream('header_duration_seconds', '0.01')]).toEqual([0, 5]);
    expect([upstream('response_duration_seconds', '0.01'), upstream('response_duration_seconds', '0.025')]).toEqual([
      0, 5,
    ]);

    metrics.requestDone(requestRecord({ durationMs: 30 }));
    const after = parseExposition(await metrics.text()).get('nginx_ingress_controller_requests')!.samples;
    expect(after.find((s) => s.labels.status === '200' && s.labels.path === '/cart')?.value).toBe(6);
  });

  it('is off by default', async () => {
    const metrics = createMetrics({ processMetrics: false });
    metrics.requestDone(requestRecord());
    expect(await metrics.text()).not.toContain('nginx_ingress_controller_');
    expect(metricsOptionsFrom({ metricsCompat: 'none', controllerClass: 'x' }, {})).toEqual({ ingressNginx: null });
  });
});
