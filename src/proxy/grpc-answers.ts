import type { Http2ServerResponse } from 'node:http2';
import type { ServerResponse } from 'node:http';
import type { EdgeRequest } from './pipeline/exchange.ts';
import type { ProxyError } from './errors.ts';

// A gRPC client reads only grpc-status / grpc-message, so the edge's own answers to gRPC requests are
// gRPC answers: HTTP 200 with the status in a trailers-only response, never an HTML or text 5xx page.
// Mapping after grpc/doc/http-grpc-status-mapping.md, except 504 → DEADLINE_EXCEEDED (the edge's timeouts).

const UNKNOWN = 2;
const DEADLINE_EXCEEDED = 4;
const PERMISSION_DENIED = 7;
const RESOURCE_EXHAUSTED = 8;
const UNIMPLEMENTED = 12;
const INTERNAL = 13;
const UNAVAILABLE = 14;
const UNAUTHENTICATED = 16;

export function grpcStatusFor(httpStatus: number): number {
  switch (httpStatus) {
    case 400:
      return INTERNAL;
    case 401:
      return UNAUTHENTICATED;
    case 403:
      return PERMISSION_DENIED;
    case 404:
      return UNIMPLEMENTED;
    case 408:
    case 504:
      return DEADLINE_EXCEEDED;
    case 413:
    case 429:
      return RESOURCE_EXHAUSTED;
    case 502:
    case 503:
      return UNAVAILABLE;
    default:
      return UNKNOWN;
  }
}

/** A gRPC request: content-type application/grpc, +proto, +json… (not grpc-web, which answers in its own way). */
export function isGrpcRequest(req: EdgeRequest): boolean {
  const type = req.headers['content-type'];
  return typeof type === 'string' && type.startsWith('application/grpc') && !type.startsWith('application/grpc-web');
}

/** grpc-message is percent-encoded (gRPC over HTTP/2 spec): printable ASCII except '%' as is. */
export function encodeGrpcMessage(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    out += byte >= 0x20 && byte <= 0x7e && byte !== 0x25 ? String.fromCharCode(byte) : '%' + hex(byte);
  }
  return out;
}

function hex(byte: number): string {
  return (byte < 16 ? '0' : '') + byte.toString(16).toUpperCase();
}

/** Writes the gRPC form of an edge error: 200, content-type application/grpc, grpc-status, grpc-message. */
export function writeGrpcError(
  res: ServerResponse | Http2ServerResponse,
  error: ProxyError,
  requestId: string,
  reason: string | null,
  extraHeaders: readonly string[] | null,
): void {
  const message = error.status + ' ' + error.title + (reason === null || reason === '' ? '' : ': ' + reason);
  const headers: string[] = [
    'server',
    'sluice',
    'content-type',
    'application/grpc',
    'grpc-status',
    String(grpcStatusFor(error.status)),
    'grpc-message',
    encodeGrpcMessage(message.slice(0, 200)),
    'x-request-id',
    requestId,
  ];
  if (extraHeaders !== null) for (const item of extraHeaders) headers.push(item);
  endWithHeadersOnly(res, 200, headers);
}

/**
 * Ends a response made of its head only. Over HTTP/2 the head then carries END_STREAM, which makes it a
 * gRPC "trailers-only" answer (a client takes grpc-status from it); node's compat response sends its head
 * at writeHead, so the headers are set and the head goes out with end().
 */
export function endWithHeadersOnly(res: ServerResponse | Http2ServerResponse, status: number, headers: string[]): void {
  if ((res as Http2ServerResponse).stream === undefined) {
    (res as ServerResponse).writeHead(status, headers);
    res.end();
    return;
  }
  const h2 = res as Http2ServerResponse;
  for (let i = 0; i < headers.length; i += 2) {
    const name = headers[i].toLowerCase();
    const current = h2.getHeader(name);
    if (current === undefined) h2.setHeader(name, headers[i + 1]);
    else h2.setHeader(name, ([] as string[]).concat(current as string | string[], headers[i + 1]));
  }
  h2.statusCode = status;
  h2.end();
}

/** A gRPC trailers-only answer from upstream: its head holds grpc-status (a normal gRPC answer never does). */
export function isTrailersOnly(headers: readonly string[]): boolean {
  for (let i = 0; i < headers.length; i += 2) {
    const name = headers[i];
    if (name.length === 11 && name.toLowerCase() === 'grpc-status') return true;
  }
  return false;
}
