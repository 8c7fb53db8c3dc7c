/**
 * Header ConfigMaps through the real binary and the API emulator: custom-headers (ingress-nginx
 * internal/ingress/annotations/customheaders: each key of the ConfigMap a response header of every answer of
 * the route) and auth-proxy-set-headers (authreq: each key a header of the auth subrequest). A change to the
 * ConfigMap changes the headers with no restart; a missing ConfigMap sets none (and is reported) until it
 * appears; one bad key refuses the whole ConfigMap.
 */
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../src/routing/types.ts';
import { edgeRequest, type EdgeResponse } from './support/http-client.ts';
import { hostIngress, pollUntil, type Scenario, startScenario } from './fixtures.ts';

const NS = 'shop';
const NGINX = 'nginx.ingress.kubernetes.io/';

let scenario: Scenario;
let authServer: Server;
let authUrl = '';
const seen: IncomingHttpHeaders[] = [];

function configMap(name: string, data: Record<string, string>): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { namespace: NS, name }, data };
}

/** An auth service that lets every request through and remembers the headers it was sent. */
function startAuthService(): Promise<Server> {
  const server = createServer((req, res) => {
    seen.push(req.headers);
    res.writeHead(200);
    res.end();
  });
  server.listen(0, '127.0.0.1');
  return once(server, 'listening').then(() => server);
}

const get = (host: string, headers: Record<string, string> = {}) =>
  edgeRequest(scenario.controller.httpUrl, { host, headers });

function until(what: string, host: string, test: (reply: EdgeResponse) => boolean): Promise<EdgeResponse> {
  return pollUntil(what, () => get(host), test, { controller: scenario.controller, timeoutMs: 15_000 });
}

beforeAll(async () => {
  authServer = await startAuthService();
  authUrl = `http://127.0.0.1:${(authServer.address() as AddressInfo).port}/auth`;
  scenario = await startScenario({
    namespace: NS,
    backends: { web: 1 },
    objects: [
      configMap('shop-headers', { 'X-Frame-Options': 'DENY', 'X-Team': 'shop' }),
      configMap('auth-headers', { 'X-Auth-Tenant': 'shop', 'X-Forwarded-User': 'set-by-config' }),
      configMap('bad-headers', { 'X-Good': 'yes', 'X Bad': 'no' }),
      hostIngress(NS, 'shop', 'shop.example', 'web', {
        annotations: { [`${NGINX}custom-headers`]: `${NS}/shop-headers` },
      }),
      hostIngress(NS, 'late', 'late.example', 'web', { annotations: { [`${NGINX}custom-headers`]: 'late-headers' } }),
      hostIngress(NS, 'bad', 'bad.example', 'web', { annotations: { [`${NGINX}custom-headers`]: 'bad-headers' } }),
      hostIngress(NS, 'guarded', 'guarded.example', 'web', {
        annotations: { [`${NGINX}auth-url`]: authUrl, [`${NGINX}auth-proxy-set-headers`]: 'auth-headers' },
      }),
    ],
  });
  await until('the custom-headers route', 'shop.example', (reply) => reply.headers['x-team'] === 'shop');
}, 60_000);

afterAll(async () => {
  await scenario?.close();
  authServer?.closeAllConnections();
  authServer?.close();
});

describe('custom-headers (a ConfigMap of response headers)', () => {
  it('sets every key of the ConfigMap on the answer', async () => {
    const reply = await get('shop.example');
    expect(reply.status).toBe(200);
    expect(reply.headers).toMatchObject({ 'x-frame-options': 'DENY', 'x-team': 'shop' });
  });

  it('follows a change of the ConfigMap without a restart', async () => {
    const pid = scenario.controller.pid;
    scenario.api.apply(configMap('shop-headers', { 'X-Frame-Options': 'SAMEORIGIN', 'X-Release': '2' }));
    const reply = await until('the new headers', 'shop.example', (each) => each.headers['x-release'] === '2');
    expect(reply.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(reply.headers['x-team']).toBeUndefined();
    expect(scenario.controller.pid).toBe(pid);
  });

  it('sets nothing while the ConfigMap is missing (a ConfigMapNotFound problem), and its headers once it appears', async () => {
    const missing = await get('late.example');
    expect(missing.status).toBe(200);
    expect(missing.headers['x-late']).toBeUndefined();
    const status = await scenario.controller.status();
    expect(status.problems.map((problem: { code: string }) => problem.code)).toContain('ConfigMapNotFound');
    scenario.api.apply(configMap('late-headers', { 'X-Late': 'here' }));
    await until('the late ConfigMap', 'late.example', (reply) => reply.headers['x-late'] === 'here');
    scenario.api.remove('ConfigMap', NS, 'late-headers');
    await until('the deleted ConfigMap', 'late.example', (reply) => reply.headers['x-late'] === undefined);
  });

  it('refuses a ConfigMap with a key that is not a header name: no header of it is set', async () => {
    const reply = await get('bad.example');
    expect(reply.status).toBe(200);
    expect(reply.headers['x-good']).toBeUndefined();
    const status = await scenario.controller.status();
    const problem = status.problems.find((each: { object: { name: string } }) => each.object.name === 'bad');
    expect(problem).toMatchObject({ code: 'AnnotationValueInvalid', message: expect.stringContaining('"X Bad"') });
  });
});

describe('auth-proxy-set-headers (a ConfigMap of headers for the auth request)', () => {
  it('sets every key on the auth subrequest, replacing the client copy, and follows changes', async () => {
    seen.length = 0;
    const reply = await get('guarded.example', { 'x-forwarded-user': 'mallory' });
    expect(reply.status).toBe(200);
    expect(seen.at(-1)).toMatchObject({ 'x-auth-tenant': 'shop', 'x-forwarded-user': 'set-by-config' });
    scenario.api.apply(configMap('auth-headers', { 'X-Auth-Tenant': 'renamed' }));
    await pollUntil(
      'the changed auth headers',
      async () => {
        seen.length = 0;
        await get('guarded.example');
        return seen.at(-1);
      },
      (headers) => headers?.['x-auth-tenant'] === 'renamed',
      { controller: scenario.controller, timeoutMs: 15_000 },
    );
    expect(seen.at(-1)?.['x-forwarded-user']).toBeUndefined();
  });
});
