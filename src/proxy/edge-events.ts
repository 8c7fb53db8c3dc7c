import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Http2ServerRequest, Http2ServerResponse, ServerHttp2Session } from 'node:http2';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import type { Logger } from '../util/logger.ts';
import { guardHttp1Request, guardHttp2Request, isBehindClosingResponse } from './listeners-request-guard.ts';
import { answerRefused, answerSocket } from './listeners-responses.ts';
import type { ConnectionTracker } from './shutdown.ts';
import type { ResolveUpgrade, UpgradeProxy } from './websocket.ts';

/** What the edge needs of the request handler (src/proxy/handler.ts's ProxyHandler satisfies it). */
export interface EdgeRequestHandler {
  handle(req: IncomingMessage | Http2ServerRequest, res: ServerResponse | Http2ServerResponse, tls: boolean): void;
  resolveUpgrade: ResolveUpgrade;
}

/**
 * The listeners of the two servers: every request passes the guard (listeners-request-guard.ts) and the
 * connection tracker before the handler sees it. One instance per edge; its methods are bound once.
 */
export class EdgeEvents {
  readonly #handler: EdgeRequestHandler;
  readonly #tracker: ConnectionTracker;
  readonly #upgrades: UpgradeProxy;
  readonly #log: Logger;
  readonly #sessionIdleMs: number;

  constructor(
    handler: EdgeRequestHandler,
    tracker: ConnectionTracker,
    upgrades: UpgradeProxy,
    log: Logger,
    sessionIdleMs: number,
  ) {
    this.#handler = handler;
    this.#tracker = tracker;
    this.#upgrades = upgrades;
    this.#log = log;
    this.#sessionIdleMs = sessionIdleMs;
    this.onHttpRequest = this.onHttpRequest.bind(this);
    this.onHttpsRequest = this.onHttpsRequest.bind(this);
    this.onH2cRequest = this.onH2cRequest.bind(this);
    this.onHttpUpgrade = this.onHttpUpgrade.bind(this);
    this.onHttpsUpgrade = this.onHttpsUpgrade.bind(this);
    this.onSession = this.onSession.bind(this);
    this.onSecureConnection = this.onSecureConnection.bind(this);
    this.onTlsClientError = this.onTlsClientError.bind(this);
  }

  onHttpRequest(req: IncomingMessage, res: ServerResponse): void {
    if (isBehindClosingResponse(req.socket, res)) return;
    this.#tracker.onHttp1Request(req, res);
    const verdict = guardHttp1Request(req);
    if (verdict !== 0) answerRefused(req, res, verdict);
    else this.#handler.handle(req, res, false);
  }

  /** HTTP/2 with prior knowledge on the plain port (h2c-sniff.ts). */
  onH2cRequest(req: Http2ServerRequest, res: Http2ServerResponse): void {
    const verdict = guardHttp2Request(req);
    if (verdict !== 0) answerRefused(req, res, verdict);
    else this.#handler.handle(req, res, false);
  }

  onHttpsRequest(req: IncomingMessage | Http2ServerRequest, res: ServerResponse | Http2ServerResponse): void {
    if (req.httpVersionMajor === 2) {
      const verdict = guardHttp2Request(req as Http2ServerRequest);
      if (verdict !== 0) answerRefused(req, res, verdict);
      else this.#handler.handle(req, res, true);
      return;
    }
    if (isBehindClosingResponse(req.socket, res)) return;
    this.#tracker.onHttp1Request(req as IncomingMessage, res as ServerResponse);
    const verdict = guardHttp1Request(req as IncomingMessage);
    if (verdict !== 0) answerRefused(req, res, verdict);
    else this.#handler.handle(req, res, true);
  }

  onHttpUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.#upgrade(req, socket, head, false);
  }

  onHttpsUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.#upgrade(req, socket, head, true);
  }

  #upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, tls: boolean): void {
    if (isBehindClosingResponse(socket, null)) {
      socket.end();
      return;
    }
    this.#tracker.onUpgrade(socket);
    this.#upgrades.handleUpgrade(req, socket, head, tls);
  }

  onSession(session: ServerHttp2Session): void {
    session.on('error', ignoreError);
    this.#tracker.onSession(session, this.#sessionIdleMs);
  }

  onSecureConnection(socket: TLSSocket): void {
    this.#tracker.onSecureConnection(socket);
  }

  onTlsClientError(error: Error): void {
    this.#log.debug({ error: error.message }, 'TLS handshake failed');
  }
}

/** CONNECT: HTTP/1 hands over the socket, HTTP/2 (compat API) a request and response. */
export function onConnect(
  req: IncomingMessage | Http2ServerRequest,
  socketOrResponse: Duplex | Http2ServerResponse,
): void {
  if (req.httpVersionMajor === 2) {
    answerRefused(req, socketOrResponse as Http2ServerResponse, 405);
    return;
  }
  const socket = socketOrResponse as Duplex;
  socket.on('error', ignoreError);
  answerSocket(socket, 405);
}

export function onClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
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

export function ignoreError(): void {
  // Peers vanish; the socket's own close handling cleans up.
}
