import { createServer as createHttpServer } from 'node:http';
import type { Server as HttpServer } from 'node:http';
import { createSecureServer } from 'node:http2';
import type { Http2SecureServer } from 'node:http2';
import type { Socket } from 'node:net';
import type { RoutingState } from '../controller/state.ts';
import type { Logger } from '../util/logger.ts';
import { createCertificateStore } from './certificates.ts';
import { type EdgeEvents, ignoreError, onClientError, onConnect } from './edge-events.ts';
import type { PemPair } from './self-signed.ts';
import type { ConnectionTracker } from './shutdown.ts';
import { isWebSocketUpgrade } from './websocket.ts';

/** The HTTP/1 parser settings both servers share (the HTTPS one reads them from the server object). */
export interface Http1Settings {
  readonly insecureHTTPParser: false;
  readonly requireHostHeader: true;
  readonly joinDuplicateHeaders: false;
  readonly maxHeaderSize: number;
  readonly headersTimeout: number;
  readonly requestTimeout: number;
  readonly keepAliveTimeout: number;
  readonly connectionsCheckingInterval: number;
  readonly shouldUpgradeCallback: typeof isWebSocketUpgrade;
}

export function http1Settings(
  headerTimeoutMs: number,
  requestTimeoutMs: number,
  keepAliveTimeoutMs: number,
  maxHeaderBytes: number,
): Http1Settings {
  const headersTimeout = requestTimeoutMs > 0 ? Math.min(headerTimeoutMs, requestTimeoutMs) : headerTimeoutMs;
  return {
    insecureHTTPParser: false,
    requireHostHeader: true,
    joinDuplicateHeaders: false,
    maxHeaderSize: maxHeaderBytes,
    headersTimeout,
    requestTimeout: requestTimeoutMs,
    keepAliveTimeout: keepAliveTimeoutMs,
    // Node checks header/request deadlines on this interval (30 s by default): keep 408s close to the deadline.
    connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(headersTimeout / 4))),
    shouldUpgradeCallback: isWebSocketUpgrade,
  };
}

export function createPlainServer(settings: Http1Settings, events: EdgeEvents, tracker: ConnectionTracker): HttpServer {
  const server = createHttpServer({ ...settings }, events.onHttpRequest);
  server.prependListener('connection', tracker.onConnection);
  server.on('upgrade', events.onHttpUpgrade);
  server.on('connect', onConnect);
  server.on('clientError', onClientError);
  return server;
}

export interface SecureServerOptions {
  readonly getState: () => RoutingState;
  readonly selfSigned: PemPair;
  readonly maxHeaderBytes: number;
  readonly http2MaxConcurrentStreams: number;
  readonly log: Logger;
}

/** HTTPS with HTTP/2 and HTTP/1.1 (ALPN), certificates by SNI from the current table. */
export function createTlsServer(
  options: SecureServerOptions,
  settings: Http1Settings,
  events: EdgeEvents,
  tracker: ConnectionTracker,
): Http2SecureServer {
  const { log } = options;
  const certificates = createCertificateStore({ getState: options.getState, selfSigned: options.selfSigned, log });
  let served = certificates.defaultPems();
  const server = createSecureServer(
    {
      allowHTTP1: true,
      cert: served.certPem,
      key: served.keyPem,
      SNICallback: certificates.sniCallback,
      minVersion: 'TLSv1.2',
      settings: {
        maxConcurrentStreams: options.http2MaxConcurrentStreams,
        maxHeaderListSize: options.maxHeaderBytes,
        enablePush: false,
      },
      maxSessionRejectedStreams: 100,
      maxSessionInvalidFrames: 1000,
    },
    events.onHttpsRequest,
  );
  // The HTTP/1.1 side of the secure server reads these from the server object.
  Object.assign(server, settings);

  // Clients without SNI get the server's own context: swap it before the handshake when the default changed.
  server.prependListener('connection', (raw: Socket) => {
    const wanted = certificates.defaultPems();
    if (wanted !== served && (wanted.certPem !== served.certPem || wanted.keyPem !== served.keyPem)) {
      try {
        server.setSecureContext({ cert: wanted.certPem, key: wanted.keyPem });
      } catch (error) {
        log.warn({ error: (error as Error).message }, 'cannot load the default certificate');
      }
    }
    served = wanted;
    tracker.onConnection(raw);
  });
  server.on('secureConnection', events.onSecureConnection);
  server.on('session', events.onSession);
  server.on('upgrade', events.onHttpsUpgrade);
  server.on('connect', onConnect);
  server.on('clientError', onClientError);
  server.on('tlsClientError', events.onTlsClientError);
  server.on('sessionError', ignoreError);
  return server;
}
