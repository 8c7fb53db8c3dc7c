// One Gateway port served at address:port: the edge's own HTTP or HTTPS server construction
// (edge-servers.ts) with its own handler, connection tracker and WebSocket proxy.
import type { Server as HttpServer } from 'node:http';
import type { RoutingState } from '../controller/state.ts';
import type { Logger } from '../util/logger.ts';
import { EdgeEvents, type EdgeRequestHandler } from './edge-events.ts';
import { createPlainServer, createTlsServer, type Http1Settings } from './edge-servers.ts';
import { serveH2cToo } from './h2c-sniff.ts';
import { listenGroup } from './listen-group.ts';
import type { PemPair } from './self-signed.ts';
import { createConnectionTracker } from './shutdown.ts';
import { createUpgradeProxy } from './websocket.ts';

export interface GatewayServerOptions {
  readonly handler: EdgeRequestHandler;
  readonly getState: () => RoutingState;
  readonly address: string;
  readonly port: number;
  readonly protocol: 'HTTP' | 'HTTPS';
  readonly settings: Http1Settings;
  readonly selfSigned: PemPair;
  readonly http2MaxConcurrentStreams: number;
  readonly log: Logger;
}

export interface GatewayServer {
  readonly port: number;
  /** Stops accepting, drains for up to graceMs, then destroys the rest. */
  close(graceMs: number): Promise<void>;
  connections(): number;
}

/** Listens at once; rejects when address:port cannot be bound (in use, address not on this host...). */
export async function openGatewayServer(options: GatewayServerOptions): Promise<GatewayServer> {
  const { handler, log, settings } = options;
  const tracker = createConnectionTracker();
  const upgrades = createUpgradeProxy({
    resolveUpgrade: handler.resolveUpgrade.bind(handler),
    connectTimeoutMs: 10_000,
    log,
  });
  const events = new EdgeEvents(handler, tracker, upgrades, log, Math.max(settings.keepAliveTimeout, 1000));
  const server =
    options.protocol === 'HTTP'
      ? createPlainServer(settings, events, tracker)
      : createTlsServer(
          {
            getState: options.getState,
            selfSigned: options.selfSigned,
            maxHeaderBytes: settings.maxHeaderSize,
            http2MaxConcurrentStreams: options.http2MaxConcurrentStreams,
            log,
          },
          settings,
          events,
          tracker,
        );
  // HTTP/2 with prior knowledge on plain listeners too, as on the Ingress edge: gRPC (GRPCRoute) and h2c clients.
  if (options.protocol === 'HTTP')
    serveH2cToo(
      server as HttpServer,
      {
        maxConcurrentStreams: options.http2MaxConcurrentStreams,
        maxHeaderBytes: settings.maxHeaderSize,
        firstBytesMs: settings.headersTimeout,
      },
      events,
      tracker,
    );
  const group = await listenGroup(server, { host: options.address, port: options.port, shared: false, sockets: 1 });
  return {
    port: group.port,
    async close(graceMs) {
      const stopped = group.close();
      await Promise.all([tracker.drain(graceMs), stopped]);
    },
    connections: () => tracker.count(),
  };
}
