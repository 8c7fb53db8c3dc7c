/**
 * External authentication through the real binary, against a small oauth2-proxy-style auth service: the
 * subrequest as ingress-nginx sends it (nginx.tmpl auth location: X-Original-URL, X-Original-Method,
 * X-Auth-Request-Redirect, Host of the auth service, no body), the sign-in redirect with rd, the copied
 * auth-response-headers replacing the client's own, Set-Cookie passed on, 403 passed, failures as 500.
 */
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedPort } from '../test/support/proxy-handler-fixtures.ts';
import { edgeRequest } from './support/http-client.ts';
import { webSocketPing } from './support/websocket-ping.ts';
import { hostIngress, pollUntil, type Scenario, startScenario } from './fixtures.ts';

const NS = 'shop';
const NGINX = 'nginx.ingress.kubernetes.io/';

let scenario: Scenario;
let authServer: Server;
let authUrl = '';
const seen: { method: string; url: string; headers: IncomingHttpHeaders; bodyBytes: number }[] = [];

/** oauth2-proxy's /oauth2/auth in miniature: cookie session=ok → 202 with the user; deny → 403; else 401. */
function startAuthService(): Promise<Server> {
  const server = createServer((req, res) => {
    let bodyBytes = 0;
    req.on('data', (chunk: Buffer) => (bodyBytes += chunk.length));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, bodyBytes });
      const cookie = req.headers.cookie ?? '';
      if (cookie.includes('session=ok')) {
        res.writeHead(202, { 'x-auth-request-user': 'alice', 'set-cookie': 'session=ok; Path=/; HttpOnly' });
      } else if (cookie.includes('session=denied')) {
        res.writeHead(403);
      } else if (cookie.includes('session=broken')) {
        res.writeHead(500);
      } else {
        res.writeHead(401, { 'www-authenticate': 'Bearer realm="shop"' });
      }
      res.end();
    });
  });
  server.listen(0, '127.0.0.1');
  return once(server, 'listening').then(() => server);
}

/** A WebSocket handshake on app.example with this Cookie header (none when empty). */
const pingWithCookie = (cookie: string) =>
  webSocketPing(scenario.controller.httpPort, { host: 'app.example', ...(cookie === '' ? {} : { cookie }) });

beforeAll(async () => {
  authServer = await startAuthService();
  authUrl = `http://127.0.0.1:${(authServer.address() as AddressInfo).port}/oauth2/auth`;
  const down = `http://127.0.0.1:${await closedPort('127.0.0.1')}/oauth2/auth`;
  scenario = await startScenario({
    namespace: NS,
    backends: { web: 1 },
    objects: [
      hostIngress(NS, 'app', 'app.example', 'web', {
        annotations: {
          [`${NGINX}auth-url`]: authUrl,
          [`${NGINX}auth-signin`]: 'https://auth.example/oauth2/start?rd=$escaped_request_uri',
          [`${NGINX}auth-response-headers`]: 'X-Auth-Request-User, X-Auth-Request-Email',
        },
      }),
      hostIngress(NS, 'api', 'api.example', 'web', { annotations: { [`${NGINX}auth-url`]: authUrl } }),
      hostIngress(NS, 'down', 'down.example', 'web', { annotations: { [`${NGINX}auth-url`]: down } }),
      hostIngress(NS, 'opts', 'opts.example', 'web', {
        annotations: {
          [`${NGINX}auth-url`]: authUrl,
          [`${NGINX}auth-method`]: 'GET',
          [`${NGINX}auth-signin`]: 'https://auth.example/start',
          [`${NGINX}auth-signin-redirect-param`]: 'return_to',
          [`${NGINX}auth-request-redirect`]: 'https://opts.example/landing',
          [`${NGINX}auth-always-set-cookie`]: 'true',
        },
      }),
    ],
  });
  await pollUntil(
    'the auth routes',
    () => edgeRequest(scenario.controller.httpUrl, { host: 'api.example' }),
    (reply) => reply.status === 401,
    { controller: scenario.controller },
  );
});

afterAll(async () => {
  await scenario?.close();
  authServer?.closeAllConnections();
  authServer?.close();
});

describe('external authentication (auth-url)', () => {
  it('redirects an unauthenticated request to auth-signin with rd = the original URL', async () => {
    const reply = await edgeRequest(scenario.controller.httpUrl, { host: 'app.example', path: '/page?q=1' });
    expect(reply.status).toBe(302);
    expect(reply.headers.location).toBe(
      'https://auth.example/oauth2/start?rd=' + encodeURIComponent('http://app.example/page?q=1'),
    );
  });

  it('sends the subrequest as ingress-nginx does: original URL and method, no body, the auth host', async () => {
    seen.length = 0;
    await edgeRequest(scenario.controller.httpUrl, {
      host: 'app.example',
      path: '/upload?x=2',
      method: 'POST',
      body: 'secret body',
      headers: { cookie: 'session=ok', 'content-type': 'text/plain' },
    });
    const sub = seen.at(-1)!;
    expect(sub.method).toBe('POST');
    expect(sub.url).toBe('/oauth2/auth');
    expect(sub.bodyBytes).toBe(0);
    expect(sub.headers).toMatchObject({
      host: new URL(authUrl).host,
      'x-original-url': 'http://app.example/upload?x=2',
      'x-original-method': 'POST',
      'x-auth-request-redirect': '/upload?x=2',
      'x-sent-from': 'nginx-ingress-controller',
      'x-real-ip': '127.0.0.1',
      cookie: 'session=ok',
      'content-type': 'text/plain',
    });
    // The client's Content-Length is not sent; undici states the empty body of a POST as 0.
    expect([undefined, '0']).toContain(sub.headers['content-length']);
  });

  it('lets an authenticated request through with the auth headers, replacing and removing the client copies', async () => {
    const reply = await edgeRequest(scenario.controller.httpUrl, {
      host: 'app.example',
      path: '/me',
      headers: { cookie: 'session=ok', 'x-auth-request-user': 'mallory', 'x-auth-request-email': 'mallory@evil' },
    });
    expect(reply.status).toBe(200);
    const echo = reply.json();
    expect(echo.headers['x-auth-request-user']).toEqual(['alice']);
    expect(echo.headers['x-auth-request-email']).toBeUndefined();
    expect(reply.headers['set-cookie']).toBe('session=ok; Path=/; HttpOnly');
  });

  it('passes 403, passes 401 with its challenge when there is no auth-signin, and answers 500 for other answers', async () => {
    const denied = await edgeRequest(scenario.controller.httpUrl, {
      host: 'app.example',
      headers: { cookie: 'session=denied' },
    });
    expect(denied.status).toBe(403);
    const unauthenticated = await edgeRequest(scenario.controller.httpUrl, { host: 'api.example' });
    expect(unauthenticated.status).toBe(401);
    expect(unauthenticated.headers['www-authenticate']).toBe('Bearer realm="shop"');
    const broken = await edgeRequest(scenario.controller.httpUrl, {
      host: 'api.example',
      headers: { cookie: 'session=broken' },
    });
    expect(broken.status).toBe(500);
  });

  it('answers 500 when the auth service cannot be reached (never lets the request through)', async () => {
    const reply = await edgeRequest(scenario.controller.httpUrl, {
      host: 'down.example',
      headers: { cookie: 'session=ok' },
    });
    expect(reply.status).toBe(500);
  });

  // ingress-nginx's auth_request runs for every request of the location, WebSocket handshakes included.
  it('asks the auth service before a WebSocket upgrade: allowed → the socket echoes, else its answer', async () => {
    seen.length = 0;
    expect(await pingWithCookie('session=ok')).toEqual({ echoed: 'ping' });
    expect(seen.at(-1)?.headers).toMatchObject({
      'x-original-url': 'http://app.example/ws',
      'x-original-method': 'GET',
    });
    expect(await pingWithCookie('session=denied')).toMatchObject({ refused: 403 });
    expect(await pingWithCookie('')).toMatchObject({
      refused: 302,
      location: 'https://auth.example/oauth2/start?rd=' + encodeURIComponent('http://app.example/ws'),
    });
  });
});

// ingress-nginx annotations/authreq: auth-method sets the auth location's proxy_method, auth-signin-redirect-param
// names the query parameter of buildAuthSignURL, auth-request-redirect replaces X-Auth-Request-Redirect, and
// auth-always-set-cookie adds the auth answer's Set-Cookie with `always` (on error answers of the pod too).
describe('external authentication options', () => {
  it('auth-method: the subrequest uses the given method whatever the request method', async () => {
    seen.length = 0;
    const reply = await edgeRequest(scenario.controller.httpUrl, {
      host: 'opts.example',
      path: '/form',
      method: 'POST',
      body: 'a=1',
      headers: { cookie: 'session=ok' },
    });
    expect(reply.status).toBe(200);
    expect(reply.json().method).toBe('POST');
    expect(seen.at(-1)).toMatchObject({ method: 'GET', headers: { 'x-original-method': 'POST' } });
  });

  it('auth-signin-redirect-param: the sign-in redirect carries the original URL in that parameter', async () => {
    const reply = await edgeRequest(scenario.controller.httpUrl, { host: 'opts.example', path: '/a?b=c' });
    expect(reply.status).toBe(302);
    expect(reply.headers.location).toBe(
      'https://auth.example/start?return_to=' + encodeURIComponent('http://opts.example/a?b=c'),
    );
  });

  it('auth-request-redirect: sent as X-Auth-Request-Redirect instead of the request URI', async () => {
    seen.length = 0;
    await edgeRequest(scenario.controller.httpUrl, {
      host: 'opts.example',
      path: '/x',
      headers: { cookie: 'session=ok' },
    });
    expect(seen.at(-1)?.headers['x-auth-request-redirect']).toBe('https://opts.example/landing');
  });

  it("auth-always-set-cookie: the auth answer's Set-Cookie reaches the client on the pod's error answers too", async () => {
    const reply = await edgeRequest(scenario.controller.httpUrl, {
      host: 'opts.example',
      path: '/status/500',
      headers: { cookie: 'session=ok' },
    });
    expect(reply.status).toBe(500);
    expect(reply.headers['set-cookie']).toBe('session=ok; Path=/; HttpOnly');
  });
});
