import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import type { PassThrough } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import type { BackendEndpoints } from '../../routing/types.ts';
import type { BackendBalance } from '../balancer.ts';
import type { TraceSpan } from '../../telemetry/tracing-hooks.ts';
import type { EdgeContext } from '../edge-context.ts';
import type { RequestRecord } from '../request-record.ts';
import type { UpstreamController, UpstreamHandler } from '../upstream-client.ts';
import type { UpstreamEndpoint } from '../upstream-endpoint.ts';
import type { UpstreamTransport } from '../upstream-transport.ts';
import { AttemptOptions } from './attempt-options.ts';
import { answerError, answerFromStep, answerErrorStatus } from './edge-answers.ts';
import { emptyRecord } from './record.ts';
import { endResponse, relayResponseData, startResponse } from './response-relay.ts';
import type { ForwardDecision, RouteRequest } from './route-decision.ts';
import type { RequestDoneListener, StepExchange } from './steps.ts';
import { proxyErrors } from '../errors.ts';
import { sendMirror } from './mirror.ts';
import { resumeSteps } from './prepare.ts';
import { attemptFailed, bodySent, queued, requestSent, requestStarted, startForward } from './upstream-attempt.ts';
import { ExchangeFacts } from './request-facts.ts';

export type EdgeRequest = IncomingMessage | Http2ServerRequest;
export type EdgeResponse = ServerResponse | Http2ServerResponse;

/** An Upgrade refused by a request step: what the client gets instead. */
export interface UpgradeRefusal {
  status: number;
  headers: readonly string[] | null;
  body: string;
}

/**
 * One client request from arrival to its record. It holds the request's state for every stage (each stage
 * is a module of functions over it: prepare.ts, upstream-attempt.ts, response-relay.ts, client-side.ts,
 * record.ts), is what request steps see (StepExchange), and is the upstream client's handler for its
 * attempts; the handler methods only hand over to the stage that owns them. One object per request, no
 * closures. `res` is null for an Upgrade, which only goes through the preparation.
 */
export class Exchange implements StepExchange, UpstreamHandler, RouteRequest {
  readonly context: EdgeContext;
  readonly req: EdgeRequest;
  readonly res: EdgeResponse | null;
  readonly record: RequestRecord;
  readonly startedAt: number;
  readonly isHead: boolean;
  readonly tls: boolean;
  readonly upgrade: boolean;

  /** Method, headers and query for Gateway API matches (route-decision.ts). */
  readonly facts: ExchangeFacts;

  get listenerPort(): number {
    return this.req.socket?.localPort ?? 0;
  }

  get serverName(): string | null {
    const name = (this.req.socket as TLSSocket | undefined)?.servername;
    return typeof name === 'string' ? name : null;
  }

  // ---- the request as steps see it (prepare.ts) ----
  method = 'GET';
  host = '';
  path = '';
  query = '';
  headers: string[] = [];
  clientAddress = '';
  contentLength = -1;
  requestId = '';
  /** This request's span when tracing is on (context.tracer), else null. */
  trace: TraceSpan | null = null;
  /** A request body follows the head (unread until forwarded). */
  hasBody = false;
  route: ForwardDecision = null as unknown as ForwardDecision;
  /** Set by a step: path and query sent upstream instead of path + query. */
  upstreamPath: string | null = null;
  backend: BackendEndpoints | null = null;
  /** Set by a step: the endpoint id ("address:port") the first attempt prefers. */
  pinnedEndpoint: string | null = null;
  /** Set by a step: told when the response has closed (record stage). */
  doneListener: RequestDoneListener | null = null;
  /** Headers steps add to the client's response; null when none. */
  responseHeaders: string[] | null = null;
  /** Set when a step refused an Upgrade. */
  upgradeRefusal: UpgradeRefusal | null = null;
  /** An Upgrade whose steps suspended (external auth): told once they are done, refused or passed. */
  upgradeWaiter: ((exchange: Exchange) => void) | null = null;
  /** Request bodies of mirrored copies, fed as the main attempt sends the body (mirror.ts); null when none. */
  mirrorBodies: PassThrough[] | null = null;
  /** Index of the request step that suspended the chain; -1 when none. */
  suspendedAt = -1;

  // ---- the upstream attempt (upstream-attempt.ts) ----
  balance: BackendBalance | null = null;
  endpoint: UpstreamEndpoint | null = null;
  readonly options: AttemptOptions;
  /** Infinity when unlimited. */
  bodyLimit = Infinity;
  tries = 0;
  controller: UpstreamController | null = null;
  /** While the current attempt waits in the client's queue for a connection: how to take it out. */
  queuedCancel: ((reason: Error) => void) | null = null;
  attemptOpen = false;
  attemptStartedAt = 0;
  /** The current attempt's request began to be written to a connection. */
  requestStarted = false;
  responseStarted = false;
  bodyTooLarge = false;

  // ---- exchange rules (exchange-rules.ts): attempt-timers.ts, body-buffer.ts, error-pages.ts ----
  /** proxy-connect-timeout: runs until a connection carries the attempt. */
  connectTimer: NodeJS.Timeout | null = null;
  /** proxy-send-timeout: runs while the request body is being sent, refreshed by each chunk sent. */
  sendTimer: NodeJS.Timeout | null = null;
  /** proxy-request-buffering: the body as read so far, then whole (sent instead of the request stream). */
  bodyChunks: Buffer[] | null = null;
  bufferedBody: Buffer | null = null;
  /** custom-http-errors: the upstream status the error backend is asked about (X-Code); 0 when none. */
  errorCode = 0;

  // ---- the client side (client-side.ts) and the response (response-relay.ts) ----
  /** Runs while the request body is being forwarded; refreshed by each chunk (--client-body-timeout). */
  bodyTimer: NodeJS.Timeout | null = null;
  bodyTimedOut = false;
  /** Runs while a route's whole-request deadline (timeouts.request) is pending (request-deadline.ts). */
  deadlineTimer: NodeJS.Timeout | null = null;
  clientGone = false;
  recorded = false;
  /** The upstream response's Content-Length (-1 when none, or when no body follows). */
  responseLength = -1;
  /** The client response was ended with the chunk that completed responseLength. */
  responseEnded = false;
  listensForDrain = false;

  constructor(context: EdgeContext, req: EdgeRequest, res: EdgeResponse | null, tls: boolean) {
    this.context = context;
    this.req = req;
    this.res = res;
    this.tls = tls;
    this.upgrade = res === null;
    this.startedAt = performance.now();
    this.isHead = req.method === 'HEAD';
    this.record = emptyRecord();
    this.options = new AttemptOptions(this, context.responseHeadersMs, context.bodyIdleMs);
    this.facts = new ExchangeFacts(this);
  }

  // ---- StepExchange ----

  header(lowerName: string): string | null {
    const headers = this.headers;
    for (let i = 0; i < headers.length; i += 2) {
      const name = headers[i];
      if (name.length === lowerName.length && name.toLowerCase() === lowerName) return headers[i + 1];
    }
    return null;
  }

  answer(status: number, headers: readonly string[] | null, body: string | null): void {
    answerFromStep(this, status, headers, body);
  }

  answerError(status: number, reason: string | null): void {
    answerErrorStatus(this, status, reason);
  }

  setUpstreamPath(pathAndQuery: string): void {
    this.upstreamPath = pathAndQuery;
  }

  setUpstreamHost(host: string): void {
    const headers = this.headers;
    for (let i = 0; i < headers.length; i += 2) {
      if (headers[i].length === 4 && headers[i].toLowerCase() === 'host') {
        headers[i + 1] = host;
        return;
      }
    }
    headers.push('host', host);
  }

  useBackend(backend: BackendEndpoints): void {
    this.backend = backend;
  }

  pinEndpoint(id: string): void {
    this.pinnedEndpoint = id;
  }

  mirror(backend: BackendEndpoints, transport: UpstreamTransport | null): void {
    sendMirror(this, backend, transport);
  }

  /** A suspended Upgrade is decided (refused, or its steps all passed): its waiter goes on. */
  settleUpgrade(): void {
    const waiter = this.upgradeWaiter;
    if (waiter === null) return;
    this.upgradeWaiter = null;
    waiter(this);
  }

  notifyWhenDone(listener: RequestDoneListener): void {
    this.doneListener = listener;
  }

  proceed(): void {
    try {
      if (!resumeSteps(this)) return;
      if (this.upgrade) this.settleUpgrade();
      else startForward(this);
    } catch (error) {
      this.context.log.error({ err: error }, 'edge request failed');
      answerError(this, proxyErrors.upstreamFailed, null, false);
    }
  }

  addResponseHeader(name: string, value: string): void {
    if (this.responseHeaders === null) this.responseHeaders = [name, value];
    else this.responseHeaders.push(name, value);
  }

  // ---- UpstreamHandler: each hands over to its stage ----

  onRequestStart(controller: UpstreamController): void {
    requestStarted(this, controller);
  }

  onQueued(cancel: (reason: Error) => void): void {
    queued(this, cancel);
  }

  onBodySent(chunk: Buffer): void {
    bodySent(this, chunk);
  }

  onRequestSent(): void {
    requestSent(this);
  }

  onResponseStart(
    controller: UpstreamController,
    statusCode: number,
    headers: Record<string, string | string[] | undefined>,
  ): void {
    startResponse(this, controller, statusCode, headers);
  }

  onResponseData(controller: UpstreamController, chunk: Buffer): void {
    relayResponseData(this, controller, chunk);
  }

  onResponseEnd(_controller: UpstreamController, trailers: unknown): void {
    endResponse(this, trailers);
  }

  onResponseError(_controller: UpstreamController | null, error: Error): void {
    attemptFailed(this, error);
  }
}
