/**
 * auth-cache-key / auth-cache-duration through the real binary (ingress-nginx: proxy_cache in the auth
 * location, nginx.tmpl `proxy_cache_key` of host + auth location + the key, one `proxy_cache_valid` per
 * duration): one subrequest for two requests with the same key, one per key otherwise, a new one once the
 * duration is over; the cached answer still copies the auth-response-headers, and is never another key's.
 * Also sluice_external_auth_requests_total by outcome.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedPort } from '../test/support/proxy-handler-fixtures.ts';
import { edgeRequest } from './support/http-client.ts';
import { hostIngress, metricSum, pollUntil, type Scenario, startScenario } from './fixtures.ts';

const NS = 'shop';
const NGINX = 'nginx.ingress.kubernetes.io/';
const DURATION_MS = 2500;

let scenario: Scenario;
let authServer: Server;
/** Subrequests the auth service received, by Authorization header. */
const asked = new Map<string, number>();

/** "Bearer <user>" → 200 with X-Auth-Request-User: <user>; "Bearer nobody…" or none → 401. */
function startAuthService(): Promise<Server> {
  const server = createServer((req, res) => {
    const authorization = req.headers.authorization ?? '';
    asked.set(authorization, (asked.get(authorization) ?? 0) + 1);
    const user = authorization.startsWith('Bearer ') ? authorization.slice(7) : '';
    if (user !== '' && !user.startsWith('nobody')) res.writeHead(200, { 'x-auth-request-user': user });
    else res.writeHead(401, { 'www-authenticate': 'Bearer realm="shop"' });
    res.end();
  });
  server.listen(0, '127.0.0.1');
  return once(server, 'listening').then(() => server);
}

function get(host: string, authorization: string, path = '/page') {
  return edgeRequest(scenario.controller.httpUrl, { host, path, headers: { authorization } });
}

const outcomes = (outcome: string) =>
  metricSum(scenario.controller, 'sluice_external_auth_requests_total', (line) =>
    line.includes(`outcome="${outcome}"`),
  );

beforeAll(async () => {
  authServer = await startAuthService();
  const authUrl = `http://127.0.0.1:${(authServer.address() as AddressInfo).port}/auth`;
  const down = `http://127.0.0.1:${await closedPort('127.0.0.1')}/auth`;
  const cached = {
    [`${NGINX}auth-url`]: authUrl,
    [`${NGINX}auth-response-headers`]: 'X-Auth-Request-User',
    [`${NGINX}auth-cache-key`]: '$http_authorization',
    [`${NGINX}auth-cache-duration`]: `200 401 ${DURATION_MS}ms`,
  };
  scenario = await startScenario({
    namespace: NS,
    backends: { web: 1 },
    objects: [
      hostIngress(NS, 'cached', 'cached.example', 'web', { annotations: cached }),
      hostIngress(NS, 'signin', 'signin.example', 'web', {
        annotations: { ...cached, [`${NGINX}auth-signin`]: 'https://auth.example/start' },
      }),
      hostIngress(NS, 'down', 'down.example', 'web', {
        annotations: { ...cached, [`${NGINX}auth-url`]: down },
      }),
    ],
  });
  await pollUntil(
    'the cached auth route',
    () => get('cached.example', 'Bearer probe'),
    (reply) => reply.status === 200,
    { controller: scenario.controller },
  );
});

afterAll(async () => {
  await scenario?.close();
  authServer?.closeAllConnections();
  authServer?.close();
});

describe('external authentication cache (auth-cache-key, auth-cache-duration)', () => {
  it('asks once for two requests with the same key, and the cached answer still copies the user header', async () => {
    const first = await get('cached.example', 'Bearer alice');
    const second = await get('cached.example', 'Bearer alice');
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(first.json().headers['x-auth-request-user']).toEqual(['alice']);
    expect(second.json().headers['x-auth-request-user']).toEqual(['alice']);
    expect(asked.get('Bearer alice')).toBe(1);
  });

  it("asks again for another key and never answers with another key's user", async () => {
    await get('cached.example', 'Bearer carol');
    const other = await get('cached.example', 'Bearer dave');
    expect(other.json().headers['x-auth-request-user']).toEqual(['dave']);
    expect(asked.get('Bearer carol')).toBe(1);
    expect(asked.get('Bearer dave')).toBe(1);
  });

  it('caches a 401 too (as auth-cache-duration lists it), challenge included', async () => {
    const denied = await get('cached.example', 'Bearer nobody');
    const again = await get('cached.example', 'Bearer nobody');
    expect([denied.status, again.status]).toEqual([401, 401]);
    expect(again.headers['www-authenticate']).toBe('Bearer realm="shop"');
    expect(asked.get('Bearer nobody')).toBe(1);
  });

  it("redirects a cached 401 to auth-signin with each request's own URL", async () => {
    const first = await get('signin.example', 'Bearer nobody-signin', '/a?x=1');
    const second = await get('signin.example', 'Bearer nobody-signin', '/b');
    expect([first.status, second.status]).toEqual([302, 302]);
    expect(first.headers.location).toBe(
      'https://auth.example/start?rd=' + encodeURIComponent('http://signin.example/a?x=1'),
    );
    expect(second.headers.location).toBe(
      'https://auth.example/start?rd=' + encodeURIComponent('http://signin.example/b'),
    );
    expect(asked.get('Bearer nobody-signin')).toBe(1);
  });

  it('asks again once the duration is over', async () => {
    const started = Date.now();
    await get('cached.example', 'Bearer erin');
    expect(asked.get('Bearer erin')).toBe(1);
    await pollUntil(
      'a new subrequest after the duration',
      () => get('cached.example', 'Bearer erin'),
      () => asked.get('Bearer erin') === 2,
      { timeoutMs: DURATION_MS + 8000, everyMs: 100 },
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(DURATION_MS - 50);
  });

  it('counts decisions by outcome in sluice_external_auth_requests_total (failures never cached)', async () => {
    const before = await outcomes('error');
    const cachedBefore = await outcomes('cached');
    await get('cached.example', 'Bearer frank');
    await get('cached.example', 'Bearer frank');
    const down1 = await get('down.example', 'Bearer frank');
    const down2 = await get('down.example', 'Bearer frank');
    expect([down1.status, down2.status]).toEqual([500, 500]);
    await pollUntil(
      'the outcome counters',
      async () => [await outcomes('error'), await outcomes('cached'), await outcomes('allowed')],
      ([error, cached, allowed]) => error >= before + 2 && cached >= cachedBefore + 1 && allowed >= 1,
    );
    expect(await outcomes('denied')).toBeGreaterThanOrEqual(1);
  });
});
