// Cookie affinity and consistent hashing through the real edge, under ingress-nginx's class. Cases after
// ingress-nginx test/e2e/annotations/affinity.go and upstreamhashby.go.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { EchoReply } from './support/pods.ts';
import { nginxIngress, startNginxSite, type NginxSite } from './support/ingress-nginx-site.ts';

let site: NginxSite;
const web = [{ path: '/', service: 'web' }];

beforeAll(async () => {
  site = await startNginxSite({ web: 3 }, [
    nginxIngress('sticky', 'sticky.example.com', web, {
      affinity: 'cookie',
      'session-cookie-name': 'route',
      'session-cookie-max-age': '172800',
      'session-cookie-samesite': 'Lax',
    }),
    nginxIngress('hashed', 'hashed.example.com', web, { 'upstream-hash-by': '$arg_user' }),
  ]);
}, 90_000);

afterAll(async () => {
  await site?.close();
});

describe('affinity: cookie', () => {
  test('the first answer sets the cookie (never the address); with it, every request reaches the same pod', async () => {
    const first = await site.request('sticky.example.com');
    const setCookie = String(first.headers['set-cookie']);
    expect(setCookie).toMatch(/^route=[0-9a-f]{8}; Path=\/; Max-Age=172800; SameSite=Lax; HttpOnly$/);
    expect(setCookie).not.toContain('127.');
    const pod = first.json<EchoReply>().pod;
    const cookie = setCookie.split(';')[0];
    for (let i = 0; i < 8; i++) {
      const reply = await site.request('sticky.example.com', { headers: { cookie } });
      expect(reply.json<EchoReply>().pod).toBe(pod);
      expect(reply.headers['set-cookie']).toBeUndefined();
    }
  });

  test('a cookie naming no endpoint is replaced', async () => {
    const reply = await site.request('sticky.example.com', { headers: { cookie: 'route=deadbeef' } });
    expect(String(reply.headers['set-cookie'])).toMatch(/^route=[0-9a-f]{8};/);
  });
});

describe('upstream-hash-by', () => {
  test('the same key always reaches the same pod, and keys spread over the pods', async () => {
    const seen = new Set<string>();
    for (let user = 0; user < 12; user++) {
      const pods = new Set<string>();
      for (let i = 0; i < 3; i++)
        pods.add((await site.request('hashed.example.com', { path: `/?user=u${user}` })).json<EchoReply>().pod);
      expect(pods.size).toBe(1);
      seen.add([...pods][0]);
    }
    expect(seen.size).toBeGreaterThan(1);
  });
});
