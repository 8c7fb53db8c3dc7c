import { STATUS_CODES, type ServerResponse } from 'node:http';
import { constants as http2Constants, type Http2ServerResponse } from 'node:http2';

/**
 * Every answer the edge makes up itself, in one table: status, reason phrase, and the
 * `RequestRecord.error` value it is recorded with.
 */
export const proxyErrors = {
  badRequest: { status: 400, title: 'Bad Request', record: 'bad-request' },
  clientBodyTimeout: { status: 408, title: 'Request Timeout', record: 'timeout' },
  httpsRequired: { status: 403, title: 'Forbidden', record: 'other' },
  noRoute: { status: 404, title: 'Not Found', record: 'no-route' },
  misdirected: { status: 421, title: 'Misdirected Request', record: 'other' },
  /** Gateway API: a rule whose backendRefs are all invalid (or absent) answers 500 (HTTPRoute spec, BackendRef). */
  invalidBackendRefs: { status: 500, title: 'Internal Server Error', record: 'other' },
  bodyTooLarge: { status: 413, title: 'Content Too Large', record: 'other' },
  upstreamFailed: { status: 502, title: 'Bad Gateway', record: 'other' },
  upstreamRefused: { status: 502, title: 'Bad Gateway', record: 'connect-refused' },
  upstreamReset: { status: 502, title: 'Bad Gateway', record: 'reset' },
  noEndpoint: { status: 503, title: 'Service Unavailable', record: 'no-endpoint' },
  upstreamTimeout: { status: 504, title: 'Gateway Timeout', record: 'timeout' },
  connectTimeout: { status: 504, title: 'Gateway Timeout', record: 'connect-timeout' },
} as const satisfies Record<string, ProxyError>;

export interface ProxyError {
  readonly status: number;
  readonly title: string;
  readonly record: string;
}

const errorByStatus = new Map<number, ProxyError>();
for (const error of Object.values(proxyErrors))
  if (!errorByStatus.has(error.status)) errorByStatus.set(error.status, error);

/** The edge's error for `status` (a request step refusing: 401, 403, 429…), recorded as 'other' when new. */
export function proxyErrorFor(status: number): ProxyError {
  let error = errorByStatus.get(status);
  if (error === undefined) {
    error = Object.freeze({ status, title: STATUS_CODES[status] ?? 'Error', record: 'other' });
    errorByStatus.set(status, error);
  }
  return error;
}

/** The small text/plain body: status line, an optional one-line reason, the request id. Never a stack. */
export function errorBody(error: ProxyError, requestId: string, reason: string | null): string {
  const head = error.status + ' ' + error.title + '\n';
  const detail = reason === null || reason === '' ? '' : oneLine(reason) + '\n';
  return head + detail + 'request-id: ' + requestId + '\n';
}

/**
 * Writes an error answer. `closeConnection` when the request body was not read, so the
 * connection cannot be reused safely. An HTTP/2 stream ends on its own instead: once the answer is
 * out, RST_STREAM NO_ERROR tells the client to stop sending (RFC 9113 section 8.1).
 */
export function writeProxyError(
  res: ServerResponse | Http2ServerResponse,
  error: ProxyError,
  requestId: string,
  reason: string | null,
  isHead: boolean,
  closeConnection: boolean,
  extraHeaders: readonly string[] | null = null,
): number {
  const body = errorBody(error, requestId, reason);
  const length = Buffer.byteLength(body);
  const headers: string[] = [
    'server',
    'sluice',
    'content-type',
    'text/plain; charset=utf-8',
    'content-length',
    String(length),
    'x-request-id',
    requestId,
    'cache-control',
    'no-store',
  ];
  if (extraHeaders !== null) for (const item of extraHeaders) headers.push(item);
  if (closeConnection && isHttp1(res)) {
    headers.push('connection', 'close');
    res.shouldKeepAlive = false;
  }
  (res as ServerResponse).writeHead(error.status, headers);
  const written = isHead ? 0 : length;
  if (isHead) res.end();
  else res.end(body);
  if (closeConnection && !isHttp1(res)) res.stream.close(http2Constants.NGHTTP2_NO_ERROR);
  return written;
}

function isHttp1(res: ServerResponse | Http2ServerResponse): res is ServerResponse {
  return (res as Http2ServerResponse).stream === undefined;
}

/** A reason must stay on one line and short: no CR/LF or control characters, at most 200 chars. */
function oneLine(text: string): string {
  let out = '';
  const end = Math.min(text.length, 200);
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    out += c < 0x20 || c === 0x7f ? ' ' : text[i];
  }
  return out;
}
