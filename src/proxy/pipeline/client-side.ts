import type { EdgeResponse, Exchange } from './exchange.ts';
import { dropMirrorBodies } from './mirror.ts';
import { emitRecord } from './record.ts';
import { stopRequestDeadline } from './request-deadline.ts';
import { ClientBodyTimeoutError, ClientGoneError } from './upstream-errors.ts';

// The client side of an exchange: its response closing (finished or abandoned), back-pressure from it,
// and the silence allowed between request body chunks. The listeners are shared functions that find the
// exchange on the response object.

const kExchange = Symbol('sluice.exchange');
interface CarriesExchange {
  [kExchange]?: Exchange;
}

/** Ties the exchange to its response: close and drain reach it from then on. */
export function watchClient(exchange: Exchange, res: EdgeResponse): void {
  (res as unknown as CarriesExchange)[kExchange] = exchange;
  res.on('close', onResponseClose);
}

/** The response is paused on the client's back-pressure until 'drain'. */
export function waitForDrain(exchange: Exchange, res: EdgeResponse): void {
  if (exchange.listensForDrain) return;
  exchange.listensForDrain = true;
  res.on('drain', onResponseDrain);
}

/**
 * The response closed: finished, or the client left first. HTTP/1 and HTTP/2 alike: an HTTP/2 stream the
 * client resets also reads as finished (node's compat response emits 'finish' before 'close'), so "ended
 * by us" (writableEnded) tells the two apart. A forward still running is taken out of the client's queue,
 * or aborted, which frees its upstream connection.
 */
function clientClosed(exchange: Exchange, res: EdgeResponse): void {
  if (exchange.deadlineTimer !== null) stopRequestDeadline(exchange);
  if (exchange.mirrorBodies !== null) dropMirrorBodies(exchange);
  if (!exchange.clientGone && !(res.writableEnded && res.writableFinished)) {
    exchange.clientGone = true;
    stopBodyTimer(exchange);
    if (exchange.record.error === '') exchange.record.error = 'client-abort';
    if (exchange.attemptOpen) {
      const error = new ClientGoneError('client went away');
      if (exchange.controller !== null) exchange.controller.abort(error);
      else if (exchange.queuedCancel !== null) exchange.queuedCancel(error);
    }
  }
  (res as unknown as CarriesExchange)[kExchange] = undefined;
  emitRecord(exchange);
}

function onResponseClose(this: EdgeResponse): void {
  const exchange = (this as unknown as CarriesExchange)[kExchange];
  if (exchange !== undefined) clientClosed(exchange, this);
}

function onResponseDrain(this: EdgeResponse): void {
  const exchange = (this as unknown as CarriesExchange)[kExchange];
  if (exchange !== undefined && exchange.controller !== null && exchange.attemptOpen) exchange.controller.resume();
}

export function startBodyTimer(exchange: Exchange): void {
  if (exchange.bodyTimer === null) {
    exchange.bodyTimer = setTimeout(onClientBodyTimeout, exchange.context.clientBodyMs, exchange);
    exchange.bodyTimer.unref();
  } else {
    exchange.bodyTimer.refresh();
  }
}

export function stopBodyTimer(exchange: Exchange): void {
  if (exchange.bodyTimer !== null) {
    clearTimeout(exchange.bodyTimer);
    exchange.bodyTimer = null;
  }
}

/** The client sent no request body data for --client-body-timeout: 408 (or a cut response), upstream aborted. */
function onClientBodyTimeout(exchange: Exchange): void {
  exchange.bodyTimer = null;
  if (exchange.clientGone || !exchange.attemptOpen) return;
  exchange.bodyTimedOut = true;
  exchange.controller?.abort(new ClientBodyTimeoutError('request body stalled'));
}
