import type { RoutingState } from '../controller/state.ts';
import type { Logger } from '../util/logger.ts';
import { EdgeEvents, type EdgeRequestHandler } from './edge-events.ts';
import { createPlainServer, createTlsServer, http1Settings } from './edge-servers.ts';
import { serveH2cToo } from './h2c-sniff.ts';
import { servePassthroughToo } from './passthrough/tls-passthrough.ts';
import { DEFAULT_ACCEPT_SOCKETS, listenGroup } from './listen-group.ts';
import type { ListenGroup } from './listen-group.ts';
import { generateSelfSigned } from './self-signed.ts';
import type { PemPair } from './self-signed.ts';
import { createConnectionTracker } from './shutdown.ts';
import { createUpgradeProxy } from './websocket.ts';

export type { EdgeRequestHandler } from './edge-events.ts';

export interface EdgeOptions {
  handler: EdgeRequestHandler;
  getState(): RoutingState;
  bindAddress: string;
  /** 0 picks a free port (tests). */
  httpPort: number;
  httpsPort: number;
  /** Time to receive a request's headers; slower clients get 408 (slowloris). */
  headerTimeoutMs: number;
  /** Time to receive a whole request (headers and body); 0 turns it off. */
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
  /** Request header bytes beyond this get 431 (HTTP/1) or a refused stream (HTTP/2). */
  maxHeaderBytes: number;
  log: Logger;
  /** The certificate for unknown SNI when the table has no default; generated at listen() when absent. */
  selfSigned?: PemPair;
  /** Concurrent streams per HTTP/2 connection. Default 128. */
  http2MaxConcurrentStreams?: number;
  /** Connect timeout towards WebSocket upstreams. Default 10 s. */
  upgradeConnectTimeoutMs?: number;
  /** Let several processes listen on the same ports (SO_REUSEPORT, Linux); see workers.ts. */
  reusePort?: boolean;
  /** Listening sockets per port, so bursts of new connections are accepted fast (listen-group.ts). Default 64 on Linux, else 1. */
  acceptSockets?: number;
}

export interface Edge {
  listen(): Promise<{ httpPort: number; httpsPort: number }>;
  /** Stops accepting, drains in-flight work up to graceMs, then destroys the rest. Resolves when all are gone. */
  close(graceMs: number): Promise<void>;
  /** Open client connections (TCP), both listeners. */
  connections(): number;
}

export function createEdge(options: EdgeOptions): Edge {
  const { handler, log } = options;
  const tracker = createConnectionTracker();
  const upgrades = createUpgradeProxy({
    resolveUpgrade: handler.resolveUpgrade.bind(handler),
    connectTimeoutMs: options.upgradeConnectTimeoutMs ?? 10_000,
    log,
  });
  const sessionIdleMs = Math.max(options.keepAliveTimeoutMs, 1000);
  const events = new EdgeEvents(handler, tracker, upgrades, log, sessionIdleMs);
  const settings = http1Settings(
    options.headerTimeoutMs,
    options.requestTimeoutMs,
    options.keepAliveTimeoutMs,
    options.maxHeaderBytes,
  );
  let listeners: ListenGroup[] = [];
  let closing: Promise<void> | null = null;

  return {
    async listen() {
      const selfSigned = options.selfSigned ?? (await generateSelfSigned());
      const httpServer = createPlainServer(settings, events, tracker);
      const http2MaxConcurrentStreams = options.http2MaxConcurrentStreams ?? 128;
      serveH2cToo(
        httpServer,
        {
          maxConcurrentStreams: http2MaxConcurrentStreams,
          maxHeaderBytes: options.maxHeaderBytes,
          firstBytesMs: options.headerTimeoutMs,
        },
        events,
        tracker,
      );
      const httpsServer = createTlsServer(
        {
          getState: options.getState,
          selfSigned,
          maxHeaderBytes: options.maxHeaderBytes,
          http2MaxConcurrentStreams,
          log,
        },
        settings,
        events,
        tracker,
      );
      servePassthroughToo(httpsServer, {
        getState: options.getState,
        tracker,
        helloTimeoutMs: options.headerTimeoutMs,
        connectTimeoutMs: options.upgradeConnectTimeoutMs ?? 10_000,
        log,
      });
      const host = options.bindAddress;
      const shared = options.reusePort === true;
      const sockets = options.acceptSockets ?? DEFAULT_ACCEPT_SOCKETS;
      const http = await listenGroup(httpServer, { host, port: options.httpPort, shared, sockets });
      listeners.push(http);
      const https = await listenGroup(httpsServer, { host, port: options.httpsPort, shared, sockets });
      listeners.push(https);
      const httpPort = http.port;
      const httpsPort = https.port;
      log.info({ httpPort, httpsPort, address: options.bindAddress }, 'edge listening');
      return { httpPort, httpsPort };
    },
    close(graceMs) {
      if (closing !== null) return closing;
      const stopped = listeners.map((group) => group.close());
      listeners = [];
      closing = Promise.all([tracker.drain(graceMs), ...stopped]).then(() => {
        log.info({}, 'edge closed');
      });
      return closing;
    },
    connections() {
      return tracker.count();
    },
  };
}
