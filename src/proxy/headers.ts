// Header rules of the edge, applied once per request on the raw header lists (no header objects
// rebuilt): hop-by-hop and Connection-named headers stripped both ways, X-Forwarded-* and
// X-Real-IP set from the connection unless the peer is a trusted proxy, X-Request-Id carried.

const DROP = 1; // hop-by-hop (and `expect`, which Node's server already answered)
const CONNECTION = 2;
const FORWARDED_FOR = 3;
const FORWARDED_PROTO = 4;
const FORWARDED_HOST = 5;
const FORWARDED_PORT = 6;
const REAL_IP = 7;
const REQUEST_ID = 8;
const HOST = 9;
const CONTENT_LENGTH = 10;
const TRANSFER_ENCODING = 11;
const UPGRADE = 12;
const SERVER = 13;

const requestKinds = new Map<string, number>([
  ['connection', CONNECTION],
  ['keep-alive', DROP],
  ['proxy-connection', DROP],
  ['te', DROP],
  ['trailer', DROP],
  ['transfer-encoding', TRANSFER_ENCODING],
  ['upgrade', UPGRADE],
  ['expect', DROP],
  ['http2-settings', DROP],
  ['x-forwarded-for', FORWARDED_FOR],
  ['x-forwarded-proto', FORWARDED_PROTO],
  ['x-forwarded-host', FORWARDED_HOST],
  ['x-forwarded-port', FORWARDED_PORT],
  ['x-real-ip', REAL_IP],
  ['x-request-id', REQUEST_ID],
  ['host', HOST],
  ['content-length', CONTENT_LENGTH],
]);

const responseKinds = new Map<string, number>([
  ['connection', CONNECTION],
  ['keep-alive', DROP],
  ['proxy-connection', DROP],
  ['te', DROP],
  ['trailer', DROP],
  ['transfer-encoding', DROP],
  ['upgrade', DROP],
  ['server', SERVER],
  ['x-request-id', REQUEST_ID],
  ['content-length', CONTENT_LENGTH],
]);

/** What the pass over the upstream's response headers found. */
export class ResponseHeadScan {
  /** The Content-Length as a number when there is exactly one valid one, else -1. */
  contentLength = -1;
  #seenLength = false;

  noteContentLength(value: string): void {
    this.contentLength = this.#seenLength ? -1 : parseDecimal(value);
    this.#seenLength = true;
  }
}

/** What the one pass over the request's raw headers found. One per request, stable shape. */
export class RequestHeadScan {
  /** Host as sent (`:authority` for HTTP/2 when there is no Host), or null. */
  host: string | null = null;
  /** The first X-Request-Id as sent, or null. */
  requestId: string | null = null;
  /** The Content-Length as sent, or null. */
  contentLength: string | null = null;
  transferEncoding = false;
  /** Client-sent X-Forwarded-For values, joined, kept only from trusted proxies. */
  forwardedFor: string | null = null;
  hasForwardedProto = false;
  hasForwardedHost = false;
  hasForwardedPort = false;
  hasRealIp = false;
  /** Tokens of the Connection header(s), lower-cased and comma-joined, or null. */
  connectionTokens: string | null = null;
}

/**
 * Filters `raw` (name, value, name, value… as in `req.rawHeaders`) into the list sent upstream,
 * filling `scan`. `trusted`: the peer is a trusted proxy, so its X-Forwarded-* / X-Real-IP stay.
 * `keepUpgrade`: this is an Upgrade request (WebSocket), so Connection/Upgrade are kept.
 */
export function filterRequestHeaders(
  raw: readonly string[],
  scan: RequestHeadScan,
  trusted: boolean,
  keepUpgrade: boolean,
): string[] {
  const out: string[] = [];
  let authority: string | null = null;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i];
    const value = raw[i + 1];
    if (name.charCodeAt(0) === 0x3a) {
      // HTTP/2 pseudo-headers never go upstream; :authority stands in for a missing Host.
      if (name === ':authority') authority = value;
      continue;
    }
    const lower = name.toLowerCase();
    const kind = requestKinds.get(lower);
    if (kind === undefined) {
      if (!isProxyHeader(lower)) out.push(name, value);
      continue;
    }
    switch (kind) {
      case HOST:
        if (scan.host === null) {
          scan.host = value;
          out.push(name, value);
        }
        break;
      case CONTENT_LENGTH:
        scan.contentLength = value;
        out.push(name, value);
        break;
      case TRANSFER_ENCODING:
        scan.transferEncoding = true;
        break;
      case CONNECTION:
        scan.connectionTokens =
          scan.connectionTokens === null ? value.toLowerCase() : scan.connectionTokens + ',' + value.toLowerCase();
        if (keepUpgrade) out.push(name, value);
        break;
      case UPGRADE:
        if (keepUpgrade) out.push(name, value);
        break;
      case REQUEST_ID:
        if (scan.requestId === null) scan.requestId = value;
        break;
      case FORWARDED_FOR:
      case FORWARDED_PROTO:
      case FORWARDED_HOST:
      case FORWARDED_PORT:
      case REAL_IP:
        if (trusted) keepTrustedForwarded(kind, name, value, scan, out);
        break;
      default: // DROP
        break;
    }
  }
  if (scan.host === null && authority !== null) {
    scan.host = authority;
    out.push('host', authority);
  }
  if (scan.connectionTokens !== null) {
    return removeConnectionNamed(out, scan.connectionTokens, keepUpgrade);
  }
  return out;
}

/** From a trusted proxy: X-Forwarded-For is extended later, the first X-Forwarded-Proto/Host/Port and X-Real-IP kept. */
function keepTrustedForwarded(kind: number, name: string, value: string, scan: RequestHeadScan, out: string[]): void {
  switch (kind) {
    case FORWARDED_FOR:
      scan.forwardedFor = scan.forwardedFor === null ? value : scan.forwardedFor + ', ' + value;
      return;
    case FORWARDED_PROTO:
      if (scan.hasForwardedProto) return;
      scan.hasForwardedProto = true;
      break;
    case FORWARDED_HOST:
      if (scan.hasForwardedHost) return;
      scan.hasForwardedHost = true;
      break;
    case FORWARDED_PORT:
      if (scan.hasForwardedPort) return;
      scan.hasForwardedPort = true;
      break;
    default: // REAL_IP
      if (scan.hasRealIp) return;
      scan.hasRealIp = true;
  }
  out.push(name, value);
}

/** Appends X-Forwarded-*, X-Real-IP and X-Request-Id (the ones not kept from a trusted proxy). */
export function appendForwardedHeaders(
  out: string[],
  scan: RequestHeadScan,
  clientAddress: string,
  tls: boolean,
  localPort: number | undefined,
  requestId: string,
): void {
  out.push('x-forwarded-for', scan.forwardedFor === null ? clientAddress : scan.forwardedFor + ', ' + clientAddress);
  if (!scan.hasForwardedProto) out.push('x-forwarded-proto', tls ? 'https' : 'http');
  if (!scan.hasForwardedHost && scan.host !== null) out.push('x-forwarded-host', scan.host);
  if (!scan.hasForwardedPort && localPort !== undefined) out.push('x-forwarded-port', String(localPort));
  if (!scan.hasRealIp) out.push('x-real-ip', clientAddress);
  out.push('x-request-id', requestId);
}

/**
 * The upstream's response headers (raw: Buffers from undici, or strings) filtered for the client:
 * hop-by-hop and Connection-named dropped, Server replaced by `sluice`, X-Request-Id set to ours.
 * Repeated headers (Set-Cookie) stay repeated; Date and Content-Length pass through.
 */
export function filterResponseHeaders(
  raw: ReadonlyArray<Buffer | string>,
  requestId: string,
  scan: ResponseHeadScan | null = null,
): string[] {
  const out: string[] = [];
  let connectionTokens: string | null = null;
  for (let i = 0; i < raw.length; i += 2) {
    const name = asText(raw[i]);
    const lower = name.toLowerCase();
    const kind = responseKinds.get(lower);
    if (kind === undefined) {
      if (!isProxyHeader(lower)) out.push(name, asText(raw[i + 1]));
      continue;
    }
    if (kind === CONTENT_LENGTH) {
      const value = asText(raw[i + 1]);
      if (scan !== null) scan.noteContentLength(value);
      out.push(name, value);
      continue;
    }
    if (kind === CONNECTION) {
      const value = asText(raw[i + 1]).toLowerCase();
      connectionTokens = connectionTokens === null ? value : connectionTokens + ',' + value;
    }
  }
  const filtered = connectionTokens === null ? out : removeConnectionNamed(out, connectionTokens, false);
  filtered.push('server', 'sluice', 'x-request-id', requestId);
  return filtered;
}

/** Digits only (1 to 15 of them) as a number, else -1. */
export function parseDecimal(text: string): number {
  if (text.length === 0 || text.length > 15) return -1;
  let value = 0;
  for (let i = 0; i < text.length; i++) {
    const digit = text.charCodeAt(i) - 0x30;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

function asText(value: Buffer | string): string {
  return typeof value === 'string' ? value : value.toString('latin1');
}

/** Proxy-Authorization, Proxy-Authenticate, Proxy-Connection…: meant for the hop, never forwarded. */
function isProxyHeader(lower: string): boolean {
  return lower.length > 6 && lower.charCodeAt(5) === 0x2d && lower.startsWith('proxy-');
}

/** Drops every header named in the Connection tokens (Host and, for upgrades, Upgrade are protected). */
function removeConnectionNamed(headers: string[], tokens: string, keepUpgrade: boolean): string[] {
  const named = parseTokens(tokens);
  if (named.length === 0) return headers;
  const out: string[] = [];
  for (let i = 0; i < headers.length; i += 2) {
    const lower = headers[i].toLowerCase();
    if (
      lower !== 'host' &&
      !(keepUpgrade && (lower === 'upgrade' || lower === 'connection')) &&
      named.includes(lower)
    ) {
      continue;
    }
    out.push(headers[i], headers[i + 1]);
  }
  return out;
}

function parseTokens(list: string): string[] {
  const tokens: string[] = [];
  let start = 0;
  while (start <= list.length) {
    let end = list.indexOf(',', start);
    if (end === -1) end = list.length;
    const token = list.slice(start, end).trim();
    if (token !== '' && token !== 'close' && token !== 'keep-alive') tokens.push(token);
    start = end + 1;
  }
  return tokens;
}
