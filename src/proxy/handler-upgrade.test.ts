import { once } from 'node:events';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProxyHandler, UpgradeResolution } from './handler.ts';
import { createTestHandler, makeState, okBackend, unusableBackend } from '../../test/support/proxy-handler-fixtures.ts';

describe('resolveUpgrade', () => {
  let handler: ProxyHandler;
  let server: http.Server;
  let port: number;
  let last: UpgradeResolution | null = null;

  beforeAll(async () => {
    const state = makeState(
      [
        { host: 'ws.test', path: '/', backend: 'default/ws:80' },
        { host: 'ws.test', path: '/down', backend: 'default/down:80' },
        { host: 'tls.test', path: '/', backend: 'default/ws:80', policy: { sslRedirect: true } },
      ],
      [
        okBackend('default/ws:80', [
          { address: '127.0.0.20', port: 9001 },
          { address: '127.0.0.21', port: 9001 },
        ]),
        unusableBackend('default/down:80', 'no-endpoints', 'no ready endpoints'),
      ],
    );
    handler = createTestHandler(() => state, {
      timeouts: { connectMs: 1_000, responseHeadersMs: 1_000, bodyIdleMs: 1_000 },
      retry: { maxTries: 2, budgetMs: 1_000 },
    });
    server = http.createServer();
    server.on('upgrade', async (req: http.IncomingMessage, socket: net.Socket) => {
      last = await handler.resolveUpgrade(req, false);
      socket.end('HTTP/1.1 204 No Content\r\n\r\n');
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    server.close();
    await handler.close();
  });

  async function upgrade(host: string, path: string): Promise<UpgradeResolution> {
    last = null;
    const socket = net.connect(port, '127.0.0.1');
    socket.write(
      `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: Upgrade, X-Hop\r\nUpgrade: websocket\r\nX-Hop: 1\r\n` +
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nX-Forwarded-For: 6.6.6.6\r\n\r\n',
    );
    socket.resume();
    await once(socket, 'close');
    return last!;
  }

  it('chooses an endpoint in rotation and keeps the upgrade headers, with forwarding headers set', async () => {
    const first = await upgrade('ws.test', '/chat/./room?x=1');
    const second = await upgrade('ws.test', '/chat');
    expect(first.ok && second.ok).toBe(true);
    if (!first.ok || !second.ok) return;
    expect(new Set([first.upstream.address, second.upstream.address])).toEqual(new Set(['127.0.0.20', '127.0.0.21']));
    expect(first.path).toBe('/chat/room?x=1');
    expect(first.headers.upgrade).toBe('websocket');
    expect(first.headers.connection).toBe('Upgrade, X-Hop');
    expect(first.headers['x-hop']).toBeUndefined();
    expect(first.headers['sec-websocket-key']).toBe('dGhlIHNhbXBsZSBub25jZQ==');
    expect(first.headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(first.headers.host).toBe('ws.test');
    expect(first.headers['x-request-id']).toMatch(/^[A-Za-z0-9._-]+$/);
  });

  it('answers the same errors as plain requests', async () => {
    expect(await upgrade('nowhere.test', '/')).toMatchObject({ ok: false, status: 404 });
    const down = await upgrade('ws.test', '/down');
    expect(down).toMatchObject({ ok: false, status: 503 });
    expect(!down.ok && down.body).toContain('no ready endpoints');
    expect(await upgrade('tls.test', '/')).toMatchObject({ ok: false, status: 403 });
  });
});
