import { proxyErrors } from '../errors.ts';
import { failResponse } from './edge-answers.ts';
import type { Exchange } from './exchange.ts';

// A whole-request deadline (Gateway API HTTPRoute timeouts.request): counted from the request's arrival, it
// bounds the upstream attempts and the response body. When it passes, the client gets a 504 (or, once the
// response head is out, a cut response) and the attempt is aborted, freeing its connection. One timer per
// request of a route that has a deadline, none otherwise.

export class RequestDeadlineError extends Error {
  readonly code = 'SLUICE_REQUEST_DEADLINE';
}

/** Starts the deadline when the request is forwarded; the time already spent counts. */
export function startRequestDeadline(exchange: Exchange, ms: number): void {
  const left = Math.max(0, ms - (performance.now() - exchange.startedAt));
  exchange.deadlineTimer = setTimeout(deadlinePassed, left, exchange);
  exchange.deadlineTimer.unref();
}

export function stopRequestDeadline(exchange: Exchange): void {
  if (exchange.deadlineTimer !== null) {
    clearTimeout(exchange.deadlineTimer);
    exchange.deadlineTimer = null;
  }
}

/** The attempt failed because of the deadline: the answer the client gets. */
export function answerDeadline(exchange: Exchange): void {
  const ms = exchange.route.route.requestDeadlineMs;
  failResponse(exchange, proxyErrors.upstreamTimeout, `no complete answer within ${ms} ms`, exchange.hasBody);
}

function deadlinePassed(exchange: Exchange): void {
  exchange.deadlineTimer = null;
  // The answer is complete (only its flush and 'close' are pending): nothing to cut.
  if (exchange.clientGone || exchange.responseEnded || exchange.res?.writableEnded === true) return;
  const reason = new RequestDeadlineError('request deadline passed');
  // The attempt's failure path answers (attemptFailed sees the code).
  if (exchange.queuedCancel !== null) exchange.queuedCancel(reason);
  else if (exchange.controller !== null && exchange.attemptOpen) exchange.controller.abort(reason);
  else answerDeadline(exchange);
}
