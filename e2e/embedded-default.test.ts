import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startController, type RunningController } from './support/controller.ts';
import { edgeRequest } from './support/http-client.ts';

// A newcomer's first run: no cluster anywhere, so `npm start` serves the shipped examples.
describe('npm start with no configuration', () => {
  let controller: RunningController;

  beforeAll(async () => {
    const emptyHome = mkdtempSync(join(tmpdir(), 'sluice-home-'));
    controller = await startController([], {
      HOME: emptyHome,
      KUBECONFIG: undefined,
      KUBERNETES_SERVICE_HOST: undefined,
      KUBERNETES_SERVICE_PORT: undefined,
    });
    await controller.waitReady();
  }, 60_000);

  afterAll(async () => {
    await controller?.stop();
  });

  it('says so in its first log lines', () => {
    const first = controller.output.slice(0, 10).join('\n');
    expect(first).toMatch(/no cluster configured/);
  });

  it('answers the example hosts from the example backends, alternating between two pods', async () => {
    const pods = new Set<string>();
    for (let i = 0; i < 4; i++) {
      const reply = await edgeRequest(controller.httpUrl, { host: 'hello.localhost', path: '/' });
      expect(reply.status).toBe(200);
      pods.add(reply.body.split(' ')[2]);
    }
    expect([...pods].sort()).toEqual(['demo/hello-7d9f8-1', 'demo/hello-7d9f8-2']);
    const echo = await edgeRequest(controller.httpUrl, { host: 'echo.localhost', path: '/api/anything' });
    expect(echo.status).toBe(200);
    expect(echo.body).toContain('demo/echo-5c6b7-1');
  });

  it('shows the deliberately broken example as a problem and answers it 503', async () => {
    const broken = await edgeRequest(controller.httpUrl, { host: 'broken.localhost', path: '/' });
    expect(broken.status).toBe(503);
    const status = await controller.status();
    expect(status.problems.map((p) => `${p.object.name} ${p.code}`)).toContain('broken-example ServiceNotFound');
  });
});
