/**
 * The lean client's errors carry undici's `code`s wherever undici has one for the same event, so code that
 * classifies undici errors (retry a request that never reached the upstream, 504 on a timeout, …) reads both
 * clients alike. Errors from the socket itself (ECONNREFUSED, ECONNRESET, EPIPE, EHOSTUNREACH, …) pass through
 * unchanged, as undici passes them. Codes with no undici equivalent:
 * - HPE_*: llhttp's framing errors (undici's HTTPParserError uses the same codes);
 * - SLUICE_UPSTREAM_EXTRA_BYTES: bytes after a complete response (pipelined junk), or a response nobody asked for;
 * - SLUICE_UPSTREAM_UPGRADE: a 101 / upgrade response on the plain-HTTP path.
 */

export class UpstreamError extends Error {
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.code = code;
    this.name = 'UpstreamError';
  }
}

/** No connection within the connect timeout (the request never reached the upstream). */
export function connectTimeoutError(ms: number): UpstreamError {
  return new UpstreamError('UND_ERR_CONNECT_TIMEOUT', 'connect timeout after ' + ms + ' ms');
}

export function headersTimeoutError(ms: number): UpstreamError {
  return new UpstreamError('UND_ERR_HEADERS_TIMEOUT', 'no response head within ' + ms + ' ms');
}

export function bodyTimeoutError(ms: number): UpstreamError {
  return new UpstreamError('UND_ERR_BODY_TIMEOUT', 'response body idle for ' + ms + ' ms');
}

/** The upstream closed the connection before the response was complete (undici's SocketError). */
export function otherSideClosedError(): UpstreamError {
  return new UpstreamError('UND_ERR_SOCKET', 'other side closed');
}

export function poolClosedError(): UpstreamError {
  return new UpstreamError('UND_ERR_DESTROYED', 'the upstream pool is closed');
}

export function contentLengthMismatchError(): UpstreamError {
  return new UpstreamError(
    'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH',
    'request body length differs from its Content-Length',
  );
}

export function invalidRequestError(message: string): UpstreamError {
  return new UpstreamError('UND_ERR_INVALID_ARG', message);
}

export function framingError(code: string, reason: string): UpstreamError {
  return new UpstreamError(code, 'upstream response framing: ' + reason);
}

export function extraBytesError(): UpstreamError {
  return new UpstreamError('SLUICE_UPSTREAM_EXTRA_BYTES', 'upstream sent bytes after a complete response');
}

export function upgradeError(): UpstreamError {
  return new UpstreamError('SLUICE_UPSTREAM_UPGRADE', 'upstream answered with an upgrade on a plain request');
}
