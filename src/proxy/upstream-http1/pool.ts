import { Connection, type ConnectionHome } from './connection.ts';
import { poolClosedError } from './errors.ts';
import { responseParsers, type ResponseParserFactory } from './llhttp-parser.ts';
import { buildRequestHead } from './request-head.ts';
import { RequestState, UpstreamRequest, type UpstreamDispatchOptions, type UpstreamHandler } from './request.ts';

export interface LeanPoolOptions {
  /** Connections open at once to this endpoint; requests beyond wait in a queue. Default 256. */
  connections?: number;
  /** ms to open a connection. Default 10 000 (undici's). */
  connectTimeout?: number;
  /** ms an unused keep-alive connection stays open. Default 4 000 (undici's keepAliveTimeout). */
  keepAliveTimeout?: number;
  /** Defaults of the per-request timeouts, ms; 0 disables. Default 300 000 each (undici's). */
  headersTimeout?: number;
  bodyTimeout?: number;
  /** Largest response head in bytes; 0: node's --max-http-header-size (16 KiB). */
  maxHeaderSize?: number;
  /**
   * llhttp reads each socket itself, in C++, as node's HTTP server does (default; about a quarter less client CPU
   * per request than 'data' events). False: 'data' events feed the parser (also the path when a socket has no
   * native handle).
   */
  parserReadsSocket?: boolean;
}

export interface LeanPoolStats {
  /** Open connections (connecting, busy or idle). */
  connected: number;
  /** Idle keep-alive connections. */
  free: number;
  /** Requests waiting for a connection. */
  queued: number;
  /** Requests on a connection. */
  running: number;
}

/**
 * The keep-alive connections to one upstream address:port and the queue of requests waiting for one, with
 * undici's `dispatch(options, handler)` shape so the edge can use either client. Most recently used idle
 * connections are reused first (warm); the rest time out.
 */
export class LeanPool implements ConnectionHome {
  readonly address: string;
  readonly port: number;
  /** The Host header sent when the request carries none. */
  readonly hostHeader: string;
  readonly parsers: ResponseParserFactory;
  readonly maxConnections: number;
  readonly connectTimeout: number;
  readonly idleTimeout: number;
  readonly headersTimeout: number;
  readonly bodyTimeout: number;
  readonly maxHeaderSize: number;
  readonly parserReadsSocket: boolean;
  readonly #all = new Set<Connection>();
  readonly #idle: Connection[] = [];
  readonly #queue: UpstreamRequest[] = [];
  #closing = false;
  #whenEmpty: (() => void) | null = null;

  constructor(address: string, port: number, options: LeanPoolOptions = {}) {
    if (responseParsers === null) throw new Error('the lean upstream client needs node:_http_common (llhttp)');
    this.parsers = responseParsers;
    this.address = address;
    this.port = port;
    this.hostHeader = (address.includes(':') ? '[' + address + ']' : address) + ':' + port;
    this.maxConnections = options.connections ?? 256;
    this.connectTimeout = options.connectTimeout ?? 10_000;
    this.idleTimeout = options.keepAliveTimeout ?? 4_000;
    this.headersTimeout = options.headersTimeout ?? 300_000;
    this.bodyTimeout = options.bodyTimeout ?? 300_000;
    this.maxHeaderSize = options.maxHeaderSize ?? 0;
    this.parserReadsSocket = options.parserReadsSocket ?? true;
  }

  /**
   * Sends a request: on an idle connection, a new one (under the cap), or after the queue. Errors, an invalid
   * request included, reach the handler's onResponseError (on the next tick when found here). False once closed.
   */
  dispatch(options: UpstreamDispatchOptions, handler: UpstreamHandler): boolean {
    const request = new UpstreamRequest(this, options, handler);
    if (this.#closing) {
      process.nextTick(failRequest, request, poolClosedError());
      return false;
    }
    const head = buildRequestHead(
      options.method,
      options.path,
      options.headers,
      request.knownBodyLength(),
      this.hostHeader,
      request,
    );
    if (typeof head !== 'string') {
      process.nextTick(failRequest, request, head);
      return true;
    }
    request.head = head;
    const connection = this.#idle.pop();
    if (connection !== undefined) {
      connection.start(request);
    } else if (this.#all.size < this.maxConnections) {
      this.#all.add(new Connection(this, request));
      request.queued();
    } else {
      this.#queue.push(request);
      request.queued();
    }
    return true;
  }

  get stats(): LeanPoolStats {
    let running = 0;
    for (const connection of this.#all) if (connection.request !== null) running++;
    return { connected: this.#all.size, free: this.#idle.length, queued: this.#queue.length, running };
  }

  get closed(): boolean {
    return this.#closing;
  }

  /** Stops taking requests, fails the queued ones, closes idle connections; resolves once busy ones finished. */
  close(): Promise<void> {
    this.#closing = true;
    this.#failQueue();
    for (const connection of this.#idle.splice(0)) connection.destroy(null);
    return this.#empty();
  }

  /** Closes every connection now, failing queued and running requests. */
  destroy(): Promise<void> {
    this.#closing = true;
    this.#failQueue();
    for (const connection of this.#all) connection.destroy(poolClosedError());
    return this.#empty();
  }

  // ---- RequestWaitRoom ----

  cancelWaiting(request: UpstreamRequest): void {
    const connection = request.connection;
    if (connection !== null) {
      if (connection.waiting === request) connection.waiting = null;
      request.connection = null;
      return;
    }
    const index = this.#queue.indexOf(request);
    if (index !== -1) this.#queue.splice(index, 1);
  }

  // ---- ConnectionHome ----

  connectionFree(connection: Connection): void {
    if (this.#closing) {
      connection.destroy(null);
      return;
    }
    const next = this.#nextWaiting();
    if (next !== null) connection.start(next);
    else {
      this.#idle.push(connection);
      connection.becomeIdle();
    }
  }

  connectionGone(connection: Connection): void {
    this.#all.delete(connection);
    if (connection.idle) {
      const index = this.#idle.lastIndexOf(connection);
      if (index !== -1) this.#idle.splice(index, 1);
    }
    if (this.#closing) {
      if (this.#all.size === 0 && this.#whenEmpty !== null) this.#whenEmpty();
      return;
    }
    // A waiting request takes the freed slot (never the connection that failed: a new one).
    if (this.#all.size < this.maxConnections) {
      const next = this.#nextWaiting();
      if (next !== null) this.#all.add(new Connection(this, next));
    }
  }

  #nextWaiting(): UpstreamRequest | null {
    const queue = this.#queue;
    while (queue.length > 0) {
      const request = queue.shift()!;
      if (request.state === RequestState.Waiting) return request;
    }
    return null;
  }

  #failQueue(): void {
    for (const request of this.#queue.splice(0)) request.fail(poolClosedError());
  }

  #empty(): Promise<void> {
    if (this.#all.size === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const previous = this.#whenEmpty;
      this.#whenEmpty = () => {
        this.#whenEmpty = null;
        previous?.();
        resolve();
      };
    });
  }
}

function failRequest(request: UpstreamRequest, error: Error): void {
  request.fail(error);
}
