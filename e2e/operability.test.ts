import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pollUntil } from './fixtures.ts';
import { type RunningController, startController } from './support/controller.ts';
import { edgeRequest } from './support/http-client.ts';
import { type EchoReply, type Pod, startPods } from './support/pods.ts';
import { type OtlpReceiver, startOtlpReceiver } from '../test/support/telemetry-otlp-receiver.ts';
import { webManifests } from './web-manifests.ts';

const TOKEN = 'e2e-admin-token-0123456789';

/** Sum of a metric's samples whose line contains every fragment. */
async function metricWith(controller: RunningController, name: string, fragments: string[]): Promise<number> {
  const response = await fetch(`${controller.adminUrl}/metrics`, { signal: AbortSignal.timeout(5000) });
  let sum = 0;
  for (const line of (await response.text()).split('\n')) {
    if (line.startsWith(`${name}{`) && fragments.every((f) => line.includes(f))) {
      sum += Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  return sum;
}

// The admin port locked with --admin-token-file, and the ingress-nginx metric names, on a real controller.
describe('operability: admin token and --metrics-compat ingress-nginx', () => {
  let pods: Pod[];
  let controller: RunningController;
  let dir: string;

  beforeAll(async () => {
    pods = await startPods(1, { namePrefix: 'web', namespace: 'shop', service: 'web' });
    dir = mkdtempSync(join(tmpdir(), 'sluice-operability-'));
    writeFileSync(join(dir, 'app.yaml'), webManifests(pods, ['web.example']));
    writeFileSync(join(dir, 'token'), `${TOKEN}\n`);
    controller = await startController(
      [
        '--manifests',
        dir,
        '--access-log',
        'off',
        '--admin-token-file',
        join(dir, 'token'),
        '--metrics-compat',
        'ingress-nginx',
      ],
      {},
    );
    await controller.waitReady();
  }, 60_000);

  afterAll(async () => {
    await controller?.kill();
    await Promise.all((pods ?? []).map((p) => p.kill()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers 401 without the token, 200 with it; probes and /metrics stay open', async () => {
    const without = await fetch(`${controller.adminUrl}/api/v1/status`);
    expect(without.status).toBe(401);
    expect(without.headers.get('www-authenticate')).toContain('Bearer');
    expect((await fetch(`${controller.adminUrl}/`)).status).toBe(401);
    const withToken = await fetch(`${controller.adminUrl}/api/v1/status`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(withToken.status).toBe(200);
    expect(((await withToken.json()) as { ready: boolean }).ready).toBe(true);
    expect((await fetch(`${controller.adminUrl}/healthz`)).status).toBe(200);
    expect((await fetch(`${controller.adminUrl}/metrics`)).status).toBe(200);
  });

  it('moves nginx_ingress_controller_requests with traffic, labelled like ingress-nginx', async () => {
    const labels = ['ingress="web"', 'namespace="shop"', 'service="web"', 'host="web.example"', 'path="/"'];
    const before = await metricWith(controller, 'nginx_ingress_controller_requests', [...labels, 'status="200"']);
    for (let i = 0; i < 7; i++) {
      const reply = await edgeRequest(controller.httpUrl, { host: 'web.example', path: `/item/${i}` });
      expect(reply.status).toBe(200);
    }
    const after = await pollUntil(
      'seven more requests counted',
      () => metricWith(controller, 'nginx_ingress_controller_requests', [...labels, 'status="200"']),
      (n) => n >= before + 7,
      { timeoutMs: 10_000, everyMs: 100 },
    );
    expect(after).toBe(before + 7);
    const durations = await metricWith(controller, 'nginx_ingress_controller_request_duration_seconds_count', labels);
    expect(durations).toBeGreaterThanOrEqual(7);
    const upstream = await metricWith(controller, 'nginx_ingress_controller_response_duration_seconds_count', labels);
    expect(upstream).toBeGreaterThanOrEqual(7);
    // The request path never becomes a label: only the rule's path does.
    expect(await metricWith(controller, 'nginx_ingress_controller_requests', ['path="/item/'])).toBe(0);
  }, 30_000);
});

// A traced request: the span reaches a real OTLP/HTTP receiver under the client's parent, and the
// upstream pod sees the context of sluice's client span.
describe('operability: OpenTelemetry tracing', () => {
  const TRACE = '0af7651916cd43dd8448eb211c80319c';
  const PARENT = 'b7ad6b7169203331';
  let pods: Pod[];
  let controller: RunningController;
  let receiver: OtlpReceiver;
  let dir: string;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    pods = await startPods(1, { namePrefix: 'web', namespace: 'shop', service: 'web' });
    dir = mkdtempSync(join(tmpdir(), 'sluice-tracing-'));
    writeFileSync(join(dir, 'app.yaml'), webManifests(pods, ['web.example']));
    process.env.OTEL_BSP_SCHEDULE_DELAY = '100';
    controller = await startController([
      '--manifests',
      dir,
      '--access-log',
      'off',
      '--otlp-endpoint',
      receiver.url,
      '--trusted-proxies',
      '127.0.0.1',
      '--trace-service-name',
      'sluice-e2e',
    ]);
    delete process.env.OTEL_BSP_SCHEDULE_DELAY;
    await controller.waitReady();
  }, 60_000);

  afterAll(async () => {
    await controller?.kill();
    await Promise.all((pods ?? []).map((p) => p.kill()));
    await receiver?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('exports a server and a client span with the right parent, attributes and status', async () => {
    const reply = await edgeRequest(controller.httpUrl, {
      host: 'web.example',
      path: '/hello',
      headers: { traceparent: `00-${TRACE}-${PARENT}-01` },
    });
    expect(reply.status).toBe(200);
    const echo = reply.json<EchoReply>();
    const spans = await pollUntil(
      'both spans exported',
      async () => receiver.spans.filter((s) => s.traceId === TRACE),
      (found) => found.length >= 2,
      { timeoutMs: 15_000, everyMs: 100 },
    );
    const server = spans.find((s) => s.kind === 2)!;
    const client = spans.find((s) => s.kind === 3)!;
    expect(server.parentSpanId).toBe(PARENT);
    expect(client.parentSpanId).toBe(server.spanId);
    expect(echo.headers.traceparent).toEqual([`00-${TRACE}-${client.spanId}-01`]);
    expect(server.name).toBe('GET /');
    expect(server.attributes).toMatchObject({
      'http.route': '/',
      'http.response.status_code': 200,
      'url.path': '/hello',
      'sluice.ingress.name': 'web',
      'sluice.service.name': 'web',
    });
    expect(client.attributes).toMatchObject({ 'server.address': pods[0].ip, 'http.response.status_code': 200 });
    expect(server.statusCode).toBe(0);
    expect(server.resource['service.name']).toBe('sluice-e2e');
    expect(receiver.rejected).toEqual([]);
  }, 30_000);
});
