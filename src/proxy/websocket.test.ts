import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import type { ClientOptions } from 'ws';
import type { RoutingState } from '../controller/state.ts';
import type { Edge } from './edge.ts';
import {
  createFakeHandler,
  startTestEdge,
  makeState,
  sendRaw,
  statusLine,
} from '../../test/support/proxy-listeners.ts';
import type { FakeHandler } from '../../test/support/proxy-listeners.ts';
import { generateSelfSigned } from './self-signed.ts';

let upstream: WebSocketServer;
let edge: Edge;
let handler: FakeHandler;
let ports: { httpPort: number; httpsPort: number };
let state: RoutingState = makeState(1, []);
const upstreamSaw: { url: string; host: string; forwardedBy: string }[] = [];

beforeAll(async () => {
  upstream = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((resolve) => upstream.once('listening', resolve));
  upstream.on('connection', (socket, req) => {
    upstreamSaw.push({
      url: req.url ?? '',
      host: req.headers.host ?? '',
      forwardedBy: String(req.headers['x-forwarded-by']),
    });
    socket.on('message', (data, binary) => socket.send(data, { binary }));
  });
  handler = createFakeHandler();
  handler.upstream = { address: '127.0.0.1', port: (upstream.address() as AddressInfo).port };
  ({ edge, ports } = await startTestEdge({
    handler,
    getState: () => state,
    selfSigned: await generateSelfSigned('websocket test'),
  }));
});

afterAll(async () => {
  await edge.close(100);
  await new Promise((resolve) => upstream.close(resolve));
});

function open(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const options = {
      headers: { host: 'app.test' },
      rejectUnauthorized: false,
      servername: 'app.test',
    } as ClientOptions;
    const socket = new WebSocket(url, options);
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  });
}

function echo(socket: WebSocket, text: string): Promise<string> {
  return new Promise((resolve) => {
    socket.once('message', (data) => resolve(String(data)));
    socket.send(text);
  });
}

describe('WebSocket upgrades', () => {
  it('proxies an echo over HTTP with the headers and path the handler chose', async () => {
    const socket = await open(`ws://127.0.0.1:${ports.httpPort}/chat?room=1`);
    expect(await echo(socket, 'hello')).toBe('hello');
    socket.close();
    expect(upstreamSaw.at(-1)).toEqual({ url: '/chat?room=1', host: 'app.test', forwardedBy: 'fake' });
  });

  it('proxies an echo over HTTPS', async () => {
    const socket = await open(`wss://127.0.0.1:${ports.httpsPort}/secure`);
    expect(await echo(socket, 'over tls')).toBe('over tls');
    socket.close();
    expect(upstreamSaw.at(-1)?.url).toBe('/secure');
  });

  it('keeps an open WebSocket through table swaps', async () => {
    const socket = await open(`ws://127.0.0.1:${ports.httpPort}/long`);
    expect(await echo(socket, 'before')).toBe('before');
    for (let generation = 2; generation < 12; generation++) state = makeState(generation, []);
    handler.upstream = null; // even the route disappearing leaves open sockets alone
    expect(await echo(socket, 'after')).toBe('after');
    expect(socket.readyState).toBe(WebSocket.OPEN);
    socket.close();
    handler.upstream = { address: '127.0.0.1', port: (upstream.address() as AddressInfo).port };
  });

  it('answers the handler refusal as an HTTP response and closes', async () => {
    const saved = handler.upstream;
    handler.upstream = null;
    const response = await sendRaw(
      ports.httpPort,
      'GET /x HTTP/1.1\r\nHost: app.test\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
      null,
    );
    handler.upstream = saved;
    expect(statusLine(response)).toBe('HTTP/1.1 503 Service Unavailable');
    expect(response).toContain('Server: sluice');
    expect(response.endsWith('no upstream\n')).toBe(true);
  });

  it('answers 502 when the upstream refuses the connection', async () => {
    const saved = handler.upstream;
    const closed = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((resolve) => closed.once('listening', resolve));
    const deadPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    handler.upstream = { address: '127.0.0.1', port: deadPort };
    const response = await sendRaw(
      ports.httpPort,
      'GET /x HTTP/1.1\r\nHost: app.test\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
      null,
    );
    handler.upstream = saved;
    expect(statusLine(response)).toBe('HTTP/1.1 502 Bad Gateway');
  });

  it('refuses smuggling vectors on upgrade requests too', async () => {
    const before = upstreamSaw.length;
    const response = await sendRaw(
      ports.httpPort,
      'GET http://evil.test/x HTTP/1.1\r\nHost: app.test\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
      null,
    );
    expect(statusLine(response)).toBe('HTTP/1.1 400 Bad Request');
    expect(upstreamSaw.length).toBe(before);
  });
});
