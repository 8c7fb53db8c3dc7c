import { createServer as createHttpServer } from 'node:http';
import type { IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http';
import { createSecureServer } from 'node:http2';
import type { Http2SecureServer, Http2ServerRequest, Http2ServerResponse, ServerHttp2Session } from 'node:http2';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import type { RoutingState } from '../controller/state.ts';
import type { Logger } from '../util/logger.ts';
import { createCertificateStore } from './certificates.ts';
import { guardHttp1Request, guardHttp2Request, isBehindClosingResponse } from './listeners-request-guard.ts';
import { answerRefused, answerSocket } from './listeners-responses.ts';
import { DEFAULT_ACCEPT_SOCKETS, listenGroup } from './listen-group.ts';
import type { ListenGroup } from './listen-group.ts';
import { generateSelfSigned } from './self-signed.ts';
import type { PemPair } from './self-signed.ts';
import { createConnectionTracker } from './shutdown.ts';
import { createUpgradeProxy, isWebSocketUpgrade } from './websocket.ts';
import type { ResolveUpgrade } from './websocket.ts';

/** What the edge needs of the request handler (src/proxy/handler.ts's ProxyHandler satisfies it). */
export interface EdgeRequestHandler {
  handle(req: IncomingMessage | Http2ServerRequest, res: ServerResponse | Http2ServerResponse, tls: boolean): void;
  resolveUpgrade: ResolveUpgrade;
}

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
  const headersTimeout =
    options.requestTimeoutMs > 0
      ? Math.min(options.headerTimeoutMs, options.requestTimeoutMs)
      : options.headerTimeoutMs;
  // Node checks header/request deadlines on this interval (30 s by default): keep 408s close to the deadline.
  const checkingInterval = Math.max(50, Math.min(1000, Math.floor(headersTimeout / 4)));
  const sessionIdleMs = Math.max(options.keepAliveTimeoutMs, 1000);

  let listeners: ListenGroup[] = [];
  let closing: Promise<void> | null = null;

  function onHttpRequest(req: IncomingMessage, res: ServerResponse): void {
    if (isBehindClosingResponse(req.socket, res)) return;
    tracker.onHttp1Request(req, res);
    const verdict = guardHttp1Request(req);
    if (verdict !== 0) answerRefused(req, res, verdict);
    else handler.handle(req, res, false);
  }

  function onHttpsRequest(req: IncomingMessage | Http2ServerRequest, res: ServerResponse | Http2ServerResponse): void {
    if (req.httpVersionMajor === 2) {
      const verdict = guardHttp2Request(req as Http2ServerRequest);
      if (verdict !== 0) answerRefused(req, res, verdict);
      else handler.handle(req, res, true);
      return;
    }
    if (isBehindClosingResponse(req.socket, res)) return;
    tracker.onHttp1Request(req as IncomingMessage, res as ServerResponse);
    const verdict = guardHttp1Request(req as IncomingMessage);
    if (verdict !== 0) answerRefused(req, res, verdict);
    else handler.handle(req, res, true);
  }

  function onHttpUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (isBehindClosingResponse(socket, null)) {
      socket.end();
      return;
    }
    tracker.onUpgrade(socket);
    upgrades.handleUpgrade(req, socket, head, false);
  }

  function onHttpsUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (isBehindClosingResponse(socket, null)) {
      socket.end();
      return;
    }
    tracker.onUpgrade(socket);
    upgrades.handleUpgrade(req, socket, head, true);
  }

  function onSession(session: ServerHttp2Session): void {
    session.on('error', ignoreError);
    tracker.onSession(session, sessionIdleMs);
  }

  function onSecureConnection(socket: TLSSocket): void {
    tracker.onSecureConnection(socket);
  }

  function onTlsClientError(error: Error): void {
    log.debug({ error: error.message }, 'TLS handshake failed');
  }

  function setUpHttpServer(): HttpServer {
    const server = createHttpServer(
      {
        insecureHTTPParser: false,
        requireHostHeader: true,
        joinDuplicateHeaders: false,
        maxHeaderSize: options.maxHeaderBytes,
        headersTimeout,
        requestTimeout: options.requestTimeoutMs,
        keepAliveTimeout: options.keepAliveTimeoutMs,
        connectionsCheckingInterval: checkingInterval,
        shouldUpgradeCallback: isWebSocketUpgrade,
      },
      onHttpRequest,
    );
    server.prependListener('connection', tracker.onConnection);
    server.on('upgrade', onHttpUpgrade);
    server.on('connect', onConnect);
    server.on('clientError', onClientError);
    return server;
  }

  function setUpHttpsServer(selfSigned: PemPair): Http2SecureServer {
    const certificates = createCertificateStore({ getState: options.getState, selfSigned, log });
    let served = certificates.defaultPems();
    const server = createSecureServer(
      {
        allowHTTP1: true,
        cert: served.certPem,
        key: served.keyPem,
        SNICallback: certificates.sniCallback,
        minVersion: 'TLSv1.2',
        settings: {
          maxConcurrentStreams: options.http2MaxConcurrentStreams ?? 128,
          maxHeaderListSize: options.maxHeaderBytes,
          enablePush: false,
        },
        maxSessionRejectedStreams: 100,
        maxSessionInvalidFrames: 1000,
      },
      onHttpsRequest,
    );
    // The HTTP/1.1 side of the secure server reads these from the server object.
    const http1 = server as unknown as Record<string, unknown>;
    http1.insecureHTTPParser = false;
    http1.requireHostHeader = true;
    http1.joinDuplicateHeaders = false;
    http1.maxHeaderSize = options.maxHeaderBytes;
    http1.headersTimeout = headersTimeout;
    http1.requestTimeout = options.requestTimeoutMs;
    http1.keepAliveTimeout = options.keepAliveTimeoutMs;
    http1.connectionsCheckingInterval = checkingInterval;
    http1.shouldUpgradeCallback = isWebSocketUpgrade;

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
    server.on('secureConnection', onSecureConnection);
    server.on('session', onSession);
    server.on('upgrade', onHttpsUpgrade);
    server.on('connect', onConnect);
    server.on('clientError', onClientError);
    server.on('tlsClientError', onTlsClientError);
    server.on('sessionError', ignoreError);
    return server;
  }

  return {
    async listen() {
      const selfSigned = options.selfSigned ?? (await generateSelfSigned());
      const httpServer = setUpHttpServer();
      const httpsServer = setUpHttpsServer(selfSigned);
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

/** CONNECT: HTTP/1 hands over the socket, HTTP/2 (compat API) a request and response. */
function onConnect(req: IncomingMessage | Http2ServerRequest, socketOrResponse: Duplex | Http2ServerResponse): void {
  if (req.httpVersionMajor === 2) {
    answerRefused(req, socketOrResponse as Http2ServerResponse, 405);
    return;
  }
  const socket = socketOrResponse as Duplex;
  socket.on('error', ignoreError);
  answerSocket(socket, 405);
}

function onClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  socket.on('error', ignoreError);
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  answerSocket(socket, clientErrorStatus(error.code));
}

function clientErrorStatus(code: string | undefined): number {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return 431;
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return 408;
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return 413;
    default:
      return 400;
  }
}

function ignoreError(): void {
  // Peers vanish; the socket's own close handling cleans up.
}
