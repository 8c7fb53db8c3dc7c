/**
 * Conformance feature `default_backend` (kubernetes-sigs/ingress-controller-conformance, features/default_backend.feature)
 * through the real binary: an Ingress with no rules and a `defaultBackend` receives every method, host and path,
 * with the suite's response- and request-header checks. routing-semantics §4.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiEmulator } from './support/api-emulator.ts';
import type { RunningController } from './support/controller.ts';
import { edgeRequest, rawHttp, rawStatus } from './support/http-client.ts';
import type { EchoReply } from './support/pods.ts';
import {
  PUBLISHED_ADDRESS,
  conformanceBackend,
  ingress,
  startConformance,
  waitIngressStatus,
  type Scenario,
} from './fixtures.ts';

const NS = 'conformance-default-backend';

let scenario: Scenario;
let api: ApiEmulator;
let controller: RunningController;

beforeAll(async () => {
  scenario = await startConformance(NS, { 'echo-service': 2 }, [
    ingress(NS, 'default-backend', { defaultBackend: conformanceBackend('echo-service') }),
  ]);
  ({ api, controller } = scenario);
});

afterAll(() => scenario?.close());

describe('conformance default_backend: an Ingress with no rules sends all requests to the default backend', () => {
  it('the Ingress status shows the IP address where it is exposed', async () => {
    expect(await waitIngressStatus(api, NS, 'default-backend')).toEqual([PUBLISHED_ADDRESS]);
  });

  // The suite's Examples table; '' host means the request goes to the address itself (Host = 127.0.0.1:port).
  const examples: { method: string; host: string; path: string }[] = [
    { method: 'GET', host: 'my-host', path: '' },
    { method: 'GET', host: 'my-host', path: 'sub-path' },
    { method: 'POST', host: 'some-host', path: '' },
    { method: 'PUT', host: '', path: 'resource' },
    { method: 'DELETE', host: 'some-host', path: 'resource' },
    { method: 'PATCH', host: 'my-host', path: 'resource' },
    // Beyond the table: other methods, a deep path with a query, a host with a port and upper case.
    { method: 'OPTIONS', host: 'other.example', path: 'a/b/c?x=1' },
    { method: 'GET', host: 'UPPER.Example:8080', path: 'x/' },
  ];

  it.each(examples)('$method http://"$host"/"$path" reaches echo-service', async ({ method, host, path }) => {
    const reply = await edgeRequest(controller.httpUrl, {
      method,
      path: `/${path}`,
      ...(host === '' ? {} : { host }),
      headers: { 'user-agent': 'Go-http-client/1.1' },
      ...(method === 'POST' || method === 'PUT' || method === 'PATCH' ? { body: 'payload' } : {}),
    });
    expect(reply.status, reply.body).toBe(200);
    // Response headers the suite checks: present, any value.
    for (const name of ['content-length', 'content-type', 'date', 'server']) {
      expect(reply.headers[name], `response header ${name}`).toBeTruthy();
    }
    expect(Number(reply.headers['content-length'])).toBe(Buffer.byteLength(reply.body));
    const echo = reply.json<EchoReply>();
    // Served by the echo-service Service, by one of its pods, and the header names the same pod as the body.
    expect(echo.service).toBe('echo-service');
    expect(echo.namespace).toBe(NS);
    expect(scenario.backends.get('echo-service')!.map((p) => p.name)).toContain(echo.pod);
    expect(reply.headers['x-pod-name']).toBe(echo.pod);
    // What the backend received: method, path (query kept apart), proto, host as sent, User-Agent kept.
    expect(echo.method).toBe(method);
    expect(echo.url).toBe(`/${path}`);
    expect(echo.path).toBe(`/${path.split('?')[0]}`);
    expect(echo.proto).toBe('HTTP/1.1');
    expect(echo.host).toBe(host === '' ? `127.0.0.1:${controller.httpPort}` : host);
    expect(echo.headers['user-agent']).toEqual(['Go-http-client/1.1']);
    expect(echo.bodyLength).toBe(method === 'POST' || method === 'PUT' || method === 'PATCH' ? 'payload'.length : 0);
  });

  it('HEAD reaches the default backend too (no body)', async () => {
    const reply = await edgeRequest(controller.httpUrl, { method: 'HEAD', host: 'head.example', path: '/anything' });
    expect(reply.status).toBe(200);
    expect(reply.body).toBe('');
    expect(scenario.backends.get('echo-service')!.map((p) => p.name)).toContain(reply.headers['x-pod-name']);
  });

  it('the response proto is HTTP/1.1 on the wire, with Content-Length, Content-Type, Date and Server', async () => {
    const text = await rawHttp(
      '127.0.0.1',
      controller.httpPort,
      'GET /sub-path HTTP/1.1\r\nHost: my-host\r\nUser-Agent: Go-http-client/1.1\r\nConnection: close\r\n\r\n',
      { timeoutMs: 5000 },
    );
    expect(rawStatus(text)).toBe(200);
    expect(text.startsWith('HTTP/1.1 200')).toBe(true);
    const head = text.slice(0, text.indexOf('\r\n\r\n')).toLowerCase();
    for (const name of ['content-length', 'content-type', 'date', 'server']) expect(head).toContain(`\r\n${name}: `);
    expect(head).not.toContain('transfer-encoding');
  });

  it('requests with no Host-matching rule spread over both echo-service pods', async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 10; i++) {
      const reply = await edgeRequest(controller.httpUrl, { host: `host-${i}.example`, path: `/p${i}` });
      expect(reply.status).toBe(200);
      seen.add(reply.json<EchoReply>().pod);
    }
    expect([...seen].sort()).toEqual(['echo-service-0', 'echo-service-1']);
  });
});
