import { once } from 'node:events';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  echoUpstream,
  json,
  makeState,
  okBackend,
  send,
  startEdge,
  type Edge,
  type Upstream,
} from '../../test/support/proxy-handler-fixtures.ts';
import {
  basicCredentials,
  CHECKED_USERS,
  HTPASSWD_FILE,
  VECTOR_PASSWORD,
} from '../../test/support/htpasswd-vectors.ts';
import { NO_TRAFFIC } from '../routing/no-traffic.ts';
import type { TrafficPolicy } from '../routing/policy-types.ts';
import type { RoutingState } from '../controller/state.ts';
import type { UpgradeResolution } from './handler.ts';

const PASSWORD = VECTOR_PASSWORD;
const HTPASSWD = HTPASSWD_FILE;

function authPolicy(secret: string | null): { traffic: TrafficPolicy } {
  const basicAuth = { secret, secretType: 'auth-file', realm: 'Team only', field: 'f', secretField: 'f' } as const;
  return { traffic: { ...NO_TRAFFIC, basicAuth } as TrafficPolicy };
}

describe('edge request path: basic authentication (auth-type basic)', () => {
  let upstream: Upstream;
  let edge: Edge;

  beforeAll(async () => {
    upstream = await echoUpstream('127.0.0.1', 'pod');
    const key = 'default/app:80';
    const base = makeState(
      [
        { host: 'app.test', path: '/', backend: key, policy: authPolicy('default/users') },
        { host: 'nosecret.test', path: '/', backend: key, policy: authPolicy('default/ghost') },
      ],
      [okBackend(key, [upstream])],
    );
    const state: RoutingState = {
      ...base,
      result: { ...base.result, policySecrets: new Map([['default/users', { auth: HTPASSWD }]]) },
    };
    edge = await startEdge(state);
  });

  afterAll(async () => {
    await edge.close();
    await upstream.close();
  });

  it.each(CHECKED_USERS)(
    'lets %s in with the right password (twice: the second verdict comes from the cache)',
    async (user) => {
      for (let i = 0; i < 2; i++) {
        const reply = await send(edge.port, {
          headers: { host: 'app.test', authorization: basicCredentials(user, PASSWORD) },
        });
        expect(reply.status).toBe(200);
        // ingress-nginx nginx.tmpl: `proxy_set_header Authorization ""` after auth_basic.
        expect(json(reply).headers.authorization).toBeUndefined();
      }
    },
  );

  it.each(CHECKED_USERS)('refuses %s with a wrong password: 401 with the realm', async (user) => {
    const reply = await send(edge.port, {
      headers: { host: 'app.test', authorization: basicCredentials(user, 'open sesamE') },
    });
    expect(reply.status).toBe(401);
    expect(reply.headers['www-authenticate']).toBe('Basic realm="Team only", charset="UTF-8"');
  });

  it('refuses a plaintext entry, an unknown user, no credentials and a malformed header', async () => {
    const before = upstream.count;
    for (const authorization of [
      basicCredentials('plain-user', PASSWORD),
      basicCredentials('nobody', PASSWORD),
      'Basic %%%',
      'Bearer x',
      '',
    ]) {
      const headers = authorization === '' ? { host: 'app.test' } : { host: 'app.test', authorization };
      const reply = await send(edge.port, { headers });
      expect(reply.status, authorization).toBe(401);
    }
    expect(upstream.count).toBe(before);
  });

  it('refuses every request with 503 when the auth Secret is missing (never opens the route)', async () => {
    const reply = await send(edge.port, {
      headers: { host: 'nosecret.test', authorization: basicCredentials('sha1-user', PASSWORD) },
    });
    expect(reply.status).toBe(503);
  });

  // ingress-nginx's auth_basic covers every request of the location, WebSocket handshakes included.
  it('checks a WebSocket handshake off the event loop turn: right password → an endpoint, wrong → 401', async () => {
    const server = http.createServer();
    let pending: UpgradeResolution | Promise<UpgradeResolution> | null = null;
    server.on('upgrade', (req: http.IncomingMessage, socket: net.Socket) => {
      pending = edge.handler.resolveUpgrade(req, false);
      socket.end('HTTP/1.1 204 No Content\r\n\r\n');
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as AddressInfo).port;
    const handshake = async (authorization: string): Promise<{ waited: boolean; resolution: UpgradeResolution }> => {
      const socket = net.connect(port, '127.0.0.1');
      socket.write(
        `GET /ws HTTP/1.1\r\nHost: app.test\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nAuthorization: ${authorization}\r\n` +
          'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
      );
      socket.resume();
      await once(socket, 'close');
      const waited = pending instanceof Promise;
      return { waited, resolution: await pending! };
    };
    try {
      // A fresh bcrypt password (not in the verdict cache) is hashed asynchronously: the resolution waits.
      const fresh = await handshake(basicCredentials('bcrypt-user', PASSWORD));
      expect(fresh.waited).toBe(true);
      expect(fresh.resolution).toMatchObject({ ok: true, upstream: { port: upstream.port } });
      expect((fresh.resolution as { headers: Record<string, unknown> }).headers.authorization).toBeUndefined();
      const wrong = await handshake(basicCredentials('bcrypt-user', 'wrong ' + Date.now()));
      expect(wrong.resolution).toMatchObject({ ok: false, status: 401 });
      expect((wrong.resolution as { headers?: readonly string[] | null }).headers).toContain(
        'Basic realm="Team only", charset="UTF-8"',
      );
    } finally {
      server.close();
    }
  });
});
