import type { Exchange } from './exchange.ts';
import { ConnectTimeoutError, SendTimeoutError } from './upstream-errors.ts';

// The per-route timers of an attempt (exchange-rules.ts), only on routes that ask for them:
// - proxy-connect-timeout: from the attempt's start until a connection carries it. Both upstream clients
//   open connections per endpoint for whichever request is waiting, so the timer takes the attempt out of
//   the wait (the connection being opened goes on for the next request); it then fails as a connect
//   timeout: another endpoint is tried, else 504, as nginx's proxy_connect_timeout (ngx_http_upstream_next
//   with NGX_HTTP_UPSTREAM_FT_TIMEOUT).
// - proxy-send-timeout: nginx times "two successive write operations" to the upstream. Here: no body chunk
//   taken by the upstream for sendMs while the client's body waits in the request stream; when the client is
//   the one that is silent the timer starts over (--client-body-timeout is then the limit).

export function startConnectTimer(exchange: Exchange, ms: number): void {
  exchange.connectTimer = setTimeout(onConnectTimeout, ms, exchange, ms);
}

export function stopConnectTimer(exchange: Exchange): void {
  if (exchange.connectTimer !== null) {
    clearTimeout(exchange.connectTimer);
    exchange.connectTimer = null;
  }
}

function onConnectTimeout(exchange: Exchange, ms: number): void {
  exchange.connectTimer = null;
  if (!exchange.attemptOpen || exchange.requestStarted || exchange.clientGone) return;
  const cancel = exchange.queuedCancel;
  if (cancel !== null) cancel(new ConnectTimeoutError('no connection to the upstream within ' + ms + ' ms'));
}

export function startSendTimer(exchange: Exchange, ms: number): void {
  exchange.sendTimer = setTimeout(onSendTimeout, ms, exchange);
}

export function stopSendTimer(exchange: Exchange): void {
  if (exchange.sendTimer !== null) {
    clearTimeout(exchange.sendTimer);
    exchange.sendTimer = null;
  }
}

function onSendTimeout(exchange: Exchange): void {
  const timer = exchange.sendTimer;
  if (timer === null || !exchange.attemptOpen || exchange.clientGone) return;
  // The body not yet taken waits in the client's request stream (options.body is that stream or its chunks).
  const body = exchange.options.body;
  if (body === null || Buffer.isBuffer(body) || exchange.req.readableLength === 0) {
    timer.refresh();
    return;
  }
  exchange.sendTimer = null;
  exchange.controller?.abort(new SendTimeoutError('the upstream took no request body in time'));
}
