// Rate limits, canaries and snippet header lines through the real edge, under ingress-nginx's class.
// Cases after ingress-nginx test/e2e/annotations/limitrate.go, canary.go and snippet.go (whose lines
// sluice never executes: it reads the safe header lines as data).
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { EchoReply } from './support/pods.ts';
import { nginxIngress, startNginxSite, type NginxSite } from './support/ingress-nginx-site.ts';

let site: NginxSite;
const web = [{ path: '/', service: 'web' }];
const canary = [{ path: '/', service: 'canary' }];

beforeAll(async () => {
  site = await startNginxSite({ web: 1, canary: 1 }, [
    nginxIngress('limited', 'limited.example.com', web, { 'limit-rps': '1', 'limit-burst-multiplier': '1' }),
    nginxIngress('exempt', 'exempt.example.com', web, {
      'limit-rps': '1',
      'limit-burst-multiplier': '1',
      'limit-whitelist': '127.0.0.0/8',
    }),
    nginxIngress('main', 'canary.example.com', web),
    nginxIngress('canary-header', 'canary.example.com', canary, {
      canary: 'true',
      'canary-by-header': 'X-Canary',
      'canary-by-cookie': 'canary_cookie',
    }),
    nginxIngress('main-weighted', 'weighted.example.com', web),
    nginxIngress('canary-weighted', 'weighted.example.com', canary, { canary: 'true', 'canary-weight': '100' }),
    nginxIngress('main-pattern', 'pattern.example.com', web),
    nginxIngress('canary-pattern', 'pattern.example.com', canary, {
      canary: 'true',
      'canary-by-header': 'X-Group',
      'canary-by-header-pattern': '^(beta|internal)$',
    }),
    nginxIngress('snippet', 'snippet.example.com', web, {
      'configuration-snippet':
        'more_set_headers "X-Frame-Options: DENY";\nproxy_set_header X-Team blue;\nmore_clear_headers X-Powered-By;',
    }),
  ]);
}, 90_000);

afterAll(async () => {
  await site?.close();
});

describe('limit-rps', () => {
  test('over the burst, a client gets 503; a limit-whitelist client never does', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await site.request('limited.example.com')).status);
    expect(statuses[0]).toBe(200);
    expect(statuses).toContain(503);
    for (let i = 0; i < 6; i++) expect((await site.request('exempt.example.com')).status).toBe(200);
  });
});

async function pod(host: string, headers: Record<string, string> = {}): Promise<string> {
  return (await site.request(host, { headers })).json<EchoReply>().service;
}

describe('canary', () => {
  test('canary-by-header: "always" goes to the canary, "never" and other values to the main backend', async () => {
    expect(await pod('canary.example.com', { 'x-canary': 'always' })).toBe('canary');
    expect(await pod('canary.example.com', { 'x-canary': 'never' })).toBe('web');
    expect(await pod('canary.example.com', { 'x-canary': 'maybe' })).toBe('web');
    expect(await pod('canary.example.com')).toBe('web');
  });

  test('the header decides before the cookie; the cookie decides without the header', async () => {
    expect(await pod('canary.example.com', { cookie: 'a=b; canary_cookie=always' })).toBe('canary');
    expect(await pod('canary.example.com', { 'x-canary': 'never', cookie: 'canary_cookie=always' })).toBe('web');
  });

  test('canary-weight 100 sends everything to the canary; a header pattern selects by RE2 match', async () => {
    for (let i = 0; i < 3; i++) expect(await pod('weighted.example.com')).toBe('canary');
    expect(await pod('pattern.example.com', { 'x-group': 'internal' })).toBe('canary');
    expect(await pod('pattern.example.com', { 'x-group': 'internals' })).toBe('web');
  });
});

describe('configuration-snippet header lines', () => {
  test('more_set_headers reaches the client, proxy_set_header the upstream; nothing is executed', async () => {
    const reply = await site.request('snippet.example.com');
    expect(reply.status).toBe(200);
    expect(reply.headers['x-frame-options']).toBe('DENY');
    expect(reply.json<EchoReply>().headers['x-team']).toEqual(['blue']);
  });
});
