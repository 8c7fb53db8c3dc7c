// Redirects, client address lists and CORS through the real edge, under ingress-nginx's class. Cases after
// ingress-nginx test/e2e/annotations/permanentredirect.go, redirect.go, approot.go, forcesslredirect.go,
// ipwhitelist.go, ipdenylist.go and cors.go. The test client connects from 127.0.0.1.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { EchoReply } from './support/pods.ts';
import { nginxIngress, startNginxSite, type NginxSite } from './support/ingress-nginx-site.ts';

let site: NginxSite;
const root = [{ path: '/', service: 'web' }];

beforeAll(async () => {
  site = await startNginxSite({ web: 1 }, [
    nginxIngress('moved', 'moved.example.com', root, {
      'permanent-redirect': 'https://new.example.com/landing',
      'permanent-redirect-code': '308',
    }),
    nginxIngress('temporal', 'temporal.example.com', root, { 'temporal-redirect': 'https://elsewhere.example.com/' }),
    nginxIngress('approot', 'approot.example.com', root, { 'app-root': '/app1' }),
    nginxIngress('forced', 'forced.example.com', root, { 'force-ssl-redirect': 'true' }),
    nginxIngress('www', 'site.example.com', root, { 'from-to-www-redirect': 'true' }),
    nginxIngress('allowed', 'allowed.example.com', root, { 'whitelist-source-range': '10.0.0.0/8, 127.0.0.1/32' }),
    nginxIngress('refused', 'refused.example.com', root, { 'allowlist-source-range': '10.0.0.0/8, 2001:db8::/32' }),
    nginxIngress('denied', 'denied.example.com', root, { 'denylist-source-range': '127.0.0.0/8' }),
    nginxIngress('cors', 'cors.example.com', root, {
      'enable-cors': 'true',
      'cors-allow-origin': 'https://app.example.com, https://*.example.org',
      'cors-allow-methods': 'GET, POST',
      'cors-expose-headers': 'X-Total',
      'cors-max-age': '600',
    }),
    nginxIngress('cors-any', 'cors-any.example.com', root, { 'enable-cors': 'true' }),
  ]);
}, 90_000);

afterAll(async () => {
  await site?.close();
});

describe('redirects', () => {
  test('permanent-redirect with permanent-redirect-code answers at the edge', async () => {
    const reply = await site.request('moved.example.com', { path: '/anything' });
    expect(reply.status).toBe(308);
    expect(reply.headers.location).toBe('https://new.example.com/landing');
    expect(site.pods.web[0].requestCount).toBe(0);
  });

  test('temporal-redirect answers 302', async () => {
    const reply = await site.request('temporal.example.com', { path: '/x' });
    expect(reply.status).toBe(302);
    expect(reply.headers.location).toBe('https://elsewhere.example.com/');
  });

  test('app-root redirects "/" only', async () => {
    const reply = await site.request('approot.example.com', { path: '/' });
    expect(reply.status).toBe(302);
    expect(reply.headers.location).toBe('/app1');
    expect((await site.request('approot.example.com', { path: '/app1' })).status).toBe(200);
  });

  test('force-ssl-redirect redirects plain HTTP without a TLS section', async () => {
    const reply = await site.request('forced.example.com', { path: '/p?q=1' });
    expect(reply.status).toBe(308);
    expect(String(reply.headers.location)).toMatch(/^https:\/\/forced\.example\.com(:\d+)?\/p\?q=1$/);
  });
});

test('from-to-www-redirect sends www.<host> to the same path on <host> (308)', async () => {
  const reply = await site.request('www.site.example.com', { path: '/a/b?c=d' });
  expect(reply.status).toBe(308);
  expect(reply.headers.location).toBe('http://site.example.com/a/b?c=d');
  expect((await site.request('site.example.com', { path: '/a' })).status).toBe(200);
});

describe('client address lists', () => {
  test('an allow list with the client passes; one without it answers 403; a deny list with it answers 403', async () => {
    expect((await site.request('allowed.example.com')).status).toBe(200);
    const refused = await site.request('refused.example.com');
    expect(refused.status).toBe(403);
    expect((await site.request('denied.example.com')).status).toBe(403);
  });

  test('X-Forwarded-For from an untrusted client does not get it in', async () => {
    const reply = await site.request('refused.example.com', { headers: { 'x-forwarded-for': '10.1.2.3' } });
    expect(reply.status).toBe(403);
  });
});

describe('CORS', () => {
  test('a preflight from an allowed origin is answered 204 by the edge', async () => {
    const before = site.pods.web[0].requestCount;
    const reply = await site.request('cors.example.com', {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST' },
    });
    expect(reply.status).toBe(204);
    expect(reply.headers['access-control-allow-origin']).toBe('https://app.example.com');
    expect(reply.headers['access-control-allow-methods']).toBe('GET, POST');
    expect(reply.headers['access-control-max-age']).toBe('600');
    expect(reply.headers['access-control-allow-credentials']).toBe('true');
    expect(site.pods.web[0].requestCount).toBe(before);
  });

  test('answers carry the CORS headers for an allowed origin (one-label wildcard too), none for others', async () => {
    const wildcard = await site.request('cors.example.com', { headers: { origin: 'https://shop.example.org' } });
    expect(wildcard.status).toBe(200);
    expect(wildcard.headers['access-control-allow-origin']).toBe('https://shop.example.org');
    expect(wildcard.headers['access-control-expose-headers']).toBe('X-Total');
    const deeper = await site.request('cors.example.com', { headers: { origin: 'https://a.b.example.org' } });
    expect(deeper.headers['access-control-allow-origin']).toBeUndefined();
    const other = await site.request('cors.example.com', { headers: { origin: 'https://evil.example.net' } });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    expect(other.json<EchoReply>().pod).toBe('web-0');
  });

  test('with the defaults, every origin is allowed ("*")', async () => {
    const reply = await site.request('cors-any.example.com', { headers: { origin: 'https://x.test' } });
    expect(reply.headers['access-control-allow-origin']).toBe('*');
  });
});
