import type { Readable } from 'node:stream';
import { proxyErrors } from '../errors.ts';
import { stopBodyTimer } from './client-side.ts';
import { answerError } from './edge-answers.ts';
import type { Exchange } from './exchange.ts';
import { startForward } from './upstream-attempt.ts';

// proxy-request-buffering "on": the whole request body is read before anything goes upstream, as nginx's
// proxy_request_buffering (its default): a slow client holds no upstream connection, and a body over the
// limit gets 413 without the pod seeing the request. The client's silence is bounded by
// --client-body-timeout (408). The listeners are shared functions that find the exchange on the request.

const kExchange = Symbol('sluice.bufferingExchange');
interface CarriesExchange {
  [kExchange]?: Exchange;
}

/** Starts reading the body; the exchange is forwarded (startForward again) once it is whole. */
export function bufferBody(exchange: Exchange): void {
  const req = exchange.req as Readable;
  exchange.bodyChunks = [];
  (req as unknown as CarriesExchange)[kExchange] = exchange;
  req.on('data', onData);
  req.on('end', onEnd);
  req.on('error', onError);
  const ms = exchange.context.clientBodyMs;
  if (ms > 0) exchange.bodyTimer = setTimeout(onStalled, ms, exchange);
}

function exchangeOf(req: Readable): Exchange | undefined {
  return (req as unknown as CarriesExchange)[kExchange];
}

function detach(exchange: Exchange): void {
  const req = exchange.req as Readable;
  (req as unknown as CarriesExchange)[kExchange] = undefined;
  req.off('data', onData);
  req.off('end', onEnd);
  req.off('error', onError);
  stopBodyTimer(exchange);
}

function onData(this: Readable, chunk: Buffer): void {
  const exchange = exchangeOf(this);
  if (exchange === undefined) return;
  const total = exchange.record.bytesIn + chunk.length;
  exchange.record.bytesIn = total;
  exchange.bodyTimer?.refresh();
  if (total > exchange.route.route.bodyLimit) {
    detach(exchange);
    exchange.bodyChunks = null;
    answerError(
      exchange,
      proxyErrors.bodyTooLarge,
      'request body over ' + exchange.route.route.bodyLimit + ' bytes',
      true,
    );
    return;
  }
  exchange.bodyChunks!.push(chunk);
}

function onEnd(this: Readable): void {
  const exchange = exchangeOf(this);
  if (exchange === undefined) return;
  detach(exchange);
  const chunks = exchange.bodyChunks!;
  exchange.bodyChunks = null;
  if (exchange.clientGone) return;
  exchange.bufferedBody = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
  // Counted again as the upstream takes it (bodySent).
  exchange.record.bytesIn = 0;
  try {
    startForward(exchange);
  } catch (error) {
    exchange.context.log.error({ err: error }, 'edge request failed');
    answerError(exchange, proxyErrors.upstreamFailed, null, false);
  }
}

function onError(this: Readable): void {
  const exchange = exchangeOf(this);
  if (exchange !== undefined) {
    detach(exchange);
    exchange.bodyChunks = null;
  }
}

function onStalled(exchange: Exchange): void {
  exchange.bodyTimer = null;
  if (exchangeOf(exchange.req as Readable) !== exchange) return;
  detach(exchange);
  exchange.bodyChunks = null;
  answerError(
    exchange,
    proxyErrors.clientBodyTimeout,
    'no request body for ' + exchange.context.clientBodyMs + ' ms',
    true,
  );
}
