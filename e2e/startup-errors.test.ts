import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startController } from './support/controller.ts';
import { writeKubeconfig } from './support/kubeconfig.ts';

// README "Flags": a bad flag or value exits non-zero with one clear line per problem, before anything listens.
async function runToExit(args: string[]) {
  const controller = await startController(args);
  const exit = await controller.exited;
  const adminListening = await new Promise<boolean>((resolve) => {
    const socket = connect(controller.adminPort, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
  return { code: exit.code, stderr: controller.output.filter((l) => l.startsWith('stderr: sluice:')), adminListening };
}

describe('start-up errors', () => {
  it('reports every bad flag at once and exits 2', async () => {
    const run = await runToExit(['--bogus', '--balancer', 'random', '--publish-service', 'nope']);
    expect(run.code).toBe(2);
    expect(run.stderr.join('\n')).toMatch(/unknown flag --bogus/);
    expect(run.stderr.join('\n')).toMatch(/--balancer/);
    expect(run.stderr.join('\n')).toMatch(/--publish-service/);
    expect(run.adminListening).toBe(false);
  }, 30_000);

  it('refuses a manifest directory that does not exist, before listening', async () => {
    const run = await runToExit(['--manifests', '/nonexistent/sluice-manifests']);
    expect(run.code).toBe(2);
    expect(run.stderr).toEqual(['stderr: sluice: --manifests /nonexistent/sluice-manifests: not a readable directory']);
    expect(run.adminListening).toBe(false);
  }, 30_000);

  it('refuses a kubeconfig that cannot be read, before listening', async () => {
    const run = await runToExit(['--kubeconfig', '/nonexistent/kubeconfig']);
    expect(run.code).toBe(2);
    expect(run.stderr.join('\n')).toMatch(/cannot load the kubeconfig: .*nonexistent/);
    expect(run.adminListening).toBe(false);
  }, 30_000);

  it('exits 0 on SIGTERM while still waiting for an API server that never answers', async () => {
    const controller = await startController([
      '--kubeconfig',
      writeKubeconfig('http://127.0.0.1:1'),
      '--access-log',
      'off',
    ]);
    await controller.waitForOutput(/admin server listening/);
    const readyz = await fetch(`${controller.adminUrl}/readyz`);
    expect(readyz.status).toBe(503);
    controller.signal('SIGTERM');
    const exit = await controller.exited;
    expect(exit.code).toBe(0);
  }, 30_000);
});
