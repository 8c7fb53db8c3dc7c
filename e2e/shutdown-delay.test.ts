import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startController, type RunningController } from './support/controller.ts';
import { edgeRequest } from './support/http-client.ts';
import { startPods, type Pod } from './support/pods.ts';
import { webManifests } from './web-manifests.ts';

// --shutdown-delay: after SIGTERM the controller reports not-ready at once but keeps serving new
// requests for the delay, so a load balancer notices before any connection is refused.
describe('SIGTERM with --shutdown-delay', () => {
  let pods: Pod[];
  let controller: RunningController;

  beforeAll(async () => {
    pods = await startPods(1, { namePrefix: 'web', namespace: 'shop', service: 'web' });
    const dir = mkdtempSync(join(tmpdir(), 'sluice-delay-'));
    writeFileSync(join(dir, 'app.yaml'), webManifests(pods, ['web.example']));
    controller = await startController([
      '--manifests',
      dir,
      '--shutdown-delay',
      '1500ms',
      '--shutdown-grace',
      '2s',
      '--access-log',
      'off',
    ]);
    await controller.waitReady();
  }, 60_000);

  afterAll(async () => {
    await controller?.kill();
    await Promise.all((pods ?? []).map((p) => p.kill()));
  });

  it('turns /readyz 503 at once, serves through the delay, then exits 0', async () => {
    expect((await edgeRequest(controller.httpUrl, { host: 'web.example', path: '/' })).status).toBe(200);
    const signalledAt = Date.now();
    controller.signal('SIGTERM');
    let notReadyAt = 0;
    while (notReadyAt === 0 && Date.now() - signalledAt < 1000) {
      const ready = await fetch(`${controller.adminUrl}/readyz`).then(
        (r) => r.status,
        () => 0,
      );
      if (ready === 503) notReadyAt = Date.now();
    }
    expect(notReadyAt).toBeGreaterThan(0);
    let servedDuringDelay = 0;
    while (Date.now() - signalledAt < 1200) {
      const reply = await edgeRequest(controller.httpUrl, { host: 'web.example', path: '/' });
      expect(reply.status).toBe(200);
      servedDuringDelay++;
    }
    console.log(
      `shutdown delay: /readyz 503 after ${notReadyAt - signalledAt} ms; ${servedDuringDelay} requests served during the delay`,
    );
    expect(servedDuringDelay).toBeGreaterThan(5);
    const exit = await controller.exited;
    expect(exit.code).toBe(0);
    expect(Date.now() - signalledAt).toBeGreaterThanOrEqual(1500);
  }, 30_000);
});
