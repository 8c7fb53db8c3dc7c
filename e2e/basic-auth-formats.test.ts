/**
 * Basic authentication through the real binary with every htpasswd format sluice checks (bcrypt, apr1, {SHA},
 * SHA-256-crypt, SHA-512-crypt: ingress-nginx's auth_basic takes what the system crypt() takes), a plaintext
 * entry refused and reported, and both auth-secret-type layouts: auth-file (an htpasswd file under key
 * "auth", the default) and auth-map (each Secret key a user, its value the hash), as ingress-nginx's
 * annotations/auth.go reads them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  basicCredentials,
  CHECKED_USERS,
  HTPASSWD_FILE,
  HTPASSWD_VECTORS,
  VECTOR_PASSWORD,
} from '../test/support/htpasswd-vectors.ts';
import { edgeRequest } from './support/http-client.ts';
import { hostIngress, opaqueSecret, pollUntil, type Scenario, startScenario } from './fixtures.ts';

const NS = 'staff';
const NGINX = 'nginx.ingress.kubernetes.io/';

function basicIngress(name: string, secret: string, secretType: string) {
  return hostIngress(NS, name, `${name}.example`, 'web', {
    annotations: {
      [`${NGINX}auth-type`]: 'basic',
      [`${NGINX}auth-secret`]: secret,
      [`${NGINX}auth-secret-type`]: secretType,
    },
  });
}

let scenario: Scenario;
const get = (host: string, user: string, password: string) =>
  edgeRequest(scenario.controller.httpUrl, {
    host,
    path: '/',
    headers: { authorization: basicCredentials(user, password) },
  });

beforeAll(async () => {
  scenario = await startScenario({
    namespace: NS,
    backends: { web: 1 },
    objects: [
      basicIngress('file', 'htpasswd-file', 'auth-file'),
      opaqueSecret(NS, 'htpasswd-file', { auth: HTPASSWD_FILE }),
      basicIngress('map', 'htpasswd-map', 'auth-map'),
      opaqueSecret(NS, 'htpasswd-map', HTPASSWD_VECTORS),
    ],
  });
  for (const host of ['file.example', 'map.example'])
    await pollUntil(
      `${host} to let sha1-user in`,
      () => get(host, 'sha1-user', VECTOR_PASSWORD),
      (reply) => reply.status === 200,
      { controller: scenario.controller },
    );
}, 60_000);

afterAll(async () => {
  await scenario?.close();
});

describe.each(['file', 'map'])('basic auth, auth-secret-type auth-%s', (layout) => {
  const host = `${layout}.example`;

  it.each(CHECKED_USERS)('%s: 200 with the right password, 401 with a wrong one', async (user) => {
    const right = await get(host, user, VECTOR_PASSWORD);
    expect(right.status).toBe(200);
    expect(right.json().pod).toBe('web-0');
    const wrong = await get(host, user, 'open sesamE');
    expect(wrong.status).toBe(401);
    expect(wrong.headers['www-authenticate']).toMatch(/^Basic realm=/);
  });

  it('refuses the plaintext entry even with its own text as password, and reports it on the Ingress', async () => {
    expect((await get(host, 'plain-user', VECTOR_PASSWORD)).status).toBe(401);
    const status = await scenario.controller.status();
    const found = status.problems.find(
      (problem) => problem.code === 'AuthEntryRefused' && problem.object.name === layout,
    );
    expect(found?.object).toMatchObject({ kind: 'Ingress', namespace: NS, name: layout });
    expect(found?.message).toContain('plain-user');
  });
});
