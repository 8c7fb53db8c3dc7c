// The edge's listeners with the real request handler (handler.ts) in front of loopback upstreams.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request as httpRequest } from 'node:http';
import { connect as http2Connect } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import type { ClientOptions } from 'ws';
import type { RoutingState } from '../controller/state.ts';
import type { Edge } from './edge.ts';
import type { ProxyHandler } from './handler.ts';
import {
  createTestHandler,
  echoUpstream,
  makeState,
  okBackend,
  startUpstream,
} from '../../test/support/proxy-handler-fixtures.ts';
import type { Upstream } from '../../test/support/proxy-handler-fixtures.ts';
import { sendRaw, startTestEdge, statusLine } from '../../test/support/proxy-listeners.ts';
import { waitFor } from '../../test/support/wait-for.ts';
import { generateSelfSigned } from './self-signed.ts';

let web: Upstream;
let slow: Upstream;
let releaseSlow: () => void = () => {};
let wsUpstream: WebSocketServer;
let handler: ProxyHandler;
let edge: Edge;
let ports: { httpPort: number; httpsPort: number };
let state: RoutingState;

function routes(withWebSocket: boolean): RoutingState {
  const wsPort = (wsUpstream.address() as AddressInfo).port;
  return makeState(
    [
      { host: 'app.test', path: '/', backend: 'default/web:80' },
      { host: 'app.test', path: '/slow', backend: 'default/slow:80' },
      ...(withWebSocket ? [{ host: 'app.test', path: '/ws', backend: 'default/ws:80' }] : []),
    ],
    [
      okBackend('default/web:80', [web]),
      okBackend('default/slow:80', [slow]),
      ...(withWebSocket ? [okBackend('default/ws:80', [{ address: '127.0.0.1', port: wsPort }])] : []),
    ],
  );
}

beforeAll(async () => {
  web = await echoUpstream('127.0.0.1', 'web');
  slow = await startUpstream('127.0.0.1', (req, res) => {
    req.resume();
    const answer = (): void => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('slow done');
    };
    releaseSlow = answer;
  });
  wsUpstream = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((resolve) => wsUpstream.once('listening', resolve));
  wsUpstream.on('connection', (socket) => socket.on('message', (data) => socket.send(String(data))));
  state = routes(true);
  handler = createTestHandler(() => state, {
    timeouts: { connectMs: 2000, responseHeadersMs: 10_000, bodyIdleMs: 10_000 },
    retry: { maxTries: 2, budgetMs: 2000 },
  });
  ({ edge, ports } = await startTestEdge({
    handler,
    getState: () => state,
    requestTimeoutMs: 10_000,
    selfSigned: await generateSelfSigned('with handler'),
  }));
});

afterAll(async () => {
  await edge.close(100);
  await handler.close();
  await web.close();
  await slow.close();
  await new Promise((resolve) => wsUpstream.close(resolve));
});

function echo(socket: WebSocket, text: string): Promise<string> {
  return new Promise((resolve) => {
    socket.once('message', (data) => resolve(String(data)));
    socket.send(text);
  });
}

describe('edge with the real request handler', () => {
  it('carries an HTTP/2 request to an HTTP/1.1 upstream', async () => {
    const session = http2Connect(`https://127.0.0.1:${ports.httpsPort}`, { rejectUnauthorized: false });
    try {
      const reply = await new Promise<{ status: number; server: unknown; body: string }>((resolve, reject) => {
        const stream = session.request({ ':method': 'POST', ':path': '/h2?x=1', ':authority': 'app.test' });
        let status = 0;
        let server: unknown;
        let body = '';
        stream.on('response', (headers) => {
          status = Number(headers[':status']);
          server = headers.server;
        });
        stream.setEncoding('utf8');
        stream.on('data', (chunk: string) => (body += chunk));
        stream.on('end', () => resolve({ status, server, body }));
        stream.on('error', reject);
        stream.end('payload over h2');
      });
      expect(reply.status).toBe(200);
      expect(reply.server).toBe('sluice');
      const seen = JSON.parse(reply.body) as {
        url: string;
        httpVersion: string;
        body: string;
        headers: Record<string, string>;
      };
      expect(seen.url).toBe('/h2?x=1');
      expect(seen.httpVersion).toBe('1.1');
      expect(seen.body).toBe('payload over h2');
      expect(seen.headers.host).toBe('app.test');
      expect(seen.headers['x-forwarded-proto']).toBe('https');
    } finally {
      session.close();
    }
  });

  it('never forwards a smuggling vector or what rides behind it', async () => {
    const before = web.count;
    const response = await sendRaw(
      ports.httpPort,
      'POST / HTTP/1.1\r\nHost: app.test\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n' +
        'GET /smuggled HTTP/1.1\r\nHost: app.test\r\n\r\n',
    );
    expect(statusLine(response)).toBe('HTTP/1.1 400 Bad Request');
    const duplicateHost = await sendRaw(
      ports.httpPort,
      'GET / HTTP/1.1\r\nHost: app.test\r\nHost: other.test\r\n\r\nGET /again HTTP/1.1\r\nHost: app.test\r\n\r\n',
    );
    expect(statusLine(duplicateHost)).toBe('HTTP/1.1 400 Bad Request');
    expect(web.count).toBe(before);
  });

  it('proxies WebSockets over HTTP and HTTPS and keeps them open through a table swap', async () => {
    const options = { headers: { host: 'app.test' }, rejectUnauthorized: false } as ClientOptions;
    const plain = new WebSocket(`ws://127.0.0.1:${ports.httpPort}/ws/plain`, options);
    const secure = new WebSocket(`wss://127.0.0.1:${ports.httpsPort}/ws/secure`, options);
    await Promise.all(
      [plain, secure].map(
        (socket) =>
          new Promise((resolve, reject) => {
            socket.once('open', resolve);
            socket.once('error', reject);
          }),
      ),
    );
    expect(await echo(plain, 'one')).toBe('one');
    expect(await echo(secure, 'two')).toBe('two');

    state = routes(false); // the WebSocket route is gone from the new table
    const refused = new WebSocket(`ws://127.0.0.1:${ports.httpPort}/ws/new`, options);
    const refusedStatus = await new Promise<number>((resolve) =>
      refused.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)),
    );
    expect(refusedStatus).not.toBe(101);
    expect(await echo(plain, 'still open')).toBe('still open');
    expect(await echo(secure, 'also open')).toBe('also open');
    plain.close();
    secure.close();
    state = routes(true);
  });

  it('drains an in-flight upstream request on shutdown before closing', async () => {
    const reply = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(
        { host: '127.0.0.1', port: ports.httpPort, path: '/slow', headers: { host: 'app.test' } },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (body += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      req.end();
    });
    await waitFor(() => slow.count > 0);
    let closed = false;
    const closing = edge.close(10_000).then(() => (closed = true));
    await waitFor(() => edge.connections() === 1);
    expect(closed).toBe(false);
    releaseSlow();
    expect(await reply).toEqual({ status: 200, body: 'slow done' });
    await closing;
    expect(edge.connections()).toBe(0);
  });
});
