import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { browserAdminServer } from '../../test/support/admin-browser-server.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_FLAGS, chromiumPath } from '../../test/support/admin-chromium.ts';
import { fixtureState } from '../../test/support/admin-state-fixture.ts';
import { createMetrics } from '../telemetry/metrics.ts';
import { tokenAccess } from './admin-access.ts';

const TOKEN = 'browser-admin-token-0123456789';

// With --admin-token-file a browser signs in with HTTP Basic (any user name, the token as password); the
// page's modules, the event stream and the history then come with the same credentials.
describe('status page behind the admin token, in a browser', () => {
  const state = fixtureState({ generation: 1 });
  const app = browserAdminServer({
    getState: () => state,
    metrics: createMetrics({ processMetrics: false }),
    sources: () => [],
    access: tokenAccess(TOKEN),
  });
  let base = '';
  const dirs: string[] = [];
  beforeAll(async () => {
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  }, 600_000);
  afterAll(async () => {
    await app.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  async function browse(credentials: { username: string; password: string } | undefined) {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-chromium-token-'));
    dirs.push(dir);
    return chromium.launchPersistentContext(dir, {
      executablePath: chromiumPath(),
      headless: true,
      args: CHROMIUM_FLAGS,
      ...(credentials === undefined ? {} : { httpCredentials: credentials }),
    });
  }

  it('renders and goes live with the token as the Basic password', async () => {
    const context = await browse({ username: 'operator', password: TOKEN });
    try {
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      const response = await page.goto(base);
      expect(response?.status()).toBe(200);
      await page.locator('#live.on').waitFor();
      await expect.poll(() => page.locator('#hosts .host-name').count()).toBeGreaterThan(0);
      await expect.poll(() => page.locator('#table-charts .sub').textContent()).toContain('last generation 1');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('gets a 401 and no page without it', async () => {
    const context = await browse(undefined);
    try {
      // Chromium turns the unanswered Basic challenge into a navigation error; a plain request shows the 401.
      const page = await context.newPage();
      await expect(page.goto(base)).rejects.toThrow(/ERR_INVALID_AUTH_CREDENTIALS/);
      expect((await context.request.get(base)).status()).toBe(401);
      expect((await context.request.get(`${base}/page/main.js`)).status()).toBe(401);
    } finally {
      await context.close();
    }
  });
});
