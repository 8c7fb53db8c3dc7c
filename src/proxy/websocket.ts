import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { ProxyServer } from 'http-proxy-3';
import type { Logger } from '../util/logger.ts';
import { guardHttp1Request } from './listeners-request-guard.ts';
import { answerSocket } from './listeners-responses.ts';
import type { UpgradeResolution } from './pipeline/upgrade.ts';

/** The part of the request handler an upgrade needs (ProxyHandler.resolveUpgrade). */
export type ResolveUpgrade = (req: IncomingMessage, tls: boolean) => UpgradeResolution | Promise<UpgradeResolution>;

export interface UpgradeProxy {
  /** For the servers' `upgrade` event. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, tls: boolean): void;
}

export interface UpgradeProxyOptions {
  resolveUpgrade: ResolveUpgrade;
  connectTimeoutMs: number;
  log: Logger;
}

/** Only WebSocket upgrades go to the `upgrade` event; others (h2c...) stay ordinary requests. */
export function isWebSocketUpgrade(req: IncomingMessage): boolean {
  const upgrade = req.headers.upgrade;
  return req.method === 'GET' && typeof upgrade === 'string' && upgrade.toLowerCase() === 'websocket';
}

/**
 * Proxies WebSocket upgrades with http-proxy-3. The route and endpoint are chosen once by the handler;
 * afterwards the two sockets are piped and hold no reference to the routing table, so table changes
 * never cut an open WebSocket.
 */
export function createUpgradeProxy(options: UpgradeProxyOptions): UpgradeProxy {
  const { resolveUpgrade, connectTimeoutMs, log } = options;
  const proxy = new ProxyServer({ ws: true, xfwd: false, prependPath: false, connectTimeout: connectTimeoutMs });
  proxy.on('error', (error: Error) => {
    log.debug({ error: error.message }, 'websocket proxy error');
  });

  function onUpstreamError(error: Error, _req: IncomingMessage, socket: unknown): void {
    log.debug({ error: error.message }, 'websocket upstream failed');
    answerSocket(socket as Duplex, 502);
  }

  /** Answers a refusal, or hands the socket to the endpoint chosen. */
  function forward(req: IncomingMessage, socket: Duplex, head: Buffer, resolved: UpgradeResolution): void {
    if (!resolved.ok) {
      answerSocket(socket, resolved.status, resolved.body, resolved.headers ?? null);
      return;
    }
    // The handler's headers are what the upstream gets (forwarding headers applied, hop-by-hop
    // stripped); the upgrade itself must still be asked for.
    const headers: Record<string, string | string[]> = { ...resolved.headers };
    headers.connection = 'upgrade';
    headers.upgrade = req.headers.upgrade ?? 'websocket';
    req.headers = headers;
    req.url = resolved.path;
    proxy.ws(
      req,
      socket as never,
      head,
      { target: { host: resolved.upstream.address, port: resolved.upstream.port } },
      onUpstreamError as never,
    );
  }

  return {
    handleUpgrade(req, socket, head, tls) {
      socket.on('error', ignoreSocketError);
      const verdict = guardHttp1Request(req);
      if (verdict !== 0) {
        answerSocket(socket, verdict);
        return;
      }
      let resolved: ReturnType<ResolveUpgrade>;
      try {
        resolved = resolveUpgrade(req, tls);
      } catch (error) {
        log.error({ error: (error as Error).message }, 'resolveUpgrade threw');
        answerSocket(socket, 500);
        return;
      }
      if (!(resolved instanceof Promise)) {
        forward(req, socket, head, resolved);
        return;
      }
      // A step is waiting (external auth, a password hash); the client may leave meanwhile (then nothing is forwarded).
      resolved.then(
        (settled) => {
          if (!socket.destroyed) forward(req, socket, head, settled);
        },
        (error: unknown) => {
          log.error({ error: (error as Error).message }, 'resolveUpgrade failed');
          answerSocket(socket, 500);
        },
      );
    },
  };
}

function ignoreSocketError(): void {
  // Client resets are normal; the proxy's own listeners clean up the pair.
}
