import type { ServerResponse } from 'node:http';
import type { Http2ServerResponse } from 'node:http2';
import { errorBody, proxyErrorFor, writeProxyError, type ProxyError } from '../errors.ts';
import { isGrpcRequest, writeGrpcError } from '../grpc-answers.ts';
import { statusBody } from '../listeners-responses.ts';
import type { EdgeResponse, Exchange } from './exchange.ts';

// Answers the edge makes itself: its error pages, the HTTPS redirect, and a request step's answer. An answer
// given without reading the request body closes the connection after it, so a client that stalls the rest
// of its body holds nothing open. For an Upgrade (no response object) the answer becomes its refusal, with the
// headers steps added to the answer (a 401's WWW-Authenticate).

/** Answers with one of the edge's own errors (before any response head was sent). */
export function answerError(exchange: Exchange, error: ProxyError, reason: string | null, close: boolean): void {
  exchange.record.error = error.record;
  const res = exchange.res;
  if (res === null) {
    exchange.upgradeRefusal = {
      status: error.status,
      headers: exchange.responseHeaders,
      body: errorBody(error, exchange.requestId, reason),
    };
    exchange.settleUpgrade();
    return;
  }
  if (exchange.clientGone || res.headersSent) {
    res.destroy();
    return;
  }
  const { requestId, isHead, responseHeaders } = exchange;
  if (isGrpcRequest(exchange.req)) {
    writeGrpcError(res, error, requestId, reason, responseHeaders);
    return;
  }
  exchange.record.bytesOut += writeProxyError(res, error, requestId, reason, isHead, close, responseHeaders);
}

/** After headers were sent an upstream failure can only cut the response short. */
export function failResponse(exchange: Exchange, error: ProxyError, reason: string | null, close: boolean): void {
  const res = exchange.res!;
  if (res.headersSent) {
    exchange.record.error = error.record === 'timeout' || error.record === 'connect-timeout' ? 'timeout' : 'reset';
    res.destroy();
    return;
  }
  answerError(exchange, error, reason, close);
}

export function answerErrorStatus(exchange: Exchange, status: number, reason: string | null): void {
  answerError(exchange, proxyErrorFor(status), reason, exchange.hasBody);
}

/** A redirect or a request step's own answer: `headers` plus server, x-request-id and content-length. */
export function answerFromStep(
  exchange: Exchange,
  status: number,
  headers: readonly string[] | null,
  body: string | null,
): void {
  const res = exchange.res;
  const text = body ?? (res === null ? statusBody(status) : '');
  if (res === null) {
    const extra = exchange.responseHeaders;
    const all = extra === null ? headers : headers === null ? extra : [...headers, ...extra];
    exchange.upgradeRefusal = { status, headers: all, body: text };
    exchange.settleUpgrade();
    return;
  }
  if (exchange.clientGone || res.headersSent) return;
  const length = Buffer.byteLength(text);
  const head = headers === null ? [] : headers.slice();
  head.push('server', 'sluice', 'x-request-id', exchange.requestId, 'content-length', String(length));
  const extra = exchange.responseHeaders;
  if (extra !== null) for (let i = 0; i < extra.length; i += 2) head.push(extra[i], extra[i + 1]);
  if (exchange.hasBody && isHttp1(res)) {
    head.push('connection', 'close');
    res.shouldKeepAlive = false;
  }
  (res as ServerResponse).writeHead(status, head);
  if (exchange.isHead || length === 0) {
    res.end();
    return;
  }
  exchange.record.bytesOut += length;
  res.end(text);
}

function isHttp1(res: EdgeResponse): res is ServerResponse {
  return (res as Http2ServerResponse).stream === undefined;
}
