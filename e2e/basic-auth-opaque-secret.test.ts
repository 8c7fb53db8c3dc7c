/**
 * Basic authentication through the real binary with the htpasswd file in an Opaque Secret, as
 * `htpasswd -c auth alice; kubectl create secret generic basic-auth --from-file=auth` makes it (the
 * ingress-nginx basic-auth example): the controller watches Opaque Secrets but keeps only those an Ingress
 * names, so a Secret named later (or created after its Ingress) must still reach the edge without a relist.
 */
import { createHash } from 'node:crypto';
import { hashSync } from 'bcryptjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicCredentials } from '../test/support/htpasswd-vectors.ts';
import { edgeRequest } from './support/http-client.ts';
import { webSocketPing } from './support/websocket-ping.ts';
import { hostIngress, opaqueSecret, pollUntil, type Scenario, startScenario } from './fixtures.ts';

const NS = 'shop';
const NGINX = 'nginx.ingress.kubernetes.io/';

const sha1Line = (user: string, password: string) =>
  `${user}:{SHA}${createHash('sha1').update(password).digest('base64')}`;
const HTPASSWD = [sha1Line('alice', 'wonderland'), `bob:${hashSync('builder', 4)}`].join('\n') + '\n';

function basicIngress(name: string, host: string, secret: string) {
  return hostIngress(NS, name, host, 'web', {
    annotations: {
      [`${NGINX}auth-type`]: 'basic',
      [`${NGINX}auth-secret`]: secret,
      [`${NGINX}auth-realm`]: 'Shop staff',
    },
  });
}

let scenario: Scenario;
const get = (host: string, authorization?: string) =>
  edgeRequest(scenario.controller.httpUrl, {
    host,
    path: '/',
    headers: authorization === undefined ? {} : { authorization },
  });
const waitStatus = (what: string, host: string, status: number, authorization?: string) =>
  pollUntil(
    what,
    () => get(host, authorization),
    (reply) => reply.status === status,
    {
      controller: scenario.controller,
    },
  );

/** A WebSocket handshake on app.example with this Authorization header. */
const pingWithAuthorization = (authorization: string) =>
  webSocketPing(scenario.controller.httpPort, { host: 'app.example', authorization });

beforeAll(async () => {
  scenario = await startScenario({
    namespace: NS,
    backends: { web: 1 },
    objects: [
      basicIngress('app', 'app.example', 'basic-auth'),
      opaqueSecret(NS, 'basic-auth', { auth: HTPASSWD }),
      // Seen at start-up but named by no Ingress yet: its data is dropped until an Ingress names it.
      opaqueSecret(NS, 'team-auth', { auth: sha1Line('carol', 'secret') + '\n' }),
    ],
  });
  await waitStatus('the auth route', 'app.example', 401);
}, 60_000);

afterAll(async () => {
  await scenario?.close();
});

describe('basic auth with an Opaque htpasswd Secret (auth-secret)', () => {
  it('answers 401 without credentials or with a wrong password, 200 with the right one ({SHA} and bcrypt)', async () => {
    const none = await get('app.example');
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toMatch(/^Basic realm="Shop staff"/);
    expect((await get('app.example', basicCredentials('alice', 'wrong'))).status).toBe(401);
    expect((await get('app.example', basicCredentials('mallory', 'wonderland'))).status).toBe(401);
    const alice = await get('app.example', basicCredentials('alice', 'wonderland'));
    expect(alice.status).toBe(200);
    expect(alice.json().pod).toBe('web-0');
    expect((await get('app.example', basicCredentials('bob', 'builder'))).status).toBe(200);
  });

  // ingress-nginx's auth_basic covers every request of the location, WebSocket handshakes included.
  it('checks WebSocket handshakes too: the right password echoes, a wrong one gets 401 with the realm', async () => {
    expect(await pingWithAuthorization(basicCredentials('bob', 'builder'))).toEqual({ echoed: 'ping' });
    expect(await pingWithAuthorization(basicCredentials('bob', 'wrong'))).toMatchObject({
      refused: 401,
      wwwAuthenticate: 'Basic realm="Shop staff", charset="UTF-8"',
    });
  });

  it('serves a Secret seen before any Ingress named it, as soon as one does', async () => {
    scenario.api.apply(basicIngress('team', 'team.example', 'team-auth'));
    await waitStatus('the team route to ask for credentials', 'team.example', 401);
    expect((await get('team.example', basicCredentials('carol', 'wrong'))).status).toBe(401);
    expect((await get('team.example', basicCredentials('carol', 'secret'))).status).toBe(200);
  });

  it('denies (503) while the Secret is missing, and serves it once it is created after the Ingress', async () => {
    scenario.api.apply(basicIngress('late', 'late.example', 'late-auth'));
    await waitStatus(
      'the route without its Secret to fail closed',
      'late.example',
      503,
      basicCredentials('dave', 'pass'),
    );
    scenario.api.apply(opaqueSecret(NS, 'late-auth', { auth: sha1Line('dave', 'pass') + '\n' }));
    await waitStatus('the late Secret to be used', 'late.example', 200, basicCredentials('dave', 'pass'));
    expect((await get('late.example')).status).toBe(401);
    expect((await get('late.example', basicCredentials('dave', 'nope'))).status).toBe(401);
  });

  it('follows a change of the htpasswd file, and fails closed again when the Secret is deleted', async () => {
    scenario.api.apply(opaqueSecret(NS, 'late-auth', { auth: sha1Line('dave', 'rotated') + '\n' }));
    await waitStatus('the rotated password', 'late.example', 200, basicCredentials('dave', 'rotated'));
    expect((await get('late.example', basicCredentials('dave', 'pass'))).status).toBe(401);
    scenario.api.remove('Secret', NS, 'late-auth');
    await waitStatus('the deleted Secret to deny', 'late.example', 503, basicCredentials('dave', 'rotated'));
  });
});
