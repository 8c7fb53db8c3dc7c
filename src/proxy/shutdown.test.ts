import { describe, expect, it } from 'vitest';
import { Agent, request as httpRequest } from 'node:http';
import { connect as http2Connect } from 'node:http2';
import { connect as netConnect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { createFakeHandler, startTestEdge, makeState } from '../../test/support/proxy-listeners.ts';
import { waitFor } from '../../test/support/wait-for.ts';
import type { FakeHandler } from '../../test/support/proxy-listeners.ts';
import { generateSelfSigned } from './self-signed.ts';

const selfSigned = generateSelfSigned('shutdown test');

async function startEdge(handler: FakeHandler) {
  return startTestEdge({ handler, getState: () => makeState(1, []), selfSigned: await selfSigned });
}

function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

function get(
  port: number,
  path: string,
  agent: Agent,
): Promise<{ status: number; body: string; connection: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, agent, headers: { host: 'app.test' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, connection: res.headers.connection }));
    });
    req.on('error', reject);
    req.end();
  });
}

function connectRefused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = netConnect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

describe('graceful shutdown', () => {
  it('stops accepting, closes idle keep-alive connections, drains an in-flight request, then resolves', async () => {
    const handler = createFakeHandler();
    const slow = gate();
    handler.gate = slow.promise;
    const { edge, ports } = await startEdge(handler);
    const idleAgent = new Agent({ keepAlive: true });
    const busyAgent = new Agent({ keepAlive: true });
    expect((await get(ports.httpPort, '/warm-up', idleAgent)).status).toBe(200);
    const inFlight = get(ports.httpPort, '/slow', busyAgent);
    await waitFor(() => handler.calls.some((call) => call.url === '/slow'));
    expect(edge.connections()).toBe(2);

    let closed = false;
    const closing = edge.close(10_000).then(() => (closed = true));
    await waitFor(() => edge.connections() === 1); // the idle keep-alive connection went at once
    expect(await connectRefused(ports.httpPort)).toBe(true);
    expect(closed).toBe(false);

    slow.open();
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(response.connection).toBe('close');
    await closing;
    expect(closed).toBe(true);
    expect(edge.connections()).toBe(0);
    idleAgent.destroy();
    busyAgent.destroy();
  });

  it('sends GOAWAY to HTTP/2 clients and lets their open streams finish', async () => {
    const handler = createFakeHandler();
    const slow = gate();
    handler.gate = slow.promise;
    const { edge, ports } = await startEdge(handler);
    const session = http2Connect(`https://127.0.0.1:${ports.httpsPort}`, { rejectUnauthorized: false });
    let goaway = false;
    session.on('goaway', () => (goaway = true));
    session.on('error', () => {});
    const result = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const stream = session.request({ ':path': '/slow-h2', ':authority': 'app.test' });
      let status = 0;
      let body = '';
      stream.on('response', (headers) => (status = Number(headers[':status'])));
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => (body += chunk));
      stream.on('end', () => resolve({ status, body }));
      stream.on('error', reject);
    });
    await waitFor(() => handler.calls.some((call) => call.url === '/slow-h2'));
    const closing = edge.close(10_000);
    await waitFor(() => goaway);
    slow.open();
    expect((await result).status).toBe(200);
    await closing;
    expect(edge.connections()).toBe(0);
    session.destroy();
  });

  it('lets an open WebSocket run until the grace period ends, then closes it', async () => {
    const upstream = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((resolve) => upstream.once('listening', resolve));
    upstream.on('connection', (socket) => socket.on('message', (data) => socket.send(String(data))));
    const handler = createFakeHandler();
    handler.upstream = { address: '127.0.0.1', port: (upstream.address() as AddressInfo).port };
    const { edge, ports } = await startEdge(handler);
    const client = new WebSocket(`ws://127.0.0.1:${ports.httpPort}/ws`, { headers: { host: 'app.test' } });
    await new Promise((resolve, reject) => {
      client.once('open', resolve);
      client.once('error', reject);
    });
    const clientClosed = new Promise<number>((resolve) => client.once('close', () => resolve(Date.now())));

    const started = Date.now();
    const closing = edge.close(400);
    const reply = new Promise<string>((resolve) => client.once('message', (data) => resolve(String(data))));
    client.send('still here');
    expect(await reply).toBe('still here');
    await closing;
    const closedAt = await clientClosed;
    expect(closedAt - started).toBeGreaterThanOrEqual(350);
    expect(edge.connections()).toBe(0);
    await new Promise((resolve) => upstream.close(resolve));
  });
});
