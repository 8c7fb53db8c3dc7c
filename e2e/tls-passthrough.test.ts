/**
 * ssl-passthrough through the real binary: a TLS connection whose SNI names a passthrough host reaches the
 * pod untouched (the client sees the pod's certificate and talks to the pod's own TLS server), while other
 * SNI on the same port still terminate at the edge with the edge's certificate.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { connect as connectTcp } from 'node:net';
import { connect, type PeerCertificate } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeBackend } from './support/endpoint-slices.ts';
import { hostIngress, pollUntil, type Scenario, selfSignedFor, startScenario, tlsSecret } from './fixtures.ts';

const NS = 'pass';

let scenario: Scenario;
let pod: Server;

/** Opens TLS to the edge's HTTPS port with `servername`, sends a GET, returns the peer certificate CN and the answer. */
function tlsGet(servername: string): Promise<{ cn: string; answer: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect({
      host: '127.0.0.1',
      port: scenario.controller.httpsPort,
      servername,
      rejectUnauthorized: false,
      ALPNProtocols: ['http/1.1'],
    });
    let answer = '';
    socket.setEncoding('utf8');
    socket.once('secureConnect', () => {
      socket.write(`GET /who HTTP/1.1\r\nhost: ${servername}\r\nconnection: close\r\n\r\n`);
    });
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.once('end', () => {
      const cert = socket.getPeerCertificate() as PeerCertificate;
      resolve({ cn: String(cert.subject?.CN ?? ''), answer });
    });
    socket.once('error', reject);
  });
}

beforeAll(async () => {
  const podPair = await selfSignedFor(['pod.pass.example']);
  const edgePair = await selfSignedFor(['edge.pass.example']);
  pod = createServer({ cert: podPair.certPem, key: podPair.keyPem }, (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('answered by the pod itself');
  });
  pod.listen(0, '127.0.0.1');
  await once(pod, 'listening');
  scenario = await startScenario({
    namespace: NS,
    backends: { web: 1 },
    objects: [tlsSecret(NS, 'edge-tls', edgePair)],
    args: ['--client-header-timeout', '500ms'],
  });
  writeBackend(scenario.api, {
    namespace: NS,
    name: 'tls-pod',
    ports: [{ name: 'https', port: 443, targetPort: (pod.address() as AddressInfo).port }],
    endpoints: [{ ip: '127.0.0.1', name: 'tls-pod-0', namespace: NS }],
  });
  scenario.api.apply(
    hostIngress(NS, 'pass', 'secure.pass.example', 'tls-pod', {
      port: 443,
      annotations: { 'nginx.ingress.kubernetes.io/ssl-passthrough': 'true' },
    }),
  );
  scenario.api.apply(hostIngress(NS, 'edge', 'edge.pass.example', 'web', { tlsSecret: 'edge-tls' }));
  await pollUntil(
    'the passthrough route',
    () => tlsGet('secure.pass.example'),
    (reply) => reply.cn === 'pod.pass.example',
    { controller: scenario.controller },
  );
});

afterAll(async () => {
  await scenario?.close();
  pod?.closeAllConnections();
  pod?.close();
});

describe('ssl-passthrough', () => {
  it('shows the pod certificate to the client and lets the pod answer', async () => {
    const reply = await tlsGet('secure.pass.example');
    expect(reply.cn).toBe('pod.pass.example');
    expect(reply.answer).toContain('answered by the pod itself');
    expect(reply.answer).not.toContain('x-request-id');
  });

  it('still terminates other SNI at the edge on the same port', async () => {
    const reply = await tlsGet('edge.pass.example');
    expect(reply.cn).toBe('edge.pass.example');
    expect(reply.answer).toMatch(/^HTTP\/1\.1 200/);
    expect(reply.answer.toLowerCase()).toContain('x-request-id');
  });
});

describe('ssl-passthrough limits', () => {
  it('closes a connection whose ClientHello does not come within the client header timeout', async () => {
    const socket = connectTcp(scenario.controller.httpsPort, '127.0.0.1');
    socket.on('error', () => {});
    const started = Date.now();
    socket.write(Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00])); // a record header announcing 512 bytes, then silence
    await once(socket, 'close');
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(400);
    expect(elapsed).toBeLessThan(5000);
  });
});
