import type { Readable } from 'node:stream';
import type { BodyChunks } from './pipeline/body-chunks.ts';

/**
 * The seam between the upstream attempt (pipeline/upstream-attempt.ts) and an HTTP client: one pool per
 * upstream endpoint, created by an `UpstreamClient`. Two implementations: undici (upstream-client-undici.ts)
 * and the lean HTTP/1.1 client (upstream-http1/). The shape is undici's `Dispatcher.dispatch` with its
 * `DispatchHandler` (new-style controller API), so undici's Pool satisfies it as is.
 *
 * A pool must:
 * - call `handler.onRequestStart(controller, ctx)` once a connection carries the request (before any
 *   other callback of that attempt); while the request waits for a connection it may call
 *   `handler.onQueued(cancel)` so that a departed client can take it out of the queue;
 * - call `onBodySent(chunk)` per request body chunk written and `onRequestSent()` when the body is complete;
 * - call `onResponseStart(controller, statusCode, headers, statusMessage)` once per final response (1xx
 *   are not passed on), with `controller.rawHeaders` set to the flat raw [name, value, …] pairs (strings
 *   or Buffers) before the call; then `onResponseData(controller, chunk)` per body chunk (honouring
 *   `controller.pause()`/`resume()`), then `onResponseEnd(controller, trailers)`; or, at any point,
 *   `onResponseError(controller, error)` exactly once instead of the end;
 * - report errors with these codes so retries and passive health work: connect failures as `ECONNREFUSED`,
 *   `EHOSTUNREACH`, … or `UND_ERR_CONNECT_TIMEOUT`; a connection lost as `ECONNRESET`/`EPIPE`/`UND_ERR_SOCKET`;
 *   `UND_ERR_HEADERS_TIMEOUT` / `UND_ERR_BODY_TIMEOUT` for the two timeouts; the reason passed to
 *   `controller.abort(reason)` is handed back as is.
 */
export interface UpstreamController {
  readonly aborted: boolean;
  readonly paused: boolean;
  rawHeaders?: unknown;
  abort(reason: Error): void;
  pause(): void;
  resume(): void;
}

export interface UpstreamHandler {
  onRequestStart(controller: UpstreamController, context: unknown): void;
  onResponseStart(
    controller: UpstreamController,
    statusCode: number,
    headers: Record<string, string | string[] | undefined>,
    statusMessage?: string,
  ): void;
  onResponseData(controller: UpstreamController, chunk: Buffer): void;
  onResponseEnd(controller: UpstreamController, trailers: unknown): void;
  onResponseError(controller: UpstreamController | null, error: Error): void;
  onBodySent(chunk: Buffer): void;
  onRequestSent(): void;
  /** The request waits for a free connection; `cancel` takes it out (then onResponseError follows). */
  onQueued(cancel: (reason: Error) => void): void;
}

/** One attempt's request; the object is reused by the exchange's retries. */
export interface UpstreamDispatchOptions {
  method: string;
  /** Origin-form path and query. */
  path: string;
  /** Flat raw [name, value, …] pairs, already filtered (no hop-by-hop headers). */
  headers: string[] | null;
  /** The request stream, or the whole body read first (proxy-request-buffering). */
  body: Readable | Buffer | null;
  /** ms to wait for the response head. */
  headersTimeout: number;
  /** ms of silence allowed between response body chunks. */
  bodyTimeout: number;
  /** The request may be replayed on another connection (no body, idempotent method). */
  idempotent: boolean;
}

/** To a route's own transport (undici), an HTTP/2 request's body may also be the stream's chunks (body-chunks.ts). */
export interface TransportDispatchOptions extends Omit<UpstreamDispatchOptions, 'body'> {
  body: Readable | Buffer | BodyChunks | null;
}

export interface UpstreamPool<Options = UpstreamDispatchOptions> {
  /** Starts the request; the result (false = pool busy) is informational, the handler is always called. */
  dispatch(options: Options, handler: UpstreamHandler): boolean;
  /** Closes once in-flight requests are done. */
  close(): Promise<void>;
  /** Closes now, failing in-flight requests. */
  destroy(): Promise<void>;
}

export type TransportPool = UpstreamPool<TransportDispatchOptions>;

export interface UpstreamPoolOptions {
  readonly connectMs: number;
  /** Connection cap per endpoint. */
  readonly connections: number;
  readonly keepAliveMs: number;
  /** A pool unused this long is closed (its endpoint reopens one on the next request). */
  readonly idleCloseMs: number;
}

export interface UpstreamClient {
  readonly name: 'lean' | 'undici';
  /** A pool towards address:port (`origin` is `http://address:port`, IPv6 in brackets). */
  createPool(address: string, port: number, origin: string, options: UpstreamPoolOptions): UpstreamPool;
}
