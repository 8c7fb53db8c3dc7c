import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import type { BackendBalance } from './balancer.ts';
import type { EdgeContext } from './edge-context.ts';
import { proxyErrors, writeProxyError, type ProxyError } from './errors.ts';
import { filterResponseHeaders, ResponseHeadScan } from './headers.ts';
import { recordConnectFailure, recordReachable } from './passive-health.ts';
import type { TraceSpan } from '../telemetry/tracing-hooks.ts';
import type { RequestRecord } from './request-record.ts';
import { queuedAbortKey } from './undici-queued-abort.ts';
import type { UpstreamEndpoint } from './upstream-endpoint.ts';

export type EdgeRequest = IncomingMessage | Http2ServerRequest;
export type EdgeResponse = ServerResponse | Http2ServerResponse;

/** The status recorded for a client that went away before the response head (nginx's 499). */
export const CLIENT_CLOSED_STATUS = 499;

const kExchange = Symbol('sluice.exchange');
interface CarriesExchange {
  [kExchange]?: Exchange;
}

class BodyTooLargeError extends Error {
  readonly code = 'SLUICE_BODY_TOO_LARGE';
}

class ClientGoneError extends Error {
  readonly code = 'SLUICE_CLIENT_GONE';
}

class ClientBodyTimeoutError extends Error {
  readonly code = 'SLUICE_CLIENT_BODY_TIMEOUT';
}

/** Takes a request waiting for an upstream connection out of undici's queue (see undici-queued-abort.ts). */
type QueuedCancel = (reason: Error) => void;

/**
 * undici's dispatch options of one exchange (reused by its retries). The queued-abort hook is a getter, so
 * its closure is made only when undici asks for it: when the request has to wait for a connection.
 */
class ExchangeDispatchOptions implements Dispatcher.DispatchOptions {
  readonly exchange: Exchange;
  path = '/';
  method: Dispatcher.HttpMethod = 'GET';
  headers: string[] | null = null;
  body: Readable | null = null;
  headersTimeout: number;
  bodyTimeout: number;
  idempotent = false;
  blocking = false;

  constructor(exchange: Exchange, headersTimeout: number, bodyTimeout: number) {
    this.exchange = exchange;
    this.headersTimeout = headersTimeout;
    this.bodyTimeout = bodyTimeout;
  }
}

if (queuedAbortKey !== null) {
  Object.defineProperty(ExchangeDispatchOptions.prototype, queuedAbortKey, {
    get(this: ExchangeDispatchOptions) {
      const exchange = this.exchange;
      return (cancel: QueuedCancel) => exchange.onQueued(cancel);
    },
  });
}

/** Errors raised before a connection to the upstream existed: the request never reached it. */
const connectErrorCodes = new Set([
  'ECONNREFUSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EADDRNOTAVAIL',
]);

const resetErrorCodes = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'ECONNABORTED']);

const idempotentMethods = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE']);

function emptyRecord(): RequestRecord {
  return {
    startTime: 0,
    durationMs: 0,
    clientAddress: '',
    method: '',
    host: '',
    path: '',
    protocol: 'http/1.1',
    tls: false,
    status: 0,
    bytesIn: 0,
    bytesOut: 0,
    requestId: '',
    namespace: '',
    ingress: '',
    service: '',
    ruleHost: '',
    rulePath: '',
    backend: '',
    upstreamAddress: '',
    upstreamStatus: 0,
    upstreamConnectMs: 0,
    upstreamHeaderMs: 0,
    upstreamResponseMs: 0,
    retries: 0,
    error: '',
  };
}

/**
 * One client request from arrival to its record: the edge's answer or the forwarding to an
 * upstream (with retries), as the undici dispatch handler. One object per request, no closures:
 * the request/response listeners are shared functions that find it on the response.
 */
export class Exchange implements Dispatcher.DispatchHandler {
  readonly context: EdgeContext;
  readonly req: EdgeRequest;
  readonly res: EdgeResponse;
  readonly record: RequestRecord;
  readonly startedAt: number;
  readonly isHead: boolean;
  requestId = '';
  /** This request's span when tracing is on (context.tracer), else null. */
  trace: TraceSpan | null = null;

  balance: BackendBalance | null = null;
  endpoint: UpstreamEndpoint | null = null;
  readonly dispatchOptions: ExchangeDispatchOptions;
  /** Infinity when unlimited. */
  bodyLimit = Infinity;
  tries = 0;

  controller: Dispatcher.DispatchController | null = null;
  /** While the current attempt waits in undici's queue for a connection: how to take it out. */
  queuedCancel: QueuedCancel | null = null;
  attemptOpen = false;
  attemptStartedAt = 0;
  /** The current attempt's request began to be written to a connection. */
  requestStarted = false;
  responseStarted = false;
  bodyTooLarge = false;
  /** Runs while the request body is being forwarded; refreshed by each chunk (--client-body-timeout). */
  bodyTimer: NodeJS.Timeout | null = null;
  bodyTimedOut = false;
  clientGone = false;
  recorded = false;
  /** The upstream response's Content-Length (-1 when none, or when no body follows). */
  responseLength = -1;
  /** The client response was ended with the chunk that completed responseLength. */
  responseEnded = false;
  listensForDrain = false;

  constructor(context: EdgeContext, req: EdgeRequest, res: EdgeResponse) {
    this.context = context;
    this.req = req;
    this.res = res;
    this.startedAt = performance.now();
    this.isHead = req.method === 'HEAD';
    this.record = emptyRecord();
    this.dispatchOptions = new ExchangeDispatchOptions(this, context.responseHeadersMs, context.bodyIdleMs);
    (res as unknown as CarriesExchange)[kExchange] = this;
    res.on('close', onResponseClose);
  }

  /** Sends the request upstream: `balance` chosen, headers filtered, path normalised. */
  forward(
    balance: BackendBalance,
    method: string,
    path: string,
    headers: string[],
    body: Readable | null,
    headersTimeoutMs: number,
  ): void {
    this.balance = balance;
    const options = this.dispatchOptions;
    options.method = method as Dispatcher.HttpMethod;
    options.path = path;
    options.headers = headers;
    options.body = body;
    options.headersTimeout = headersTimeoutMs;
    options.idempotent = body === null && idempotentMethods.has(method);
    if (this.req.httpVersionMajor === 2) {
      // nghttp2 hands over a stream's HEADERS before it reads the RST_STREAM that may follow in the same
      // packet (HTTP/2 rapid reset): start once the packet is read, so a cancelled stream is never sent.
      setImmediate(attemptUnlessGone, this);
      return;
    }
    this.attempt();
  }

  attempt(): void {
    const now = Date.now();
    const endpoint = this.context.balancer.pick(this.balance!, now, this.endpoint);
    if (endpoint === null) {
      this.answerError(proxyErrors.noEndpoint, 'no endpoints for ' + this.balance!.key);
      return;
    }
    this.endpoint = endpoint;
    endpoint.inFlight++;
    endpoint.requests++;
    endpoint.lastUsed = now;
    this.attemptOpen = true;
    this.tries++;
    this.controller = null;
    this.queuedCancel = null;
    this.requestStarted = false;
    this.responseStarted = false;
    this.attemptStartedAt = performance.now();
    this.record.upstreamAddress = endpoint.id;
    this.record.retries = this.tries - 1;
    this.context.pools.poolOf(endpoint).dispatch(this.dispatchOptions, this);
  }

  // ---- undici dispatch handler ----

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    this.queuedCancel = null;
    this.requestStarted = true;
    this.record.upstreamConnectMs = performance.now() - this.attemptStartedAt;
    if (this.clientGone) {
      controller.abort(new ClientGoneError('client went away'));
      return;
    }
    if (this.dispatchOptions.body !== null && this.context.clientBodyMs > 0) this.startBodyTimer();
  }

  /** undici queued the attempt (no free connection yet); called again when it moves from pool to client. */
  onQueued(cancel: QueuedCancel): void {
    if (this.clientGone) {
      cancel(new ClientGoneError('client went away'));
      return;
    }
    this.queuedCancel = cancel;
  }

  onBodySent(chunk: Buffer): void {
    if (this.bodyTimer !== null) this.bodyTimer.refresh();
    const total = this.record.bytesIn + chunk.length;
    this.record.bytesIn = total;
    if (total > this.bodyLimit && !this.bodyTooLarge) {
      this.bodyTooLarge = true;
      this.controller?.abort(new BodyTooLargeError('request body over the limit'));
    }
  }

  onRequestSent(): void {
    this.stopBodyTimer();
  }

  onResponseStart(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Record<string, string | string[] | undefined>,
  ): void {
    this.responseStarted = true;
    recordReachable(this.endpoint!);
    this.record.upstreamStatus = statusCode;
    this.record.upstreamHeaderMs = performance.now() - this.attemptStartedAt;
    if (this.clientGone) {
      controller.abort(new ClientGoneError('client went away'));
      return;
    }
    const raw = controller.rawHeaders;
    const scan = new ResponseHeadScan();
    const list = filterResponseHeaders(Array.isArray(raw) ? raw : flattenHeaders(headers), this.requestId, scan);
    this.responseLength = this.isHead ? -1 : scan.contentLength;
    (this.res as ServerResponse).writeHead(statusCode, list);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    const sent = this.record.bytesOut + chunk.length;
    this.record.bytesOut = sent;
    if (sent === this.responseLength) {
      // The chunk completes the declared body (undici's parser never delivers more), so end with it: head,
      // body and end leave in one write without node's cork-until-next-tick. Nothing is held back.
      this.responseEnded = true;
      this.res.end(chunk);
      return;
    }
    if (!(this.res as ServerResponse).write(chunk)) {
      if (!this.listensForDrain) {
        this.listensForDrain = true;
        this.res.on('drain', onResponseDrain);
      }
      controller.pause();
    }
  }

  onResponseEnd(): void {
    this.record.upstreamResponseMs = performance.now() - this.attemptStartedAt;
    this.closeAttempt();
    if (!this.responseEnded) this.res.end();
  }

  onResponseError(_controller: Dispatcher.DispatchController | null, error: Error): void {
    this.closeAttempt();
    const code = (error as { code?: string }).code ?? '';
    if (this.clientGone || code === 'SLUICE_CLIENT_GONE' || this.req.readableAborted) {
      this.record.error = 'client-abort';
      return;
    }
    if (this.bodyTimedOut) {
      this.failResponse(
        proxyErrors.clientBodyTimeout,
        'no request body for ' + this.context.clientBodyMs + ' ms',
        true,
      );
      return;
    }
    if (this.bodyTooLarge) {
      this.failResponse(proxyErrors.bodyTooLarge, 'request body over ' + this.bodyLimit + ' bytes', true);
      return;
    }
    const isConnectFailure = connectErrorCodes.has(code);
    const isReset = resetErrorCodes.has(code);
    const neverReached = !this.requestStarted && (isConnectFailure || isReset);
    if (neverReached) recordConnectFailure(this.endpoint!, Date.now(), this.context.health);
    if (!this.responseStarted && (neverReached || (isReset && this.dispatchOptions.idempotent)) && this.mayRetry()) {
      this.attempt();
      return;
    }
    this.failResponse(errorFor(code, isConnectFailure, isReset, this.requestStarted), null, false);
  }

  // ---- client side ----

  /**
   * The response closed: finished, or the client left first. HTTP/1 and HTTP/2 alike: an HTTP/2 stream the
   * client resets also reads as finished (node's compat response emits 'finish' before 'close'), so "ended
   * by us" (writableEnded) tells the two apart. A forward still running is taken out of undici's queue, or
   * aborted, which frees its upstream connection.
   */
  onClientClose(): void {
    const res = this.res;
    if (!this.clientGone && !(res.writableEnded && res.writableFinished)) {
      this.clientGone = true;
      this.stopBodyTimer();
      if (this.record.error === '') this.record.error = 'client-abort';
      if (this.attemptOpen) {
        const error = new ClientGoneError('client went away');
        if (this.controller !== null) this.controller.abort(error);
        else if (this.queuedCancel !== null) this.queuedCancel(error);
      }
    }
    this.emitRecord();
  }

  onClientDrain(): void {
    if (this.controller !== null && this.attemptOpen) this.controller.resume();
  }

  /** Answers with one of the edge's own errors (before any response head was sent). */
  answerError(error: ProxyError, reason: string | null, closeConnection = false): void {
    this.record.error = error.record;
    if (this.clientGone || this.res.headersSent) {
      this.res.destroy();
      return;
    }
    this.record.bytesOut += writeProxyError(this.res, error, this.requestId, reason, this.isHead, closeConnection);
  }

  /** After headers were sent an upstream failure can only cut the response short. */
  failResponse(error: ProxyError, reason: string | null, closeConnection: boolean): void {
    if (this.res.headersSent) {
      this.record.error = error.record === 'timeout' || error.record === 'connect-timeout' ? 'timeout' : 'reset';
      this.res.destroy();
      return;
    }
    this.answerError(error, reason, closeConnection);
  }

  mayRetry(): boolean {
    return (
      this.tries < this.context.maxTries &&
      performance.now() - this.startedAt < this.context.retryBudgetMs &&
      !this.clientGone &&
      !this.res.headersSent
    );
  }

  startBodyTimer(): void {
    if (this.bodyTimer === null) {
      this.bodyTimer = setTimeout(onClientBodyTimeout, this.context.clientBodyMs, this);
      this.bodyTimer.unref();
    } else {
      this.bodyTimer.refresh();
    }
  }

  stopBodyTimer(): void {
    if (this.bodyTimer !== null) {
      clearTimeout(this.bodyTimer);
      this.bodyTimer = null;
    }
  }

  closeAttempt(): void {
    this.stopBodyTimer();
    this.queuedCancel = null;
    if (this.attemptOpen) {
      this.attemptOpen = false;
      this.endpoint!.inFlight--;
    }
  }

  emitRecord(): void {
    if (this.recorded) return;
    this.recorded = true;
    const record = this.record;
    record.durationMs = performance.now() - this.startedAt;
    record.status = this.clientGone && !this.res.headersSent ? CLIENT_CLOSED_STATUS : this.res.statusCode;
    record.requestId = this.requestId;
    (this.res as unknown as CarriesExchange)[kExchange] = undefined;
    if (this.trace !== null) this.context.tracer!.onRequestEnd(this.trace, record);
    const listener = this.context.onRequestDone;
    if (listener === null) return;
    try {
      listener(record);
    } catch (error) {
      this.context.log.error({ err: error }, 'request record listener failed');
    }
  }
}

function errorFor(code: string, isConnectFailure: boolean, isReset: boolean, requestStarted: boolean): ProxyError {
  if (code === 'UND_ERR_CONNECT_TIMEOUT') return proxyErrors.connectTimeout;
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') return proxyErrors.upstreamTimeout;
  if (code === 'ECONNREFUSED') return proxyErrors.upstreamRefused;
  if (isConnectFailure) return proxyErrors.upstreamFailed;
  if (isReset) return requestStarted ? proxyErrors.upstreamReset : proxyErrors.upstreamFailed;
  if (code === 'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH' || code === 'UND_ERR_INVALID_ARG') return proxyErrors.badRequest;
  return proxyErrors.upstreamFailed;
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): string[] {
  const out: string[] = [];
  for (const name of Object.keys(headers)) {
    const value = headers[name];
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value) out.push(name, item);
    else out.push(name, value);
  }
  return out;
}

function attemptUnlessGone(exchange: Exchange): void {
  if (exchange.clientGone) return;
  try {
    exchange.attempt();
  } catch (error) {
    exchange.context.log.error({ err: error }, 'edge request failed');
    exchange.answerError(proxyErrors.upstreamFailed, null);
  }
}

/** The client sent no request body data for --client-body-timeout: 408 (or a cut response), upstream aborted. */
function onClientBodyTimeout(exchange: Exchange): void {
  exchange.bodyTimer = null;
  if (exchange.clientGone || !exchange.attemptOpen) return;
  exchange.bodyTimedOut = true;
  exchange.controller?.abort(new ClientBodyTimeoutError('request body stalled'));
}

function onResponseClose(this: EdgeResponse): void {
  (this as unknown as CarriesExchange)[kExchange]?.onClientClose();
}

function onResponseDrain(this: EdgeResponse): void {
  (this as unknown as CarriesExchange)[kExchange]?.onClientDrain();
}
