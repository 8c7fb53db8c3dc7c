import { proxyErrors, type ProxyError } from '../errors.ts';

// How an upstream attempt's failure reads: which errors mean the request never reached the endpoint
// (retry elsewhere, passive health), which a lost connection, and which answer the client gets.

export class BodyTooLargeError extends Error {
  readonly code = 'SLUICE_BODY_TOO_LARGE';
}

export class ClientGoneError extends Error {
  readonly code = 'SLUICE_CLIENT_GONE';
}

export class ClientBodyTimeoutError extends Error {
  readonly code = 'SLUICE_CLIENT_BODY_TIMEOUT';
}

/** proxy-connect-timeout: no connection carried the attempt in time (read as a connect failure, so 504). */
export class ConnectTimeoutError extends Error {
  readonly code = 'UND_ERR_CONNECT_TIMEOUT';
}

/** proxy-send-timeout: the upstream took none of the request body waiting for it in time. */
export class SendTimeoutError extends Error {
  readonly code = 'SLUICE_SEND_TIMEOUT';
}

/** custom-http-errors: the upstream's answer is dropped for the error backend's. */
export class ErrorPageSwitch extends Error {
  readonly code = 'SLUICE_ERROR_PAGE';
}

/** Errors raised before a connection to the upstream existed: the request never reached it. */
export const connectErrorCodes: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EADDRNOTAVAIL',
]);

export const resetErrorCodes: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'ECONNABORTED',
]);

export const idempotentMethods: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE']);

export function errorFor(
  code: string,
  isConnectFailure: boolean,
  isReset: boolean,
  requestStarted: boolean,
): ProxyError {
  if (code === 'UND_ERR_CONNECT_TIMEOUT') return proxyErrors.connectTimeout;
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') return proxyErrors.upstreamTimeout;
  if (code === 'ECONNREFUSED') return proxyErrors.upstreamRefused;
  if (isConnectFailure) return proxyErrors.upstreamFailed;
  if (isReset) return requestStarted ? proxyErrors.upstreamReset : proxyErrors.upstreamFailed;
  if (code === 'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH' || code === 'UND_ERR_INVALID_ARG') return proxyErrors.badRequest;
  return proxyErrors.upstreamFailed;
}
