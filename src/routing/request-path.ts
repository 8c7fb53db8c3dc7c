// The request path as the router compares it (routing-semantics §3, normalisation): dot segments
// resolved (RFC 3986 remove_dot_segments, also when written as %2e), percent-encoded unreserved
// characters decoded, every other escape kept as sent with upper-case hex. `%2F` stays encoded and
// is never a separator; double slashes are kept. Runs once per request: the common path (no '%',
// no dot segment) is checked with charCodeAt and returned as the very same string.

const CODE_SLASH = 0x2f;
const CODE_DOT = 0x2e;
const CODE_PERCENT = 0x25;

/**
 * Characters allowed raw in a path: RFC 3986 pchar and '/', plus `[ ] | ^`, which browsers send
 * unescaped (WHATWG URL) and nginx accepts. Controls, space, non-ASCII, `" # < > \ { } ?` and the
 * backtick are refused. '%' is handled separately.
 */
const PATH_CHAR = new Uint8Array(128);
for (let c = 0x21; c < 0x7f; c++) PATH_CHAR[c] = 1;
for (const c of '"#<>\\`{}?%') PATH_CHAR[c.charCodeAt(0)] = 0;

/** Unreserved characters (ALPHA DIGIT - . _ ~): decoded when percent-encoded. */
const UNRESERVED = new Uint8Array(128);
for (let c = 0x41; c <= 0x5a; c++) UNRESERVED[c] = 1;
for (let c = 0x61; c <= 0x7a; c++) UNRESERVED[c] = 1;
for (let c = 0x30; c <= 0x39; c++) UNRESERVED[c] = 1;
for (const c of '-._~') UNRESERVED[c.charCodeAt(0)] = 1;

const HEX_DIGITS = '0123456789ABCDEF';

function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  if (code >= 0x41 && code <= 0x46) return code - 0x37;
  if (code >= 0x61 && code <= 0x66) return code - 0x57;
  return -1;
}

/** True when path[at] begins a "." or ".." segment (path[at - 1] is '/'). */
function isDotSegmentAt(path: string, at: number): boolean {
  if (path.charCodeAt(at) !== CODE_DOT) return false;
  let next = at + 1;
  if (next < path.length && path.charCodeAt(next) === CODE_DOT) next++;
  return next === path.length || path.charCodeAt(next) === CODE_SLASH;
}

/**
 * Normalise the path part of a request target (no query). Returns `rawPath` itself when it is
 * already normal; null when it does not start with '/', holds a character not allowed in a path,
 * or has a malformed escape.
 */
export function normalizeRequestPath(rawPath: string): string | null {
  const length = rawPath.length;
  if (length === 0 || rawPath.charCodeAt(0) !== CODE_SLASH) return null;
  let needsWork = false;
  for (let i = 1; i < length; i++) {
    const code = rawPath.charCodeAt(i);
    if (code === CODE_PERCENT) {
      needsWork = true;
    } else if (code >= 128 || PATH_CHAR[code] === 0) {
      return null;
    } else if (code === CODE_DOT && !needsWork && rawPath.charCodeAt(i - 1) === CODE_SLASH) {
      needsWork = isDotSegmentAt(rawPath, i);
    }
  }
  return needsWork ? normalizeSlowly(rawPath) : rawPath;
}

function normalizeSlowly(rawPath: string): string | null {
  const decoded = decodeUnreserved(rawPath);
  return decoded === null ? null : removeDotSegments(decoded);
}

/** Decode escapes of unreserved characters, upper-case the hex of the others; null on a bad escape. */
function decodeUnreserved(rawPath: string): string | null {
  let out = '';
  let copiedUpTo = 0;
  let i = rawPath.indexOf('%');
  while (i !== -1) {
    if (i + 2 >= rawPath.length) return null;
    const high = hexValue(rawPath.charCodeAt(i + 1));
    const low = hexValue(rawPath.charCodeAt(i + 2));
    if (high < 0 || low < 0) return null;
    const byte = high * 16 + low;
    out += rawPath.slice(copiedUpTo, i);
    out += byte < 128 && UNRESERVED[byte] === 1 ? String.fromCharCode(byte) : '%' + HEX_DIGITS[high] + HEX_DIGITS[low];
    copiedUpTo = i + 3;
    i = rawPath.indexOf('%', copiedUpTo);
  }
  return out + rawPath.slice(copiedUpTo);
}

/** RFC 3986 §5.2.4 for an absolute path: `/a/./b/../c` → `/a/c`, never above the root. */
function removeDotSegments(path: string): string {
  let out = '';
  let i = 0; // path[i] is always '/' at the top of the loop
  const length = path.length;
  while (i < length) {
    const next = i + 1;
    if (isDotSegmentAt(path, next)) {
      const isDotDot = next + 1 < length && path.charCodeAt(next + 1) === CODE_DOT;
      const after = next + (isDotDot ? 2 : 1);
      if (isDotDot) out = out.slice(0, Math.max(0, out.lastIndexOf('/')));
      if (after === length) {
        out += '/';
        break;
      }
      i = after; // path[after] is '/': it starts the next segment
      continue;
    }
    const slash = path.indexOf('/', next);
    const end = slash === -1 ? length : slash;
    out += path.slice(i, end);
    i = end;
  }
  return out;
}

/** Split an origin-form request target into path and query ('?' included, or ''). Null otherwise. */
export function splitTarget(url: string): { path: string; query: string } | null {
  if (url.length === 0 || url.charCodeAt(0) !== CODE_SLASH) return null;
  const question = url.indexOf('?');
  if (question === -1) return { path: url, query: '' };
  return { path: url.slice(0, question), query: url.slice(question) };
}

/**
 * True when a normalised path holds a segment that becomes a dot segment ("." or "..") once `%2F` or
 * `%5C` are decoded: `/public/..%2Fadmin` reads as `/admin` to a backend that decodes the slash before
 * resolving dot segments (many do), so the edge refuses it (400) rather than forward it through a route
 * never meant to expose the target. `%2E` needs no check here: it is decoded by the normalisation, whose
 * dot-segment removal already applies (see docs/routing-semantics-path-security.md).
 */
export function hidesDotSegment(path: string): boolean {
  if (path.indexOf('%') === -1) return false;
  if (path.indexOf('%2F') === -1 && path.indexOf('%5C') === -1) return false;
  const length = path.length;
  let start = 0;
  let i = 0;
  while (i <= length) {
    const separator = i === length ? 1 : separatorLengthAt(path, i);
    if (separator === 0) {
      i++;
      continue;
    }
    const pieceLength = i - start;
    if (
      (pieceLength === 1 || pieceLength === 2) &&
      path.charCodeAt(start) === CODE_DOT &&
      path.charCodeAt(i - 1) === CODE_DOT
    ) {
      return true;
    }
    i += separator;
    start = i;
  }
  return false;
}

/** 1 for '/', 3 for `%2F` or `%5C` (the normalisation upper-cased their hex), else 0. */
function separatorLengthAt(path: string, at: number): number {
  const code = path.charCodeAt(at);
  if (code === CODE_SLASH) return 1;
  if (code !== CODE_PERCENT) return 0;
  const high = path.charCodeAt(at + 1);
  const low = path.charCodeAt(at + 2);
  if (high === 0x32 && low === 0x46) return 3; // %2F
  if (high === 0x35 && low === 0x43) return 3; // %5C
  return 0;
}
