import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestHandler,
  echoUpstream,
  json,
  makeState,
  okBackend,
  send,
  sendRaw,
  startEdge,
  startUpstream,
  type Edge,
  type Upstream,
} from '../../test/support/proxy-handler-fixtures.ts';

describe('edge request path: header rules', () => {
  let echo: Upstream;
  let fancy: Upstream;
  let edge: Edge;
  let trustingEdge: Edge;
  const state = () =>
    makeState(
      [
        { host: 'app.test', path: '/', backend: 'default/echo:80' },
        { host: 'app.test', path: '/fancy', backend: 'default/fancy:80' },
      ],
      [okBackend('default/echo:80', [echo]), okBackend('default/fancy:80', [fancy])],
    );

  beforeAll(async () => {
    echo = await echoUpstream('127.0.0.2', 'echo');
    fancy = await startUpstream('127.0.0.3', (req, res) => {
      req.resume();
      res.writeHead(200, [
        'Date',
        'Tue, 01 Jan 2030 00:00:00 GMT',
        'Server',
        'upstream/1.0',
        'Set-Cookie',
        'a=1; Path=/',
        'Set-Cookie',
        'b=2; Path=/',
        'Content-Length',
        '5',
        'Connection',
        'keep-alive, X-Secret-Hop',
        'X-Secret-Hop',
        'drop me',
        'Keep-Alive',
        'timeout=5',
        'Proxy-Authenticate',
        'Basic',
        'X-Kept',
        'yes',
        'X-Request-Id',
        'upstream-id',
      ]);
      res.end('hello');
    });
    edge = await startEdge(state());
    trustingEdge = await startEdge(state(), { trustedProxies: ['127.0.0.0/8'] });
  });

  afterAll(async () => {
    await Promise.all([edge.close(), trustingEdge.close()]);
    await Promise.all([echo.close(), fancy.close()]);
  });

  it('replaces client-sent X-Forwarded-* and X-Real-IP from an untrusted peer', async () => {
    const reply = await send(edge.port, {
      path: '/x',
      headers: {
        host: 'app.test:8080',
        'x-forwarded-for': '6.6.6.6',
        'x-forwarded-proto': 'https',
        'x-forwarded-host': 'evil.test',
        'x-forwarded-port': '1',
        'x-real-ip': '6.6.6.6',
      },
    });
    const seen = json(reply).headers;
    expect(seen['x-forwarded-for']).toBe('127.0.0.1');
    expect(seen['x-forwarded-proto']).toBe('http');
    expect(seen['x-forwarded-host']).toBe('app.test:8080');
    expect(seen['x-forwarded-port']).toBe(String(edge.port));
    expect(seen['x-real-ip']).toBe('127.0.0.1');
    expect(seen.host).toBe('app.test:8080');
    expect(json(reply).rawHeaders.filter((h) => h.toLowerCase() === 'x-forwarded-for')).toHaveLength(1);
  });

  it('appends to X-Forwarded-For and keeps X-Forwarded-* from a trusted proxy', async () => {
    const reply = await send(trustingEdge.port, {
      path: '/x',
      localAddress: '127.0.0.7',
      headers: {
        host: 'app.test',
        'x-forwarded-for': '203.0.113.9, 10.0.0.1',
        'x-forwarded-proto': 'https',
        'x-real-ip': '203.0.113.9',
      },
    });
    const seen = json(reply).headers;
    expect(seen['x-forwarded-for']).toBe('203.0.113.9, 10.0.0.1, 127.0.0.7');
    expect(seen['x-forwarded-proto']).toBe('https');
    expect(seen['x-real-ip']).toBe('203.0.113.9');
    expect(seen['x-forwarded-host']).toBe('app.test');
  });

  it('reports and forwards an IPv4-mapped client address as plain IPv4', async () => {
    const records: string[] = [];
    const handler = createTestHandler(state, {
      timeouts: { connectMs: 1_000, responseHeadersMs: 2_000, bodyIdleMs: 2_000 },
      retry: { maxTries: 2, budgetMs: 1_000 },
      onRequestDone: (record) => records.push(record.clientAddress),
    });
    const server = http.createServer((req, res) => handler.handle(req, res, false));
    server.listen({ port: 0, host: '::', ipv6Only: false });
    await once(server, 'listening');
    try {
      const reply = await send((server.address() as AddressInfo).port, { path: '/x' });
      expect(json(reply).headers['x-forwarded-for']).toBe('127.0.0.1');
      expect(json(reply).headers['x-real-ip']).toBe('127.0.0.1');
      expect(records).toEqual(['127.0.0.1']);
    } finally {
      server.closeAllConnections();
      server.close();
      await handler.close();
    }
  });

  it('keeps a sane X-Request-Id both ways and replaces an insane one', async () => {
    const kept = await send(edge.port, { headers: { host: 'app.test', 'x-request-id': 'Abc.1_2-3' } });
    expect(json(kept).headers['x-request-id']).toBe('Abc.1_2-3');
    expect(kept.headers['x-request-id']).toBe('Abc.1_2-3');
    const bad = await send(edge.port, { headers: { host: 'app.test', 'x-request-id': 'no spaces/allowed' } });
    const generated = bad.headers['x-request-id'] as string;
    expect(generated).toMatch(/^[A-Za-z0-9._-]{1,128}$/);
    expect(generated).not.toBe('no spaces/allowed');
    expect(json(bad).headers['x-request-id']).toBe(generated);
    const long = await send(edge.port, { headers: { host: 'app.test', 'x-request-id': 'a'.repeat(129) } });
    expect(long.headers['x-request-id']).not.toBe('a'.repeat(129));
    const other = await send(edge.port, { headers: { host: 'app.test' } });
    expect(other.headers['x-request-id']).not.toBe(generated);
  });

  it('strips hop-by-hop headers and those named in Connection on the way up', async () => {
    const raw = await sendRaw(
      edge.port,
      'GET /x HTTP/1.1\r\nHost: app.test\r\nConnection: close, X-Private\r\nX-Private: secret\r\n' +
        'Keep-Alive: timeout=5\r\nTE: trailers\r\nTrailer: X-T\r\nUpgrade: h2c\r\n' +
        'Proxy-Authorization: Basic Zm9vOmJhcg==\r\nProxy-Connection: keep-alive\r\nX-Normal: kept\r\n\r\n',
    );
    const reply = { body: Buffer.from(raw.slice(raw.indexOf('\r\n\r\n') + 4)) } as Parameters<typeof json>[0];
    const names = json(reply)
      .rawHeaders.filter((_, i) => i % 2 === 0)
      .map((n) => n.toLowerCase());
    for (const hop of [
      'x-private',
      'keep-alive',
      'te',
      'trailer',
      'upgrade',
      'proxy-authorization',
      'proxy-connection',
    ]) {
      expect(names).not.toContain(hop);
    }
    expect(json(reply).headers['x-normal']).toBe('kept');
  });

  it('filters the response: hop-by-hop gone, Server replaced, Date, Content-Length and repeated Set-Cookie kept', async () => {
    const reply = await send(edge.port, { path: '/fancy', headers: { host: 'app.test', 'x-request-id': 'resp-1' } });
    expect(reply.status).toBe(200);
    expect(reply.body.toString()).toBe('hello');
    expect(reply.headers.server).toBe('sluice');
    expect(reply.headers.date).toBe('Tue, 01 Jan 2030 00:00:00 GMT');
    expect(reply.headers['content-length']).toBe('5');
    expect(reply.headers['transfer-encoding']).toBeUndefined();
    expect(reply.headers['set-cookie']).toEqual(['a=1; Path=/', 'b=2; Path=/']);
    expect(reply.headers['x-secret-hop']).toBeUndefined();
    expect(reply.headers['proxy-authenticate']).toBeUndefined();
    expect(reply.headers['x-kept']).toBe('yes');
    expect(reply.headers['x-request-id']).toBe('resp-1');
    const names = reply.rawHeaders.filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase());
    expect(names.filter((n) => n === 'server')).toHaveLength(1);
    expect(names.filter((n) => n === 'x-request-id')).toHaveLength(1);
  });

  it('puts Server: sluice on every response, errors included', async () => {
    const ok = await send(edge.port, { headers: { host: 'app.test' } });
    const missing = await send(edge.port, { headers: { host: 'nowhere.test' } });
    expect(ok.headers.server).toBe('sluice');
    expect(missing.headers.server).toBe('sluice');
  });

  it('serves an HTTP/1.0 client without a Host header and without chunking', async () => {
    const raw = await sendRaw(edge.port, 'GET /fancy HTTP/1.0\r\nHost: app.test\r\n\r\n');
    expect(raw).toMatch(/^HTTP\/1\.[01] 200 /);
    expect(raw.toLowerCase()).not.toContain('transfer-encoding');
    expect(raw.endsWith('\r\n\r\nhello')).toBe(true);
    const chunkedUpstream = await sendRaw(edge.port, 'GET /x HTTP/1.0\r\nHost: app.test\r\n\r\n');
    expect(chunkedUpstream).toMatch(/^HTTP\/1\.[01] 200 /);
    expect(chunkedUpstream).toContain('"httpVersion":"1.1"');
    const noHost = await sendRaw(edge.port, 'GET /x HTTP/1.0\r\n\r\n');
    expect(noHost).toMatch(/^HTTP\/1\.[01] 404 /);
  });
});
