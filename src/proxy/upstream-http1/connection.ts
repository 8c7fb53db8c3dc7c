import { Socket } from 'node:net';
import { listenToSocket, onBodyTimeout, onHeadTimeout, onIdleTimeout } from './connection-events.ts';
import { extraBytesError, framingError, otherSideClosedError, upgradeError } from './errors.ts';
import type { ParseFailure, ResponseParser, ResponseParserFactory, ResponseParserOwner } from './llhttp-parser.ts';
import { PhaseTimer } from './phase-timer.ts';
import { sendRequest } from './request-body.ts';
import { RequestState } from './request-state.ts';
import type { UpstreamRequest } from './request.ts';

/** What a connection needs from its pool. */
export interface ConnectionHome {
  readonly address: string;
  readonly port: number;
  readonly parsers: ResponseParserFactory;
  readonly maxHeaderSize: number;
  readonly connectTimeout: number;
  readonly idleTimeout: number;
  readonly headersTimeout: number;
  readonly bodyTimeout: number;
  /** llhttp reads the socket itself (as node's HTTP server does) rather than through 'data' events. */
  readonly parserReadsSocket: boolean;
  /** Connected, or its response is done and it may be reused: give it the next request or keep it idle. */
  connectionFree(connection: Connection): void;
  /** Closed for good (called once, synchronously when it is destroyed). */
  connectionGone(connection: Connection): void;
}

/**
 * One keep-alive socket to an upstream, serving one request at a time. Its responses are framed by llhttp; any
 * doubt about the framing (a parse error, bytes after a complete response or with no request, an upgrade, an
 * early close, a timeout, an abort) destroys the socket and fails the current request, so nothing left on the
 * wire can reach another request. It is handed back to the pool only after a clean, keep-alive response to a
 * fully sent request.
 */
export class Connection implements ResponseParserOwner {
  readonly home: ConnectionHome;
  readonly socket: Socket;
  readonly parser: ResponseParser;
  /** The request being answered on this connection. */
  request: UpstreamRequest | null = null;
  /** The request this connection is being opened for (null once it is cancelled). */
  waiting: UpstreamRequest | null;
  connected = false;
  closed = false;
  idle = false;
  /** Parser state of the current exchange. */
  headPairs: string[] | null = null;
  informational = false;
  headReceived = false;
  keepAlive = false;
  complete = false;
  violation: Error | null = null;
  socketPaused = false;
  socketError: Error | null = null;
  readonly headTimer: PhaseTimer<Connection>;
  readonly bodyTimer: PhaseTimer<Connection>;
  readonly idleTimer: PhaseTimer<Connection>;

  constructor(home: ConnectionHome, request: UpstreamRequest) {
    this.home = home;
    this.waiting = request;
    request.connection = this;
    this.parser = home.parsers.create(this, home.maxHeaderSize);
    this.headTimer = new PhaseTimer<Connection>(this, onHeadTimeout);
    this.bodyTimer = new PhaseTimer<Connection>(this, onBodyTimeout);
    this.idleTimer = new PhaseTimer<Connection>(this, onIdleTimeout);
    const socket = new Socket();
    this.socket = socket;
    listenToSocket(socket, this);
    this.headTimer.arm(home.connectTimeout);
    socket.setNoDelay(true);
    socket.connect(home.port, home.address);
  }

  /**
   * Connected. The request starts after the reads of this event-loop turn (setImmediate): a client that left
   * meanwhile (an HTTP/2 stream reset arriving in the same turn) cancels it before anything is written.
   */
  connectedNow(): void {
    this.connected = true;
    this.headTimer.disarm();
    this.socket.setKeepAlive(true, 60_000);
    if (this.home.parserReadsSocket) this.parser.consume(this.socket);
    setImmediate(startWhenConnected, this);
  }

  startWaiting(): void {
    if (this.closed) return;
    const request = this.waiting;
    this.waiting = null;
    if (request !== null) this.start(request);
    else this.home.connectionFree(this);
  }

  /** Writes `request` (its head already built) and waits for its response. */
  start(request: UpstreamRequest): void {
    this.idle = false;
    this.idleTimer.disarm();
    this.request = request;
    request.state = RequestState.Active;
    request.connection = this;
    this.headPairs = null;
    this.informational = false;
    this.headReceived = false;
    this.keepAlive = false;
    this.complete = false;
    this.headTimer.arm(request.options.headersTimeout ?? this.home.headersTimeout);
    request.started();
    if (this.request === request) sendRequest(request);
  }

  /** Request body bytes went out: the upstream is not yet late with its head. */
  requestProgress(): void {
    if (!this.headReceived) this.headTimer.refresh();
  }

  abortRequest(request: UpstreamRequest, reason: Error): void {
    if (this.request !== request) return;
    if (request.headWritten || this.closed) {
      this.destroy(reason);
      return;
    }
    // Nothing of it was written: the connection is as clean as before, keep it.
    this.request = null;
    this.headTimer.disarm();
    request.fail(reason);
    if (!this.closed) this.home.connectionFree(this);
  }

  pauseResponse(): void {
    if (this.socketPaused) return;
    this.socketPaused = true;
    if (!this.parser.setReading(false)) this.socket.pause();
    this.bodyTimer.disarm();
  }

  resumeResponse(): void {
    if (!this.socketPaused) return;
    this.socketPaused = false;
    if (!this.parser.setReading(true)) this.socket.resume();
    if (this.headReceived && this.request !== null) this.bodyTimer.arm(this.bodyTimeoutMs(this.request));
  }

  becomeIdle(): void {
    this.idle = true;
    this.idleTimer.arm(this.home.idleTimeout);
  }

  // ---- socket events ----

  /** Bytes from a socket the parser does not consume itself. */
  received(chunk: Buffer): void {
    if (this.request === null) {
      this.destroy(extraBytesError());
      return;
    }
    this.onExecuted(this.parser.execute(chunk));
  }

  /** A read went through the parser (its callbacks below have run). */
  onExecuted(result: number | ParseFailure): void {
    if (this.closed) return;
    // A violation seen first (bytes after the response) explains a later parse error of those bytes.
    if (this.violation !== null) this.destroy(this.violation);
    else if (typeof result !== 'number') this.destroy(framingError(result.code, result.reason));
    else if (this.request === null) {
      if (result > 0) this.destroy(extraBytesError());
    } else if (this.complete) this.completeResponse();
  }

  /** The upstream closed its side: completes a close-delimited body, otherwise fails what is in flight. */
  ended(): void {
    if (this.closed) return;
    if (this.request !== null && this.headReceived && !this.complete) {
      const result = this.parser.finish();
      if (result === undefined && this.complete && this.violation === null) {
        this.keepAlive = false;
        this.completeResponse();
        return;
      }
    }
    this.destroy(otherSideClosedError());
  }

  /** Closes the socket for good and fails whatever request it carried with `error`. */
  destroy(error: Error | null): void {
    if (this.closed) return;
    this.closed = true;
    this.headTimer.stop();
    this.bodyTimer.stop();
    this.idleTimer.stop();
    this.socket.destroy();
    this.home.connectionGone(this);
    const request = this.request ?? this.waiting;
    this.request = null;
    this.waiting = null;
    if (request !== null) request.fail(error ?? otherSideClosedError());
  }

  completeResponse(): void {
    const request = this.request!;
    this.request = null;
    this.headTimer.disarm();
    this.bodyTimer.disarm();
    const reusable = this.keepAlive && request.bodySent && !request.closeAfter;
    if (!reusable) {
      this.destroy(null);
      request.finish();
      return;
    }
    // Back to the pool before the handler hears of the end, so a request it sends next can take this connection.
    this.resumeResponse();
    this.home.connectionFree(this);
    request.finish();
  }

  bodyTimeoutMs(request: UpstreamRequest): number {
    return request.options.bodyTimeout ?? this.home.bodyTimeout;
  }

  // ---- llhttp events (inside parser.execute) ----

  onMessageBegin(): void {
    if (this.request === null || this.complete) this.violation ??= extraBytesError();
  }

  onHeaderPairs(pairs: string[]): void {
    const request = this.request;
    if (this.violation !== null || request === null) return;
    if (!this.headReceived) this.headPairs = this.headPairs === null ? pairs : this.headPairs.concat(pairs);
    else request.rawTrailers = request.rawTrailers === null ? pairs : request.rawTrailers.concat(pairs);
  }

  onHead(
    statusCode: number,
    statusMessage: string,
    pairs: string[] | undefined,
    upgrade: boolean,
    keepAlive: boolean,
  ): boolean {
    const request = this.request;
    if (this.violation !== null || request === null) return true;
    const head = pairs ?? this.headPairs ?? [];
    this.headPairs = null;
    if (upgrade || statusCode === 101) {
      this.violation = upgradeError();
      return true;
    }
    if (statusCode < 200) {
      // 1xx (100 Continue, 103 Early Hints): informational, skipped; the final response follows.
      this.informational = true;
      this.headTimer.refresh();
      return true;
    }
    this.headReceived = true;
    this.keepAlive = keepAlive;
    this.headTimer.disarm();
    if (!this.socketPaused) this.bodyTimer.arm(this.bodyTimeoutMs(request));
    try {
      request.responseStarted(statusCode, head, statusMessage);
    } catch (error) {
      this.violation = error as Error;
      return true;
    }
    return this.request !== request || request.isHead;
  }

  onBodyChunk(chunk: Buffer): void {
    const request = this.request;
    if (this.violation !== null || request === null || !this.headReceived) return;
    this.bodyTimer.refresh();
    try {
      request.responseData(chunk);
    } catch (error) {
      this.violation = error as Error;
    }
  }

  onMessageComplete(): void {
    if (this.violation !== null || this.request === null) return;
    if (this.informational) {
      this.informational = false;
      return;
    }
    this.complete = true;
  }
}

function startWhenConnected(connection: Connection): void {
  connection.startWaiting();
}
