import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startController, type RunningController } from './support/controller.ts';
import { edgeRequest } from './support/http-client.ts';
import { startPods, type Pod } from './support/pods.ts';
import { hostIngress, metricSum, pollUntil, startScenario, type Scenario } from './fixtures.ts';
import { setEndpoints } from './support/endpoint-slices.ts';
import { webManifests } from './web-manifests.ts';

/** The sample of successful requests through Ingress `web`. */
const webOk = (line: string) => line.includes('ingress="web"') && line.includes('code="200"');

// --workers 2: two edge processes share the ports; the admin server in the primary adds up their metrics,
// and a change to the manifests reaches both.
describe('--workers 2', () => {
  let pods: Pod[];
  let controller: RunningController;
  let dir: string;

  beforeAll(async () => {
    pods = await startPods(2, { namePrefix: 'web', namespace: 'shop', service: 'web' });
    dir = mkdtempSync(join(tmpdir(), 'sluice-workers-'));
    writeFileSync(join(dir, 'app.yaml'), webManifests(pods, ['web.example']));
    controller = await startController(['--manifests', dir, '--workers', '2', '--access-log', 'off']);
    await controller.waitReady();
  }, 60_000);

  afterAll(async () => {
    await controller?.kill();
    await Promise.all((pods ?? []).map((p) => p.kill()));
  });

  it('serves from both workers and counts every request once in /metrics', async () => {
    const requests = 40;
    for (let i = 0; i < requests; i++) {
      // A new connection each time, so the kernel spreads them over both workers.
      const reply = await edgeRequest(controller.httpUrl, {
        host: 'web.example',
        path: '/',
        headers: { connection: 'close' },
      });
      expect(reply.status).toBe(200);
    }
    const total = await pollUntil(
      'every request counted',
      () => metricSum(controller, 'sluice_requests_total', webOk),
      (n) => n >= requests,
      {
        timeoutMs: 10_000,
        everyMs: 200,
      },
    );
    expect(total).toBe(requests);
    const status = await controller.status();
    expect(Object.keys((status.edge as { backends: object }).backends)).toContain('shop/web:80');
  }, 30_000);

  it('a change reaches every worker', async () => {
    writeFileSync(join(dir, 'app.yaml'), webManifests(pods, ['web.example', 'new.example']));
    await controller.waitFor((s) => (s.counts as { hosts: number }).hosts === 2, { what: 'the new host in the table' });
    for (let i = 0; i < 20; i++) {
      const reply = await edgeRequest(controller.httpUrl, {
        host: 'new.example',
        path: '/',
        headers: { connection: 'close' },
      });
      expect(reply.status).toBe(200);
    }
  }, 30_000);

  it('stops both workers and exits 0 on SIGTERM', async () => {
    controller.signal('SIGTERM');
    const exit = await controller.exited;
    expect(exit.code).toBe(0);
  }, 30_000);
});

// --workers 2 watching the API: after the first snapshot, each worker applies only the changed objects to its
// own incremental build (src/app/worker-tables.ts); an Ingress and an EndpointSlice change reach both.
describe('--workers 2 watching the API', () => {
  let scenario: Scenario;

  beforeAll(async () => {
    scenario = await startScenario({
      backends: { web: 2 },
      objects: [hostIngress('shop', 'web', 'web.example', 'web')],
      args: ['--workers', '2'],
    });
  }, 60_000);

  afterAll(async () => {
    await scenario?.close('kill');
  });

  /** The status of `count` requests on new connections (the kernel spreads them over both workers). */
  async function statuses(host: string, count: number): Promise<number[]> {
    const seen: number[] = [];
    for (let i = 0; i < count; i++) {
      const reply = await edgeRequest(scenario.controller.httpUrl, {
        host,
        path: '/',
        headers: { connection: 'close' },
      });
      seen.push(reply.status);
    }
    return seen;
  }

  it('an Ingress written and an EndpointSlice emptied and refilled reach every worker', async () => {
    const web = scenario.backends.get('web') ?? [];
    scenario.api.apply(hostIngress('shop', 'more', 'more.example', 'web'));
    const routed = await pollUntil(
      'more.example routed by both workers',
      () => statuses('more.example', 20),
      (seen) => seen.every((status) => status === 200),
    );
    expect(routed).toHaveLength(20);
    setEndpoints(scenario.api, 'shop', 'web', []);
    await pollUntil(
      'no endpoint left in either worker',
      () => statuses('web.example', 20),
      (seen) => seen.every((status) => status === 503),
    );
    setEndpoints(scenario.api, 'shop', 'web', web);
    await pollUntil(
      'endpoints back in both workers',
      () => statuses('web.example', 20),
      (seen) => seen.every((status) => status === 200),
    );
  }, 60_000);
});
