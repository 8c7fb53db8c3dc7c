// The per-route exchange rules (pipeline/exchange-rules.ts) on the request path, over both upstream clients:
// error pages (custom-http-errors + default-backend), the default backend for a Service without endpoints,
// request buffering with its limits, and the connect timeout. The e2e file
// e2e/annotations-timeouts-buffering-errors.test.ts has the same behaviours through the real controller.
import { once } from 'node:events';
import http2 from 'node:http2';
import net, { type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackendRef } from '../routing/backends.ts';
import { NO_TRAFFIC } from '../routing/no-traffic.ts';
import type { TrafficPolicy } from '../routing/policy-types.ts';
import {
  echoUpstream,
  json,
  makeState,
  okBackend,
  send,
  startEdge,
  startUpstream,
  unusableBackend,
  type Edge,
  type Upstream,
} from '../../test/support/proxy-handler-fixtures.ts';
import { startBlackHole, type BlackHole } from '../../test/support/upstream-black-hole.ts';

const errorsRef: BackendRef = {
  key: 'default/errors:*',
  namespace: 'default',
  service: 'errors',
  port: '*',
  defect: null,
};

function traffic(extra: Partial<TrafficPolicy>): { traffic: TrafficPolicy } {
  return { traffic: { ...NO_TRAFFIC, ...extra } };
}

const pages = traffic({ customErrors: { statuses: [404, 503], field: '' }, errorBackend: errorsRef });

describe('edge request path: exchange rules', () => {
  let app: Upstream;
  let errors: Upstream;
  let blackHole: BlackHole;
  let edge: Edge;
  let appRequests = 0;

  beforeAll(async () => {
    app = await startUpstream('127.0.0.2', (req, res) => {
      appRequests++;
      let length = 0;
      req.on('data', (chunk: Buffer) => (length += chunk.length));
      req.on('end', () => {
        const status = Number(/^\/status\/(\d{3})/.exec(req.url ?? '')?.[1] ?? 200);
        const framing = req.headers['content-length'] === undefined ? 'chunked' : 'length';
        res.writeHead(status, { 'content-type': 'text/plain', 'x-from': 'app', 'x-framing': framing });
        res.end(status === 200 ? `${length} bytes` : 'app says ' + status);
      });
    });
    errors = await echoUpstream('127.0.0.3', 'errors');
    blackHole = await startBlackHole('127.0.0.4');
    edge = await startEdge(
      makeState(
        [
          { host: 'pages.test', path: '/', backend: 'default/app:80', policy: pages },
          { host: 'errors-own.test', path: '/', backend: 'default/errors:*', policy: pages },
          { host: 'empty.test', path: '/', backend: 'default/empty:80', policy: traffic({ errorBackend: errorsRef }) },
          { host: 'gone.test', path: '/', backend: 'default/gone:80', policy: traffic({ errorBackend: errorsRef }) },
          {
            host: 'buffered.test',
            path: '/',
            backend: 'default/app:80',
            policy: { maxBodyBytes: 16, ...traffic({ bufferRequest: true }) },
          },
          {
            host: 'connect.test',
            path: '/',
            backend: 'default/hole:80',
            policy: traffic({ timeouts: { connectMs: 300, sendMs: null, field: '' } }),
          },
        ],
        [
          okBackend('default/app:80', [app]),
          { ...okBackend('default/errors:80', [errors]), key: 'default/errors:*', servicePort: '*' },
          unusableBackend('default/empty:80', 'no-endpoints', 'no endpoints'),
          unusableBackend('default/gone:80', 'no-service', 'service default/gone not found'),
          okBackend('default/hole:80', [{ address: blackHole.ip, port: blackHole.port }]),
        ],
      ),
      {
        timeouts: { connectMs: 20_000, responseHeadersMs: 5_000, bodyIdleMs: 5_000, clientBodyMs: 300 },
        retry: { maxTries: 1, budgetMs: 5_000 },
      },
    );
  });

  afterAll(async () => {
    await edge.close();
    await app.close();
    await errors.close();
    blackHole.close();
  });

  it('a listed status is replaced by the error backend answer to the same method on / with X-Code', async () => {
    const reply = await send(edge.port, {
      method: 'PUT',
      path: '/status/503?x=1',
      headers: { host: 'pages.test', accept: 'text/html', 'content-length': '4' },
      body: 'data',
    });
    expect(reply.status).toBe(200);
    const echo = json(reply);
    expect(echo.name).toBe('errors');
    expect(echo.method).toBe('PUT');
    expect(echo.url).toBe('/');
    expect(echo.headers['content-length']).toBe('0');
    expect(echo.headers).toMatchObject({
      'x-code': '503',
      'x-format': 'text/html',
      'x-original-uri': '/status/503?x=1',
      'x-namespace': 'default',
      'x-ingress-name': 'pages.test',
      'x-service-name': 'app',
      'x-service-port': '80',
      'x-request-id': reply.headers['x-request-id'],
    });
    const other = await send(edge.port, { path: '/status/500', headers: { host: 'pages.test' } });
    expect(other.status).toBe(500);
    expect(other.body.toString()).toBe('app says 500');
  });

  it("the error backend's own answers are never intercepted again", async () => {
    const reply = await send(edge.port, { path: '/status/404', headers: { host: 'errors-own.test' } });
    // The echo answers 200 for any path; what matters is one hop, the original path, no X-Code.
    expect(reply.status).toBe(200);
    expect(json(reply).headers['x-code']).toBeUndefined();
  });

  it('a route whose Service has no endpoints is answered by its default backend, as requested', async () => {
    const reply = await send(edge.port, { path: '/a/b?c', headers: { host: 'empty.test' } });
    expect(reply.status).toBe(200);
    expect(json(reply).url).toBe('/a/b?c');
  });

  it('a route whose Service is missing: every request is an error page (X-Code 503); an unread body closes', async () => {
    const raw = await new Promise<string>((resolve) => {
      const socket = net.connect(edge.port, '127.0.0.1');
      let text = '';
      socket.setEncoding('latin1');
      socket.on('data', (chunk: string) => (text += chunk));
      socket.on('close', () => resolve(text));
      socket.write('POST /x?y HTTP/1.1\r\nHost: gone.test\r\nContent-Length: 1000\r\n\r\nabc');
    });
    expect(raw).toMatch(/^HTTP\/1\.1 200 /);
    expect(raw.toLowerCase()).toContain('connection: close');
    const echo = JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4)) as { url: string; headers: Record<string, string> };
    expect(echo.url).toBe('/');
    expect(echo.headers).toMatchObject({ 'x-code': '503', 'x-service-name': 'gone', 'x-original-uri': '/x?y' });
  });

  it('buffering: a whole body goes up with a Content-Length; over the limit is 413; a stalled body is 408', async () => {
    const before = appRequests;
    const ok = await send(edge.port, {
      method: 'POST',
      headers: { host: 'buffered.test', 'transfer-encoding': 'chunked' },
      body: 'small body',
    });
    expect(ok.status).toBe(200);
    expect(ok.headers['x-framing']).toBe('length');
    expect(ok.body.toString()).toBe('10 bytes');
    expect(appRequests).toBe(before + 1);
    const large = await send(edge.port, {
      method: 'POST',
      headers: { host: 'buffered.test', 'transfer-encoding': 'chunked' },
      body: 'x'.repeat(64),
    });
    expect(large.status).toBe(413);
    const stalled = await new Promise<string>((resolve) => {
      const socket = net.connect(edge.port, '127.0.0.1');
      let text = '';
      socket.setEncoding('latin1');
      socket.on('data', (chunk: string) => (text += chunk));
      socket.on('close', () => resolve(text));
      socket.write('POST / HTTP/1.1\r\nHost: buffered.test\r\nContent-Length: 10\r\n\r\nabc');
    });
    expect(stalled).toMatch(/^HTTP\/1\.1 408 /);
    expect(appRequests).toBe(before + 1);
  });

  it('over HTTP/2 too: a body sent in two DATA frames is buffered whole; a listed status gets the error page', async () => {
    const server = http2.createServer((req, res) => edge.handler.handle(req, res, false));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const client = http2.connect(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    try {
      const upload = client.request({ ':method': 'POST', ':path': '/', ':authority': 'buffered.test' });
      upload.write('first;');
      setTimeout(() => upload.end('second'), 100);
      const uploaded = await h2Reply(upload);
      expect(uploaded).toMatchObject({ status: 200, body: '12 bytes', framing: 'length' });
      const page = await h2Reply(client.request({ ':path': '/status/404', ':authority': 'pages.test' }));
      expect(page.status).toBe(200);
      expect(JSON.parse(page.body).headers['x-code']).toBe('404');
    } finally {
      client.close();
      server.close();
    }
  });

  it('connect timeout: an endpoint that never completes the handshake is a 504 after the route timeout', async () => {
    const started = performance.now();
    const reply = await send(edge.port, { headers: { host: 'connect.test' } });
    expect(reply.status).toBe(504);
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(edge.records.at(-1)?.error).toBe('connect-timeout');
  });
});

function h2Reply(stream: http2.ClientHttp2Stream): Promise<{ status: number; framing: unknown; body: string }> {
  return new Promise((resolve, reject) => {
    let status = 0;
    let framing: unknown;
    let body = '';
    stream.on('response', (headers) => {
      status = Number(headers[':status']);
      framing = headers['x-framing'];
    });
    stream.setEncoding('utf8');
    stream.on('data', (text: string) => (body += text));
    stream.on('end', () => resolve({ status, framing, body }));
    stream.on('error', reject);
  });
}
