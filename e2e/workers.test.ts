import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startController, type RunningController } from './support/controller.ts';
import { edgeRequest } from './support/http-client.ts';
import { startPods, type Pod } from './support/pods.ts';
import { metricSum, pollUntil } from './fixtures.ts';
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
