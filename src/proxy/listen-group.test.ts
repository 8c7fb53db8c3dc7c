import { describe, expect, it } from 'vitest';
import { createServer as createHttpServer, request as httpRequest } from 'node:http';
import { connect as netConnect, createServer as createNetServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { listenGroup } from './listen-group.ts';

const host = '127.0.0.1';

function get(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host, port, path: '/', agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
    req.end();
  });
}

function connectAndWait(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = netConnect({ host, port }, () => resolve(socket));
    socket.on('error', reject);
  });
}

describe('listenGroup', () => {
  it('serves every connection, whichever listening socket accepted it, with the server’s socket options', async () => {
    const seen: Socket[] = [];
    const acceptedBy = new Set<unknown>();
    const server = createHttpServer((_req, res) => res.end('ok'));
    // Before http's own listener, which sets socket.server to itself.
    server.prependListener('connection', (socket: Socket) => {
      seen.push(socket);
      acceptedBy.add((socket as unknown as { server: unknown }).server);
    });
    const group = await listenGroup(server, { host, port: 0, shared: false, sockets: 8 });
    expect(group.port).toBeGreaterThan(0);

    const bodies = await Promise.all(Array.from({ length: 40 }, () => get(group.port)));
    expect(bodies).toEqual(Array.from({ length: 40 }, () => 'ok'));
    expect(seen).toHaveLength(40);
    // The kernel spread them: some sockets came from a helper listener, not the server's own.
    expect(acceptedBy.size).toBeGreaterThan(1);
    // http.Server accepts half-open sockets; helpers must hand over the same kind.
    for (const socket of seen) expect(socket.allowHalfOpen).toBe(true);
    await group.close();
    expect(server.listening).toBe(false);
  });

  it('refuses a port already held, as a single listener would', async () => {
    const holder = createNetServer();
    await new Promise<void>((resolve) => holder.listen({ host, port: 0 }, resolve));
    const port = (holder.address() as AddressInfo).port;
    const server = createHttpServer();
    await expect(listenGroup(server, { host, port, shared: false, sockets: 4 })).rejects.toMatchObject({
      code: 'EADDRINUSE',
    });
    await new Promise<void>((resolve) => holder.close(() => resolve()));
  });

  it('refuses a port another group holds unless both are shared (workers)', async () => {
    const first = await listenGroup(createHttpServer(), { host, port: 0, shared: false, sockets: 4 });
    await expect(
      listenGroup(createHttpServer(), { host, port: first.port, shared: false, sockets: 4 }),
    ).rejects.toMatchObject({ code: 'EADDRINUSE' });
    await first.close();

    const a = await listenGroup(
      createHttpServer((_q, s) => s.end('a')),
      { host, port: 0, shared: true, sockets: 2 },
    );
    const b = await listenGroup(
      createHttpServer((_q, s) => s.end('b')),
      { host, port: a.port, shared: true, sockets: 2 },
    );
    expect(b.port).toBe(a.port);
    await Promise.all([a.close(), b.close()]);
  });

  it('close waits for every accepted connection, helpers’ too, and releases the port', async () => {
    const server = createNetServer();
    const group = await listenGroup(server, { host, port: 0, shared: false, sockets: 4 });
    const clients = await Promise.all(Array.from({ length: 12 }, () => connectAndWait(group.port)));
    let closed = false;
    const closing = group.close().then(() => (closed = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(closed).toBe(false);
    for (const client of clients) client.destroy();
    await closing;
    expect(closed).toBe(true);
    const again = await listenGroup(createHttpServer(), { host, port: group.port, shared: false, sockets: 2 });
    await again.close();
  });

  it('with one socket listens like server.listen', async () => {
    const server = createHttpServer((_req, res) => res.end('single'));
    const group = await listenGroup(server, { host, port: 0, shared: false, sockets: 1 });
    expect((server.address() as AddressInfo).port).toBe(group.port);
    expect(await get(group.port)).toBe('single');
    await group.close();
  });
});
