/**
 * HTTPS upstreams through the real binary (backend-protocol: HTTPS): verification off by default (as
 * ingress-nginx), on with proxy-ssl-verify against proxy-ssl-secret's ca.crt, a client certificate from the
 * same Secret, SNI with proxy-ssl-server-name, the checked name from proxy-ssl-name; a wrong CA or name answers
 * 502, a missing Secret is a problem.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpsEcho, type HttpsEcho, type HttpsEchoReply } from '../test/support/https-echo.ts';
import { writeBackend } from './support/endpoint-slices.ts';
import { edgeRequest } from './support/http-client.ts';
import { hostIngress, pollUntil, type Scenario, selfSignedFor, startScenario } from './fixtures.ts';

const NS = 'tls-pods';
const NGINX = 'nginx.ingress.kubernetes.io/';

let scenario: Scenario;
let pod: HttpsEcho;

/** sluice watches Secrets of type kubernetes.io/tls; ca.crt sits beside tls.crt and tls.key as cert-manager writes it. */
function tlsSecretWithCa(name: string, data: Record<string, string>) {
  const encoded = Object.fromEntries(
    Object.entries(data).map(([key, value]) => [key, Buffer.from(value).toString('base64')]),
  );
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { namespace: NS, name },
    type: 'kubernetes.io/tls',
    data: encoded,
  };
}

function route(host: string, annotations: Record<string, string>) {
  return hostIngress(NS, host.split('.')[0], host, 'secure', {
    port: 443,
    annotations: { [`${NGINX}backend-protocol`]: 'HTTPS', ...annotations },
  });
}

beforeAll(async () => {
  const podPair = await selfSignedFor(['secure.tls-pods.svc', 'secure.pods.internal']);
  const otherCa = await selfSignedFor(['someone-else.example']);
  const client = await selfSignedFor(['sluice-edge']);
  pod = await startHttpsEcho('secure-0', podPair);
  scenario = await startScenario({ namespace: NS, backends: {} });
  const { api } = scenario;
  writeBackend(api, {
    namespace: NS,
    name: 'secure',
    ports: [{ name: 'https', port: 443, targetPort: pod.port }],
    endpoints: [{ ip: '127.0.0.1', name: 'secure-0', namespace: NS }],
  });
  const clientPair = { 'tls.crt': client.certPem, 'tls.key': client.keyPem };
  api.apply(tlsSecretWithCa('pod-ca', { 'ca.crt': podPair.certPem, ...clientPair }));
  api.apply(tlsSecretWithCa('other-ca', { 'ca.crt': otherCa.certPem, ...clientPair }));
  api.apply(route('noverify.example', {}));
  api.apply(
    route('verified.example', {
      [`${NGINX}proxy-ssl-verify`]: 'on',
      [`${NGINX}proxy-ssl-secret`]: `${NS}/pod-ca`,
      [`${NGINX}proxy-ssl-server-name`]: 'on',
    }),
  );
  const verifiedAs = (name: string) => ({
    [`${NGINX}proxy-ssl-verify`]: 'on',
    [`${NGINX}proxy-ssl-secret`]: 'pod-ca',
    [`${NGINX}proxy-ssl-name`]: name,
    [`${NGINX}proxy-ssl-server-name`]: 'on',
  });
  api.apply(route('named.example', verifiedAs('secure.pods.internal')));
  api.apply(route('misnamed.example', verifiedAs('other.pods.internal')));
  api.apply(route('wrongca.example', { [`${NGINX}proxy-ssl-verify`]: 'on', [`${NGINX}proxy-ssl-secret`]: 'other-ca' }));
  api.apply(route('nosecret.example', { [`${NGINX}proxy-ssl-verify`]: 'on', [`${NGINX}proxy-ssl-secret`]: 'missing' }));
  await pollUntil(
    'the HTTPS routes',
    () => edgeRequest(scenario.controller.httpUrl, { host: 'noverify.example' }),
    (reply) => reply.status === 200,
    { controller: scenario.controller },
  );
});

afterAll(async () => {
  await scenario?.close();
  await pod?.close();
});

describe('HTTPS upstreams', () => {
  it('reaches an HTTPS pod without verifying it by default (as ingress-nginx), no SNI, no client certificate', async () => {
    const reply = await edgeRequest(scenario.controller.httpUrl, { host: 'noverify.example', path: '/a' });
    expect(reply.status).toBe(200);
    expect(reply.json<HttpsEchoReply>()).toMatchObject({
      pod: 'secure-0',
      proto: 'https',
      path: '/a',
      clientCertificate: null,
      servername: null,
    });
  });

  it('verifies against proxy-ssl-secret ca.crt, sends SNI and the Secret client certificate', async () => {
    const reply = await edgeRequest(scenario.controller.httpUrl, { host: 'verified.example', path: '/v' });
    expect(reply.status).toBe(200);
    expect(reply.json<HttpsEchoReply>()).toMatchObject({
      pod: 'secure-0',
      clientCertificate: 'sluice-edge',
      servername: 'secure.tls-pods.svc',
    });
  });

  // ingress-nginx proxyssl: proxy_ssl_name is the name checked and, with proxy_ssl_server_name on, sent as SNI.
  it('checks the pod certificate against proxy-ssl-name and sends it as SNI; a name it lacks answers 502', async () => {
    const named = await edgeRequest(scenario.controller.httpUrl, { host: 'named.example', path: '/n' });
    expect(named.status).toBe(200);
    expect(named.json<HttpsEchoReply>()).toMatchObject({ pod: 'secure-0', servername: 'secure.pods.internal' });
    const misnamed = await edgeRequest(scenario.controller.httpUrl, { host: 'misnamed.example', path: '/n' });
    expect(misnamed.status).toBe(502);
  });

  it('answers 502 when the pod certificate is not signed by the given CA', async () => {
    const reply = await edgeRequest(scenario.controller.httpUrl, { host: 'wrongca.example' });
    expect(reply.status).toBe(502);
  });

  it('fails closed (502) when the Secret is missing, and says so as a problem on the Ingress', async () => {
    const reply = await edgeRequest(scenario.controller.httpUrl, { host: 'nosecret.example' });
    expect(reply.status).toBe(502);
    const status = await scenario.controller.status();
    const found = status.problems.find((problem) => problem.code === 'PolicySecretNotFound');
    expect(found).toMatchObject({ object: { kind: 'Ingress', namespace: NS, name: 'nosecret' } });
    expect(found?.message).toContain(`secret ${NS}/missing not found`);
  });
});
