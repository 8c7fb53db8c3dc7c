import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePorts, REPO_ROOT, startController } from './controller.ts';

const fake = [process.execPath, join(REPO_ROOT, 'e2e/support/fixtures/fake-controller.ts')];

describe('freePorts', () => {
  it('hands out distinct ports (all bound before any is released)', async () => {
    for (let round = 0; round < 20; round++) {
      const ports = await freePorts(3);
      expect(new Set(ports).size).toBe(3);
      expect(ports.every((port) => port > 0)).toBe(true);
    }
  });
});

describe('startController (against a fake controller)', () => {
  it('picks free ports, waits for readiness and generations, and stops the process group with SIGTERM', async () => {
    const controller = await startController(['--log-level', 'debug'], {}, { command: fake });
    try {
      expect(new Set([controller.httpPort, controller.httpsPort, controller.adminPort]).size).toBe(3);
      await controller.waitReady(5000);
      const status = await controller.waitGeneration(3, 5000);
      expect(status.generation).toBeGreaterThanOrEqual(3);
      expect(status.args).toEqual(
        expect.arrayContaining(['--admin-port', String(controller.adminPort), '--bind-address', '127.0.0.1']),
      );
      expect(await controller.waitForOutput('listening')).toContain(String(controller.adminPort));
      await controller.waitForOutput(/^stderr: a line/);
      await expect(
        controller.waitFor((s) => s.generation > 99, { timeoutMs: 200, what: 'an impossible generation' }),
      ).rejects.toThrow(/impossible generation.*"generation":5/s);
    } finally {
      const exit = await controller.stop(5000);
      expect(exit.code).toBe(0);
    }
    expect(controller.output.some((line) => line.includes('draining'))).toBe(true);
  });

  it('reports an early exit with the output while waiting', async () => {
    const controller = await startController(
      [],
      {},
      { command: [process.execPath, '-e', 'console.log("bad flag: --nope"); process.exit(2)', '--'] },
    );
    await expect(controller.waitReady(5000)).rejects.toThrow(/exited \(code 2.*bad flag: --nope/s);
    expect((await controller.exited).code).toBe(2);
  });

  it('through npm start, SIGTERM reaches the controller itself and its exit code comes back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-npm-start-'));
    const script = `${JSON.stringify(process.execPath)} ${JSON.stringify(fake[1])}`;
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({ name: 'fake', private: true, scripts: { start: script } }),
    );
    const controller = await startController([], {}, { cwd: dir });
    await controller.waitReady(10_000);
    expect((await controller.stop(5000)).code).toBe(0);
    expect(controller.output.some((line) => line.includes('draining'))).toBe(true);
  });
});
