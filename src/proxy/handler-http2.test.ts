import { once } from 'node:events';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProxyHandler } from './handler.ts';
import {
  createTestHandler,
  echoUpstream,
  recordInto,
  singleRouteState,
  type Upstream,
} from '../../test/support/proxy-handler-fixtures.ts';
import type { RequestRecord } from './request-record.ts';

describe('edge request path: HTTP/2 client to an HTTP/1.1 upstream', () => {
  let upstream: Upstream;
  let handler: ProxyHandler;
  let server: http2.Http2Server;
  let client: http2.ClientHttp2Session;
  const records: RequestRecord[] = [];

  beforeAll(async () => {
    upstream = await echoUpstream('127.0.0.2', 'h1');
    const state = singleRouteState([upstream]);
    handler = createTestHandler(() => state, {
      timeouts: { connectMs: 1_000, responseHeadersMs: 2_000, bodyIdleMs: 2_000 },
      retry: { maxTries: 2, budgetMs: 1_000 },
      onRequestDone: recordInto(records),
    });
    // h2c here; edge.ts serves h2 over TLS with ALPN through the same handle() call.
    server = http2.createServer((req, res) => handler.handle(req, res, true));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    client = http2.connect(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  });

  afterAll(async () => {
    client.close();
    server.close();
    await handler.close();
    await upstream.close();
  });

  function request(
    headers: http2.OutgoingHttpHeaders,
    body?: string,
  ): Promise<{ headers: http2.IncomingHttpHeaders; body: string }> {
    return new Promise((resolve, reject) => {
      const stream = client.request(headers, { endStream: body === undefined });
      let text = '';
      let responseHeaders: http2.IncomingHttpHeaders = {};
      stream.setEncoding('utf8');
      stream.on('response', (h) => (responseHeaders = h));
      stream.on('data', (c: string) => (text += c));
      stream.on('end', () => resolve({ headers: responseHeaders, body: text }));
      stream.on('error', reject);
      if (body !== undefined) stream.end(body);
    });
  }

  it('forwards :authority as Host, strips pseudo-headers, streams the body and filters the answer', async () => {
    const reply = await request(
      { ':method': 'POST', ':path': '/p?q=1', ':authority': 'App.Test', 'x-request-id': 'h2-1' },
      'h2 body',
    );
    expect(reply.headers[':status']).toBe(200);
    expect(reply.headers.server).toBe('sluice');
    expect(reply.headers['x-request-id']).toBe('h2-1');
    const seen = JSON.parse(reply.body);
    expect(seen.url).toBe('/p?q=1');
    expect(seen.headers.host).toBe('App.Test');
    expect(seen.headers['x-forwarded-proto']).toBe('https');
    expect(seen.body).toBe('h2 body');
    expect(seen.rawHeaders.some((h: string) => h.startsWith(':'))).toBe(false);
    expect(records.at(-1)).toMatchObject({ protocol: 'h2', host: 'app.test', status: 200, tls: true });
  });

  it('answers its own errors over HTTP/2', async () => {
    const reply = await request({ ':method': 'GET', ':path': '/', ':authority': 'nowhere.test' });
    expect(reply.headers[':status']).toBe(404);
    expect(reply.body).toMatch(/^404 Not Found\n/);
  });
});
