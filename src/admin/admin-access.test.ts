import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureState } from '../../test/support/admin-state-fixture.ts';
import { createMetrics } from '../telemetry/metrics.ts';
import { silentLogger } from '../util/logger.ts';
import { adminAccessOptions, tokenAccess, tokenFromFile } from './admin-access.ts';
import { createAdminServer } from './server.ts';

const TOKEN = 'r3ad-only-admin-token-for-tests';
const dir = mkdtempSync(join(tmpdir(), 'sluice-admin-token-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function serverWith(options: { metricsOpen?: boolean } = {}) {
  const state = fixtureState();
  return createAdminServer({
    getState: () => state,
    readiness: () => ({ ready: true, reasons: [] }),
    metrics: createMetrics({ processMetrics: false }),
    sources: () => [],
    log: silentLogger,
    access: tokenAccess(TOKEN),
    ...options,
  });
}

describe('admin token (--admin-token-file)', () => {
  const app = serverWith();
  let base = '';
  beforeAll(async () => {
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });
  afterAll(() => app.close());
  const get = (path: string, authorization?: string) =>
    fetch(base + path, { headers: authorization === undefined ? {} : { authorization } });

  it('answers 401 with Bearer and Basic challenges without the token, for the page, its modules and the API', async () => {
    for (const path of ['/', '/page/main.js', '/api/v1/status', '/api/v1/routes', '/api/v1/events', '/api/v1/nope']) {
      const response = await get(path);
      expect(response.status, path).toBe(401);
      const challenges = response.headers.get('www-authenticate') ?? '';
      expect(challenges).toContain('Bearer realm="sluice admin"');
      expect(challenges).toContain('Basic realm="sluice admin"');
      expect(await response.json()).toEqual({ error: 'this needs the admin token' });
    }
  });

  it('answers 401 to a wrong token, a near miss, or another scheme', async () => {
    for (const authorization of [
      'Bearer wrong',
      `Bearer ${TOKEN}x`,
      `Bearer ${TOKEN.slice(0, -1)}`,
      `Token ${TOKEN}`,
      TOKEN,
      `Basic ${Buffer.from(`admin:${TOKEN}x`).toString('base64')}`,
      `Basic ${Buffer.from(TOKEN).toString('base64')}`,
    ]) {
      expect((await get('/api/v1/status', authorization)).status, authorization).toBe(401);
    }
  });

  it('serves the page and the API with the token, as a bearer token or a Basic password', async () => {
    expect((await get('/api/v1/status', `Bearer ${TOKEN}`)).status).toBe(200);
    expect((await get('/api/v1/status', `bearer ${TOKEN}`)).status).toBe(200);
    expect((await get('/', `Basic ${Buffer.from(`anyone:${TOKEN}`).toString('base64')}`)).status).toBe(200);
    expect((await get('/page/main.js', `Bearer ${TOKEN}`)).status).toBe(200);
  });

  it('keeps /healthz, /readyz and /metrics open', async () => {
    expect((await get('/healthz')).status).toBe(200);
    expect((await get('/readyz')).status).toBe(200);
    expect((await get('/metrics')).status).toBe(200);
  });

  it('puts /metrics behind the token with --admin-metrics-open=false, never the probes', async () => {
    const closed = serverWith({ metricsOpen: false });
    expect((await closed.inject('/metrics')).statusCode).toBe(401);
    expect((await closed.inject({ url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } })).statusCode).toBe(
      200,
    );
    expect((await closed.inject('/healthz')).statusCode).toBe(200);
    expect((await closed.inject('/readyz')).statusCode).toBe(200);
    await closed.close();
  });
});

describe('token file', () => {
  it('reads the token once, trimmed (a Secret file often ends in a newline)', () => {
    const path = join(dir, 'token');
    writeFileSync(path, `${TOKEN}\n`);
    expect(tokenFromFile(path)).toBe(TOKEN);
    const { access, metricsOpen } = adminAccessOptions({ adminTokenFile: path, adminMetricsOpen: true });
    expect(access.tokenRequired).toBe(true);
    expect(access.allows(`Bearer ${TOKEN}`)).toBe(true);
    expect(metricsOpen).toBe(true);
  });

  it('refuses a missing file or a token shorter than 16 characters, naming the flag', () => {
    expect(() => tokenFromFile(join(dir, 'absent'))).toThrow(/--admin-token-file .*absent: cannot read it/);
    const short = join(dir, 'short');
    writeFileSync(short, 'fifteen-chars!!\n');
    expect(() => tokenFromFile(short)).toThrow(/at least 16 characters/);
  });

  it('leaves the admin port open without the flag', () => {
    const { access } = adminAccessOptions({ adminTokenFile: null, adminMetricsOpen: true });
    expect(access.tokenRequired).toBe(false);
    expect(access.allows(undefined)).toBe(true);
  });
});
