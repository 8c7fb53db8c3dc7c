// The rest of issue 12's CORS, limit, session and balancing annotations through the real edge, under
// ingress-nginx's class. Cases after ingress-nginx test/e2e/annotations/cors.go (allow-headers,
// allow-credentials), limitrate.go (rpm), limitconnections.go, proxy.go (body size, read timeout),
// affinity.go (cookie attributes, mode) and canary.go (header value, weight total).
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import type { EchoReply } from './support/pods.ts';
import { nginxIngress, startNginxSite, type NginxSite } from './support/ingress-nginx-site.ts';

let site: NginxSite;
const web = [{ path: '/', service: 'web' }];
const canary = [{ path: '/', service: 'canary' }];

beforeAll(async () => {
  site = await startNginxSite({ web: 3, canary: 1 }, [
    nginxIngress('cors', 'cors.example.com', web, {
      'enable-cors': 'true',
      'cors-allow-origin': 'https://app.example.com',
      'cors-allow-headers': 'X-Custom, Authorization',
      'cors-allow-credentials': 'false',
    }),
    nginxIngress('cors-credentials', 'cors-credentials.example.com', web, {
      'enable-cors': 'true',
      'cors-allow-origin': 'https://app.example.com',
    }),
    nginxIngress('rpm', 'rpm.example.com', web, { 'limit-rpm': '1', 'limit-burst-multiplier': '1' }),
    nginxIngress('connections', 'connections.example.com', web, { 'limit-connections': '1' }),
    nginxIngress('body', 'body.example.com', web, { 'proxy-body-size': '1k' }),
    nginxIngress('read', 'read.example.com', web, { 'proxy-read-timeout': '1' }),
    nginxIngress('sticky', 'sticky.example.com', web, {
      affinity: 'cookie',
      'affinity-mode': 'persistent',
      'session-cookie-name': 'pin',
      'session-cookie-path': '/app',
      'session-cookie-expires': '3600',
      'session-cookie-secure': 'true',
      'session-cookie-change-on-failure': 'true',
    }),
    nginxIngress('round', 'round.example.com', web, { 'load-balance': 'round_robin' }),
    nginxIngress('ewma', 'ewma.example.com', web, { 'load-balance': 'ewma' }),
    nginxIngress('main-value', 'value.example.com', web),
    nginxIngress('canary-value', 'value.example.com', canary, {
      canary: 'true',
      'canary-by-header': 'X-Release',
      'canary-by-header-value': 'next',
    }),
    nginxIngress('main-total', 'total.example.com', web),
    nginxIngress('canary-total', 'total.example.com', canary, {
      canary: 'true',
      'canary-weight': '50',
      'canary-weight-total': '50',
    }),
  ]);
}, 90_000);

afterAll(async () => {
  await site?.close();
});

const origin = { origin: 'https://app.example.com' };

describe('CORS headers and credentials', () => {
  test('cors-allow-headers is the preflight allow list; cors-allow-credentials false leaves credentials out', async () => {
    const preflight = await site.request('cors.example.com', {
      method: 'OPTIONS',
      headers: { ...origin, 'access-control-request-method': 'GET' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-headers']).toBe('X-Custom, Authorization');
    expect(preflight.headers['access-control-allow-credentials']).toBeUndefined();
    const plain = await site.request('cors-credentials.example.com', { headers: origin });
    expect(plain.headers['access-control-allow-credentials']).toBe('true');
  });
});

describe('limits', () => {
  test('limit-rpm: over the burst, 503', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await site.request('rpm.example.com')).status);
    expect(statuses[0]).toBe(200);
    expect(statuses).toContain(503);
  });

  test('limit-connections 1: a second concurrent request from the client gets 503', async () => {
    const served = () => site.pods.web.reduce((sum, pod) => sum + pod.requestCount, 0);
    const before = served();
    const slow = site.request('connections.example.com', { path: '/slow?ms=1500' });
    // The slow request holds the client's one connection slot once a pod has it.
    await vi.waitFor(() => expect(served()).toBeGreaterThan(before), { timeout: 5000, interval: 10 });
    const second = await site.request('connections.example.com');
    expect(second.status).toBe(503);
    expect((await slow).status).toBe(200);
    expect((await site.request('connections.example.com')).status).toBe(200);
  });

  test('proxy-body-size: a body over the limit is 413 and never reaches the pod; one under it passes', async () => {
    expect((await site.request('body.example.com', { method: 'POST', body: 'x'.repeat(2048) })).status).toBe(413);
    const small = await site.request('body.example.com', { method: 'POST', body: 'x'.repeat(512) });
    expect(small.status).toBe(200);
    expect(small.json<EchoReply>().bodyLength).toBe(512);
  });

  test('proxy-read-timeout: an upstream slower than it answers 504', async () => {
    expect((await site.request('read.example.com', { path: '/slow?ms=3000' })).status).toBe(504);
    expect((await site.request('read.example.com', { path: '/slow?ms=10' })).status).toBe(200);
  });
});

describe('sessions and balancing', () => {
  test('the affinity cookie carries session-cookie-path, -expires and -secure; persistent mode keeps the pod', async () => {
    const first = await site.request('sticky.example.com', { path: '/app/x' });
    const cookie = String(first.headers['set-cookie']);
    expect(cookie).toMatch(/^pin=[0-9a-f]{8}; Path=\/app; Secure; HttpOnly; Expires=/);
    const pod = first.json<EchoReply>().pod;
    const pair = cookie.slice(0, cookie.indexOf(';'));
    for (let i = 0; i < 4; i++) {
      const again = await site.request('sticky.example.com', { path: '/app/x', headers: { cookie: pair } });
      expect(again.json<EchoReply>().pod).toBe(pod);
      expect(again.headers['set-cookie']).toBeUndefined();
    }
    // A cookie naming no endpoint is replaced (session-cookie-change-on-failure).
    const stale = await site.request('sticky.example.com', { path: '/app/x', headers: { cookie: 'pin=00000000' } });
    expect(stale.status).toBe(200);
    expect(String(stale.headers['set-cookie'])).toMatch(/^pin=[0-9a-f]{8};/);
  });

  test('load-balance round_robin spreads over every pod; ewma (least-request) serves them all too', async () => {
    const pods = new Set<string>();
    for (let i = 0; i < 6; i++) pods.add((await site.request('round.example.com')).json<EchoReply>().pod);
    expect(pods.size).toBe(3);
    const ewma = new Set<string>();
    for (let i = 0; i < 9; i++) {
      const reply = await site.request('ewma.example.com');
      expect(reply.status).toBe(200);
      ewma.add(reply.json<EchoReply>().pod);
    }
    expect(ewma.size).toBeGreaterThan(1);
  });
});

async function service(headers: Record<string, string>): Promise<string> {
  return (await site.request('value.example.com', { headers })).json<EchoReply>().service;
}

describe('canary', () => {
  test('canary-by-header-value: only that value selects the canary', async () => {
    expect(await service({ 'x-release': 'next' })).toBe('canary');
    expect(await service({ 'x-release': 'always' })).toBe('web');
    expect(await service({})).toBe('web');
  });

  test('canary-weight-total: a weight equal to the total sends everything to the canary', async () => {
    for (let i = 0; i < 4; i++)
      expect((await site.request('total.example.com')).json<EchoReply>().service).toBe('canary');
  });
});
