import type { Readable } from 'node:stream';
import { proxyErrors } from '../errors.ts';
import type { UpstreamController, UpstreamDispatchOptions } from '../upstream-client.ts';
import { pinnedEndpoint } from '../steps/pinned-endpoint.ts';
import { startBodyTimer, stopBodyTimer } from './client-side.ts';
import { startConnectTimer, startSendTimer, stopConnectTimer, stopSendTimer } from './attempt-timers.ts';
import { bufferBody } from './body-buffer.ts';
import { BodyChunks } from './body-chunks.ts';
import { forwardErrorPage, prepareErrorPage } from './error-pages.ts';
import { answerError, failResponse } from './edge-answers.ts';
import { copyToMirrors, endMirrorBodies } from './mirror.ts';
import { answerDeadline, startRequestDeadline } from './request-deadline.ts';
import type { Exchange } from './exchange.ts';
import {
  BodyTooLargeError,
  ClientGoneError,
  connectErrorCodes,
  errorFor,
  idempotentMethods,
  resetErrorCodes,
} from './upstream-errors.ts';

// The upstream attempt stage: pick an endpoint (the balancer counts it in flight until release), send the
// request through the endpoint's pool (upstream-client.ts: undici or the lean client), and on failure
// decide between passive health + retry on another endpoint and an error answer.

/** Sends the prepared request upstream (route, headers and steps done). */
export function startForward(exchange: Exchange): void {
  const route = exchange.route;
  const rules = route.route.exchangeRules;
  if (
    rules !== null &&
    rules.bufferRequest &&
    !rules.serviceUnusable &&
    exchange.hasBody &&
    exchange.bufferedBody === null
  ) {
    bufferBody(exchange);
    return;
  }
  let backend = route.backend;
  if (exchange.backend !== null) {
    backend = exchange.backend;
    exchange.record.backend = backend.key;
    exchange.record.service = backend.service;
  }
  exchange.balance = exchange.context.balancer.balanceFor(backend);
  exchange.bodyLimit = route.route.bodyLimit;
  const body = exchange.hasBody ? (exchange.bufferedBody ?? (exchange.req as Readable)) : null;
  const options = exchange.options;
  options.method = exchange.method;
  options.path = exchange.upstreamPath ?? (exchange.query === '' ? exchange.path : exchange.path + exchange.query);
  options.headers = exchange.headers;
  options.body = body;
  options.headersTimeout = route.route.headersTimeoutMs;
  options.bodyTimeout = route.route.longLived ? 0 : exchange.context.bodyIdleMs;
  options.idempotent = body === null && idempotentMethods.has(exchange.method);
  if (route.route.requestDeadlineMs > 0) startRequestDeadline(exchange, route.route.requestDeadlineMs);
  if (rules !== null && rules.serviceUnusable) prepareErrorPage(exchange, 503);
  if (exchange.req.httpVersionMajor === 2) {
    // nghttp2 hands over a stream's HEADERS before it reads the RST_STREAM that may follow in the same
    // packet (HTTP/2 rapid reset): start once the packet is read, so a cancelled stream is never sent.
    setImmediate(attemptUnlessGone, exchange);
    return;
  }
  attempt(exchange);
}

export function attempt(exchange: Exchange): void {
  const now = Date.now();
  const context = exchange.context;
  const balance = exchange.balance!;
  const pinned =
    exchange.tries === 0 && exchange.pinnedEndpoint !== null
      ? pinnedEndpoint(balance, exchange.pinnedEndpoint, now)
      : null;
  const kind = exchange.route.route.balance ?? undefined;
  const endpoint = pinned ?? context.balancer.pick(balance, now, exchange.endpoint, kind);
  if (endpoint === null) {
    answerError(exchange, proxyErrors.noEndpoint, 'no endpoints for ' + balance.key, false);
    return;
  }
  exchange.endpoint = endpoint;
  context.balancer.acquire(endpoint, now);
  exchange.attemptOpen = true;
  exchange.tries++;
  exchange.controller = null;
  exchange.queuedCancel = null;
  exchange.requestStarted = false;
  exchange.responseStarted = false;
  exchange.attemptStartedAt = performance.now();
  exchange.record.upstreamAddress = endpoint.id;
  exchange.record.upstreamProtocol = exchange.route.route.transport?.protocol ?? 'http';
  exchange.record.retries = exchange.tries - 1;
  const transport = exchange.route.route.transport;
  const rules = exchange.route.route.exchangeRules;
  if (rules !== null && rules.connectMs > 0) startConnectTimer(exchange, rules.connectMs);
  const options = exchange.options;
  if (transport === null) {
    // Only an HTTP/2 transport's body is ever made chunks (below), and a route keeps its transport.
    context.pools.poolOf(endpoint).dispatch(options as UpstreamDispatchOptions, exchange);
    return;
  }
  const body = options.body;
  if (transport.http2 && body !== null && !Buffer.isBuffer(body) && !(body instanceof BodyChunks))
    options.body = new BodyChunks(body);
  context.pools.poolFor(endpoint, transport).dispatch(options, exchange);
}

function attemptUnlessGone(exchange: Exchange): void {
  if (exchange.clientGone || exchange.res?.headersSent === true) return;
  try {
    attempt(exchange);
  } catch (error) {
    exchange.context.log.error({ err: error }, 'edge request failed');
    answerError(exchange, proxyErrors.upstreamFailed, null, false);
  }
}

export function requestStarted(exchange: Exchange, controller: UpstreamController): void {
  exchange.controller = controller;
  exchange.queuedCancel = null;
  exchange.requestStarted = true;
  exchange.record.upstreamConnectMs = performance.now() - exchange.attemptStartedAt;
  const rules = exchange.route.route.exchangeRules;
  if (rules !== null) {
    stopConnectTimer(exchange);
    if (rules.sendMs > 0 && exchange.options.body !== null) startSendTimer(exchange, rules.sendMs);
  }
  if (exchange.clientGone) {
    controller.abort(new ClientGoneError('client went away'));
    return;
  }
  if (exchange.options.body !== null && exchange.context.clientBodyMs > 0 && !exchange.route.route.longLived)
    startBodyTimer(exchange);
}

/** The client queued the attempt (no free connection yet); called again when it moves from pool to connection. */
export function queued(exchange: Exchange, cancel: (reason: Error) => void): void {
  if (exchange.clientGone) {
    cancel(new ClientGoneError('client went away'));
    return;
  }
  exchange.queuedCancel = cancel;
}

export function bodySent(exchange: Exchange, chunk: Buffer): void {
  if (exchange.bodyTimer !== null) exchange.bodyTimer.refresh();
  if (exchange.mirrorBodies !== null) copyToMirrors(exchange, chunk);
  if (exchange.sendTimer !== null) exchange.sendTimer.refresh();
  const total = exchange.record.bytesIn + chunk.length;
  exchange.record.bytesIn = total;
  if (total > exchange.bodyLimit && !exchange.bodyTooLarge) {
    exchange.bodyTooLarge = true;
    exchange.controller?.abort(new BodyTooLargeError('request body over the limit'));
  }
}

export function requestSent(exchange: Exchange): void {
  stopBodyTimer(exchange);
  if (exchange.mirrorBodies !== null) endMirrorBodies(exchange);
  if (exchange.sendTimer !== null) stopSendTimer(exchange);
}

/** The attempt is over (response ended or failed): the endpoint is released. */
export function closeAttempt(exchange: Exchange): void {
  stopBodyTimer(exchange);
  exchange.queuedCancel = null;
  if (exchange.route.route.exchangeRules !== null) {
    stopConnectTimer(exchange);
    stopSendTimer(exchange);
  }
  if (exchange.attemptOpen) {
    exchange.attemptOpen = false;
    exchange.context.balancer.release(exchange.endpoint!);
  }
}

export function attemptFailed(exchange: Exchange, error: Error): void {
  closeAttempt(exchange);
  const code = (error as { code?: string }).code ?? '';
  const context = exchange.context;
  if (exchange.clientGone || code === 'SLUICE_CLIENT_GONE' || exchange.req.readableAborted) {
    exchange.record.error = 'client-abort';
    return;
  }
  if (code === 'SLUICE_REQUEST_DEADLINE') {
    answerDeadline(exchange);
    return;
  }
  if (exchange.bodyTimedOut) {
    failResponse(exchange, proxyErrors.clientBodyTimeout, 'no request body for ' + context.clientBodyMs + ' ms', true);
    return;
  }
  if (exchange.bodyTooLarge) {
    failResponse(exchange, proxyErrors.bodyTooLarge, 'request body over ' + exchange.bodyLimit + ' bytes', true);
    return;
  }
  if (code === 'SLUICE_ERROR_PAGE') {
    process.nextTick(forwardErrorPage, exchange);
    return;
  }
  if (code === 'SLUICE_SEND_TIMEOUT') {
    failResponse(exchange, proxyErrors.upstreamTimeout, error.message, true);
    return;
  }
  const isConnectFailure = connectErrorCodes.has(code);
  const isReset = resetErrorCodes.has(code);
  const neverReached = !exchange.requestStarted && (isConnectFailure || isReset);
  if (neverReached) context.balancer.connectFailed(exchange.endpoint!, Date.now());
  const replayable = neverReached || (isReset && exchange.options.idempotent);
  if (!exchange.responseStarted && replayable && mayRetry(exchange)) {
    attempt(exchange);
    return;
  }
  failResponse(exchange, errorFor(code, isConnectFailure, isReset, exchange.requestStarted), null, false);
}

function mayRetry(exchange: Exchange): boolean {
  const context = exchange.context;
  const retry = exchange.route.route.retry;
  return (
    exchange.tries < (retry === null || retry.maxTries === null ? context.maxTries : retry.maxTries) &&
    performance.now() - exchange.startedAt <
      (retry === null || retry.budgetMs === null ? context.retryBudgetMs : retry.budgetMs) &&
    !exchange.clientGone &&
    !exchange.res!.headersSent
  );
}
