import type { RequestRecord } from '../request-record.ts';
import type { Exchange } from './exchange.ts';

/** The status recorded for a client that went away before the response head (nginx's 499). */
export const CLIENT_CLOSED_STATUS = 499;

export function emptyRecord(): RequestRecord {
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

/** The record stage: once per exchange, when its response closed. */
export function emitRecord(exchange: Exchange): void {
  if (exchange.recorded) return;
  exchange.recorded = true;
  if (exchange.doneListener !== null) exchange.doneListener.requestDone(exchange);
  const record = exchange.record;
  const res = exchange.res!;
  record.durationMs = performance.now() - exchange.startedAt;
  record.status = exchange.clientGone && !res.headersSent ? CLIENT_CLOSED_STATUS : res.statusCode;
  record.requestId = exchange.requestId;
  if (exchange.trace !== null) exchange.context.tracer!.onRequestEnd(exchange.trace, record);
  const listener = exchange.context.onRequestDone;
  if (listener === null) return;
  try {
    listener(record);
  } catch (error) {
    exchange.context.log.error({ err: error }, 'request record listener failed');
  }
}
