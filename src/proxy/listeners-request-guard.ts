import type { IncomingMessage } from 'node:http';
import type { Http2ServerRequest } from 'node:http2';

// What node's llhttp (strict mode) still lets through to the request listener, checked here before the
// handler sees anything. llhttp already answers 400 for CL+TE, duplicate or malformed Content-Length,
// bare LF, obs-fold, bad header characters and a missing Host on HTTP/1.1.

/** 0 when the request may go to the handler, else the status to answer. */
export type GuardVerdict = 0 | 400 | 405;

const CHAR_SLASH = 47;

export function guardHttp1Request(req: IncomingMessage): GuardVerdict {
  if (req.method === 'CONNECT') return 405;
  if (req.httpVersionMajor !== 1) return 400;
  const raw = req.rawHeaders;
  let hosts = 0;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i];
    if (name.length === 4) {
      if (name.toLowerCase() === 'host') hosts++;
    } else if (name.length === 17 && name.toLowerCase() === 'transfer-encoding') {
      // Only a lone, plain "chunked" has one meaning to every hop; HTTP/1.0 has no chunked framing.
      if (req.httpVersionMinor === 0) return 400;
      if (raw[i + 1].trim().toLowerCase() !== 'chunked') return 400;
    }
  }
  if (hosts > 1) return 400;
  const url = req.url ?? '';
  if (url.charCodeAt(0) === CHAR_SLASH) return 0;
  return rewriteAbsoluteForm(req, url);
}

export function guardHttp2Request(req: Http2ServerRequest): GuardVerdict {
  if (req.method === 'CONNECT') return 405;
  const url = req.url;
  if (url.charCodeAt(0) === CHAR_SLASH) return 0;
  return 400;
}

/**
 * Absolute-form targets ("GET http://host/path") are accepted only when their authority agrees with Host;
 * the request then carries the origin-form target, so nothing downstream sees two hosts.
 */
function rewriteAbsoluteForm(req: IncomingMessage, url: string): GuardVerdict {
  const lower = url.slice(0, 8).toLowerCase();
  let authorityStart: number;
  let defaultPort: string;
  if (lower.startsWith('http://')) {
    authorityStart = 7;
    defaultPort = ':80';
  } else if (lower === 'https://') {
    authorityStart = 8;
    defaultPort = ':443';
  } else {
    return 400; // asterisk-form, authority-form outside CONNECT, or garbage
  }
  let end = url.length;
  for (let i = authorityStart; i < url.length; i++) {
    const c = url.charCodeAt(i);
    if (c === CHAR_SLASH || c === 63 /* ? */ || c === 35 /* # */) {
      end = i;
      break;
    }
  }
  const authority = url.slice(authorityStart, end);
  if (authority.length === 0 || authority.includes('@')) return 400;
  const host = req.headers.host;
  if (typeof host !== 'string') return 400;
  if (withoutPort(authority.toLowerCase(), defaultPort) !== withoutPort(host.toLowerCase(), defaultPort)) return 400;
  const rest = url.slice(end);
  if (rest.charCodeAt(0) === 35) return 400;
  req.url = rest.length === 0 ? '/' : rest.charCodeAt(0) === CHAR_SLASH ? rest : '/' + rest;
  return 0;
}

function withoutPort(authority: string, defaultPort: string): string {
  return authority.endsWith(defaultPort) ? authority.slice(0, -defaultPort.length) : authority;
}

interface PendingResponse {
  _last?: boolean;
}

/**
 * True when an earlier response on this connection closes it (a refused request, `Connection: close`):
 * node's parser still emits requests pipelined behind it, but they would never be answered, and smuggled
 * bytes hide exactly there. Such requests are dropped unseen. Reads node's per-socket `_httpMessage`
 * (the response being written) and its `_last` flag, both stable since node 0.x.
 */
export function isBehindClosingResponse(socket: unknown, ownResponse: unknown): boolean {
  // oxlint-disable-next-line no-underscore-dangle -- node's own field, see above
  const pending = (socket as { _httpMessage?: PendingResponse | null })._httpMessage;
  // oxlint-disable-next-line no-underscore-dangle -- node's own field, see above
  return pending !== undefined && pending !== null && pending !== ownResponse && pending._last === true;
}
