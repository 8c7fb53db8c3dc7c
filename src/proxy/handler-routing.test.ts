import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  closedPort,
  echoUpstream,
  externalBackend,
  json,
  makeState,
  okBackend,
  send,
  sendRaw,
  startEdge,
  startUpstream,
  unusableBackend,
  type Edge,
  type Upstream,
} from '../../test/support/proxy-handler-fixtures.ts';
import { waitFor } from '../../test/support/wait-for.ts';

describe('edge request path: routing and errors', () => {
  let app: Upstream;
  let admin: Upstream;
  let slow: Upstream;
  let edge: Edge;
  let refusedPort: number;

  beforeAll(async () => {
    app = await echoUpstream('127.0.0.2', 'app');
    admin = await echoUpstream('127.0.0.3', 'admin');
    slow = await startUpstream('127.0.0.4', (req) => {
      // never answers: the edge's response-headers timeout must
      req.resume();
    });
    refusedPort = await closedPort('127.0.0.9');
    edge = await startEdge(
      makeState(
        [
          { host: 'app.test', path: '/', backend: 'default/app:80' },
          { host: 'app.test', path: '/admin', backend: 'default/admin:80' },
          { host: 'app.test', path: '/exact', exact: true, backend: 'default/admin:80' },
          { host: 'app.test', path: '/missing', backend: 'default/missing:80' },
          { host: 'app.test', path: '/noendpoints', backend: 'default/empty:80' },
          { host: 'app.test', path: '/dead', backend: 'default/dead:80' },
          { host: 'app.test', path: '/fast-timeout', backend: 'default/slow:80', policy: { requestTimeoutMs: 200 } },
          { host: 'app.test', path: '/external', backend: 'default/external:80' },
          { host: 'secure.test', path: '/', backend: 'default/app:80', policy: { sslRedirect: true } },
          { host: '', path: '/catchall', backend: 'default/admin:80' },
        ],
        [
          okBackend('default/app:80', [app]),
          okBackend('default/admin:80', [admin]),
          unusableBackend('default/empty:80', 'no-endpoints', 'service default/empty has no ready endpoints'),
          okBackend('default/dead:80', [{ address: '127.0.0.9', port: refusedPort }]),
          okBackend('default/slow:80', [slow]),
          externalBackend('default/external:80', '127.0.0.3', admin.port),
        ],
      ),
      { timeouts: { connectMs: 1_000, responseHeadersMs: 4_000, bodyIdleMs: 1_000 }, httpsPort: 8443 },
    );
  });

  afterAll(async () => {
    await edge.close();
    await Promise.all([app.close(), admin.close(), slow.close()]);
  });

  it('routes by host and longest prefix, forwarding the path and query as sent', async () => {
    const root = await send(edge.port, { path: '/some/thing?a=1&b=%20x', headers: { host: 'App.Test:8080' } });
    expect(root.status).toBe(200);
    expect(json(root).name).toBe('app');
    expect(json(root).url).toBe('/some/thing?a=1&b=%20x');
    expect(json(root).headers.host).toBe('App.Test:8080');
    const adminReply = await send(edge.port, { path: '/admin/users', headers: { host: 'app.test' } });
    expect(json(adminReply).name).toBe('admin');
    const exact = await send(edge.port, { path: '/exact', headers: { host: 'app.test' } });
    expect(json(exact).name).toBe('admin');
    const notExact = await send(edge.port, { path: '/exact/', headers: { host: 'app.test' } });
    expect(json(notExact).name).toBe('app');
  });

  it('forwards the normalised path: dot segments cannot reach the backend of the raw text', async () => {
    const reply = await send(edge.port, { path: '/public/../admin/x?q=1', headers: { host: 'app.test' } });
    expect(json(reply).name).toBe('admin');
    expect(json(reply).url).toBe('/admin/x?q=1');
    const encoded = await send(edge.port, { path: '/%61dmin/%2E%2E/other', headers: { host: 'app.test' } });
    expect(json(encoded).name).toBe('app');
    expect(json(encoded).url).toBe('/other');
  });

  it('answers 404 for an unknown host or path with the request id in a plain-text body', async () => {
    const reply = await send(edge.port, {
      path: '/nothing',
      headers: { host: 'unknown.test', 'x-request-id': 'abc-1' },
    });
    expect(reply.status).toBe(404);
    expect(reply.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(reply.headers.server).toBe('sluice');
    expect(reply.headers['x-request-id']).toBe('abc-1');
    expect(reply.body.toString()).toBe('404 Not Found\nrequest-id: abc-1\n');
    const catchall = await send(edge.port, { path: '/catchall', headers: { host: 'unknown.test' } });
    expect(json(catchall).name).toBe('admin');
  });

  it('answers 400 for a malformed host or request target, never forwarding', async () => {
    const before = app.count + admin.count;
    const badHost = await send(edge.port, { headers: { host: 'bad host!' } });
    expect(badHost.status).toBe(400);
    const absolute = await sendRaw(
      edge.port,
      'GET http://app.test/ HTTP/1.1\r\nHost: app.test\r\nConnection: close\r\n\r\n',
    );
    expect(absolute).toMatch(/^HTTP\/1\.1 400 /);
    const badEscape = await send(edge.port, { path: '/a%zz', headers: { host: 'app.test' } });
    expect(badEscape.status).toBe(400);
    expect(app.count + admin.count).toBe(before);
  });

  it('answers 503 with a one-line reason for a backend without endpoints or an unknown backend', async () => {
    const empty = await send(edge.port, { path: '/noendpoints', headers: { host: 'app.test' } });
    expect(empty.status).toBe(503);
    expect(empty.body.toString()).toMatch(
      /^503 Service Unavailable\nservice default\/empty has no ready endpoints\nrequest-id: \S+\n$/,
    );
    const missing = await send(edge.port, { path: '/missing', headers: { host: 'app.test' } });
    expect(missing.status).toBe(503);
    expect(missing.body.toString()).toContain('default/missing:80');
  });

  it('answers 502 when the only endpoint refuses connections', async () => {
    const reply = await send(edge.port, { path: '/dead', headers: { host: 'app.test' } });
    expect(reply.status).toBe(502);
    expect(reply.body.toString()).toMatch(/^502 Bad Gateway\nrequest-id: /);
    expect(reply.body.toString()).not.toMatch(/at |Error/);
  });

  // undici rounds header timeouts up to its ~1 s timer resolution: the route's 200 ms must still
  // win clearly over the 4 s default.
  it('answers 504 when the upstream sends no response head in time (route policy timeout)', async () => {
    const started = Date.now();
    const reply = await send(edge.port, { path: '/fast-timeout', headers: { host: 'app.test' } });
    expect(reply.status).toBe(504);
    expect(reply.body.toString()).toMatch(/^504 Gateway Timeout\n/);
    expect(Date.now() - started).toBeLessThan(3_000);
    await waitFor(() => edge.records.some((r) => r.path === '/fast-timeout'));
    const record = edge.records.find((r) => r.path === '/fast-timeout')!;
    expect(record.error).toBe('timeout');
    expect(record.status).toBe(504);
  });

  it('proxies an ExternalName backend to its DNS name and port', async () => {
    const reply = await send(edge.port, { path: '/external/x', headers: { host: 'app.test' } });
    expect(json(reply).name).toBe('admin');
  });

  it('redirects plain HTTP to HTTPS with 308 and an absolute Location for a TLS host', async () => {
    const before = app.count;
    const reply = await send(edge.port, {
      method: 'POST',
      path: '/a/./b?x=1',
      headers: { host: 'Secure.Test' },
      body: 'x',
    });
    expect(reply.status).toBe(308);
    expect(reply.headers.location).toBe('https://secure.test:8443/a/b?x=1');
    expect(reply.headers.server).toBe('sluice');
    expect(app.count).toBe(before);
  });

  it('records each request once with its route, upstream and status', async () => {
    edge.records.length = 0;
    await send(edge.port, { path: '/admin/r?q=1', headers: { host: 'app.test', 'x-request-id': 'rec-1' } });
    await waitFor(() => edge.records.length === 1);
    const record = edge.records[0];
    expect(record).toMatchObject({
      method: 'GET',
      host: 'app.test',
      path: '/admin/r',
      protocol: 'http/1.1',
      tls: false,
      status: 200,
      requestId: 'rec-1',
      namespace: 'default',
      ingress: 'app.test',
      service: 'admin',
      backend: 'default/admin:80',
      upstreamAddress: `127.0.0.3:${admin.port}`,
      upstreamStatus: 200,
      retries: 0,
      error: '',
      clientAddress: '127.0.0.1',
    });
    expect(record.bytesOut).toBeGreaterThan(0);
    expect(record.durationMs).toBeGreaterThan(0);
  });
});
