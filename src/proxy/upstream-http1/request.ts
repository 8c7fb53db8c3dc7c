import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import type { Connection } from './connection.ts';
import { detachBody } from './request-body.ts';
import { BodyFraming, type RequestHeadResult } from './request-head.ts';
import { RequestState } from './request-state.ts';

/** undici's dispatch options, the subset the edge uses (headers as flat raw pairs, already filtered). */
export interface UpstreamDispatchOptions {
  method: string;
  path: string;
  headers: string[] | null;
  /** A stream (sent chunked unless the headers carry Content-Length), bytes, or null. */
  body: Readable | Buffer | string | null;
  /** ms without the response head (refreshed while the request body moves); 0: none. Default: the pool's. */
  headersTimeout?: number;
  /** ms between response body chunks (not counted while paused); 0: none. Default: the pool's. */
  bodyTimeout?: number;
  idempotent?: boolean;
}

/**
 * undici's new-style dispatch handler, plus `onRequestQueued`: called with the controller when the request has to
 * wait for a connection (cap reached, or one being opened), so it can be cancelled with `controller.abort(reason)`
 * before it is written (then onResponseError(controller, reason) follows, and onRequestStart never comes).
 */
export interface UpstreamHandler extends Dispatcher.DispatchHandler {
  onRequestQueued?(controller: UpstreamRequest): void;
  /** The same moment in the edge's seam shape (src/proxy/upstream-client.ts): `cancel` is controller.abort. */
  onQueued?(cancel: (reason: Error) => void): void;
}

const noContext = Object.freeze({});
const noTrailers: IncomingHttpHeaders = Object.freeze({}) as IncomingHttpHeaders;

/** Where a waiting request is kept: the pool (its queue, or a connection being opened for it). */
export interface RequestWaitRoom {
  cancelWaiting(request: UpstreamRequest): void;
}

/**
 * One request to the upstream and its undici-style controller: queued, then written on a connection (head and
 * body, with backpressure), then answered. The response side lives in Connection; this object carries the
 * request's state and passes events to the handler.
 */
export { RequestState };

export class UpstreamRequest implements Dispatcher.DispatchController, RequestHeadResult {
  readonly room: RequestWaitRoom;
  readonly options: UpstreamDispatchOptions;
  readonly handler: UpstreamHandler;
  readonly isHead: boolean;
  state: RequestState = RequestState.Waiting;
  /** The connection answering it, or the one being opened for it while waiting. */
  connection: Connection | null = null;
  /** The request head as latin1 text (built and checked at dispatch). */
  head = '';
  framing: BodyFraming = BodyFraming.None;
  contentLength = -1;
  closeAfter = false;
  bodyBytes = 0;
  /** The head is on the socket (a stream body's head waits for its first chunk). */
  headWritten = false;
  /** Every request byte is on the socket (head, body, final chunk). */
  bodySent = false;
  rawHeaders: string[] | null = null;
  rawTrailers: string[] | null = null;
  #paused = false;
  #reason: Error | null = null;

  constructor(room: RequestWaitRoom, options: UpstreamDispatchOptions, handler: UpstreamHandler) {
    this.room = room;
    this.options = options;
    this.handler = handler;
    this.isHead = options.method === 'HEAD';
  }

  get aborted(): boolean {
    return this.#reason !== null;
  }

  get paused(): boolean {
    return this.#paused;
  }

  get reason(): Error | null {
    return this.#reason;
  }

  /** Ends the request with `reason`: out of the queue if waiting, else its connection is closed (never reused). */
  abort(reason: Error): void {
    if (this.state === RequestState.Done) return;
    this.#reason = reason;
    if (this.state === RequestState.Waiting) {
      this.room.cancelWaiting(this);
      this.fail(reason);
      return;
    }
    this.connection!.abortRequest(this, reason);
  }

  pause(): void {
    if (this.#paused || this.state !== RequestState.Active) return;
    this.#paused = true;
    this.connection!.pauseResponse();
  }

  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    if (this.state === RequestState.Active) this.connection!.resumeResponse();
  }

  /** Byte length of a body given as bytes, 0 for none, -1 for a stream. */
  knownBodyLength(): number {
    const body = this.options.body;
    if (body === null || body === undefined) return 0;
    if (typeof body === 'string') return Buffer.byteLength(body);
    if (body instanceof Uint8Array) return body.byteLength;
    return -1;
  }

  // ---- events to the handler ----

  /** Tells the handler the request waits (for the cap, or for its connection to open) and how to cancel it. */
  queued(): void {
    const handler = this.handler;
    if (handler.onRequestQueued !== undefined) handler.onRequestQueued(this);
    else if (handler.onQueued !== undefined) handler.onQueued(this.abort.bind(this));
  }

  started(): void {
    this.handler.onRequestStart?.(this, noContext);
  }

  responseStarted(statusCode: number, pairs: string[], statusMessage: string): void {
    this.rawHeaders = pairs;
    this.handler.onResponseStart?.(this, statusCode, headersObject(pairs), statusMessage);
  }

  responseData(chunk: Buffer): void {
    this.handler.onResponseData?.(this, chunk);
  }

  /** The response is complete; the connection is already released or closed. */
  finish(): void {
    if (this.state === RequestState.Done) return;
    this.state = RequestState.Done;
    this.connection = null;
    detachBody(this);
    const trailers = this.rawTrailers;
    this.handler.onResponseEnd?.(this, trailers === null ? noTrailers : headersObject(trailers));
  }

  fail(error: Error): void {
    if (this.state === RequestState.Done) return;
    this.state = RequestState.Done;
    this.connection = null;
    detachBody(this);
    this.handler.onResponseError?.(this, error);
  }
}

/** The lowercase header object of undici's onResponseStart, from llhttp's raw pairs. */
function headersObject(pairs: string[]): IncomingHttpHeaders {
  const headers: Record<string, string | string[]> = {};
  for (let i = 0; i < pairs.length; i += 2) {
    const name = pairs[i].toLowerCase();
    const value = pairs[i + 1];
    const previous = headers[name];
    if (previous === undefined) headers[name] = value;
    else if (typeof previous === 'string') headers[name] = [previous, value];
    else previous.push(value);
  }
  return headers;
}
