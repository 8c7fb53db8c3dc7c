// The request's host as the router compares it: the Host header (or :authority), lower-cased, with
// the port and one trailing dot removed. Runs once per request, so it scans with charCodeAt and
// returns the input itself when nothing needs changing.

const CODE_DOT = 0x2e;
const CODE_COLON = 0x3a;
const CODE_OPEN_BRACKET = 0x5b;

/** 1: allowed as is, 2: upper-case letter (allowed, needs lower-casing), 0: not allowed in a host. */
const HOST_CHAR = new Uint8Array(128);
for (let c = 0x61; c <= 0x7a; c++) HOST_CHAR[c] = 1; // a-z
for (let c = 0x41; c <= 0x5a; c++) HOST_CHAR[c] = 2; // A-Z
for (let c = 0x30; c <= 0x39; c++) HOST_CHAR[c] = 1; // 0-9
HOST_CHAR[0x2d] = 1; // -
HOST_CHAR[0x5f] = 1; // _ (not valid DNS, but real clusters have such names)

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

function isHex(code: number): boolean {
  return (code >= 0x30 && code <= 0x39) || (code >= 0x61 && code <= 0x66) || (code >= 0x41 && code <= 0x46);
}

/** True when raw[from..] is empty or ':' followed by digits only (an empty port is allowed, RFC 3986). */
function isPortSuffix(raw: string, from: number): boolean {
  if (from === raw.length) return true;
  if (raw.charCodeAt(from) !== CODE_COLON) return false;
  for (let i = from + 1; i < raw.length; i++) {
    if (!isDigit(raw.charCodeAt(i))) return false;
  }
  return true;
}

function normalizeIpv6Host(raw: string): string | null {
  const close = raw.indexOf(']');
  if (close < 3 || !isPortSuffix(raw, close + 1)) return null;
  let upper = false;
  for (let i = 1; i < close; i++) {
    const code = raw.charCodeAt(i);
    if (code === CODE_COLON || code === CODE_DOT) continue;
    if (!isHex(code)) return null;
    if (code <= 0x46 && code >= 0x41) upper = true;
  }
  const host = close + 1 === raw.length ? raw : raw.slice(0, close + 1);
  return upper ? host.toLowerCase() : host;
}

/**
 * Lower-case `raw`, strip `:port` and one trailing dot. Bracketed IPv6 literals keep their brackets.
 * Returns null for a missing or empty host, bad characters, empty labels or a non-numeric port.
 */
export function normalizeRequestHost(raw: string | undefined): string | null {
  if (raw === undefined || raw.length === 0) return null;
  if (raw.charCodeAt(0) === CODE_OPEN_BRACKET) return normalizeIpv6Host(raw);

  let end = raw.length;
  let upper = false;
  let previous = CODE_DOT; // a leading dot is an empty label
  for (let i = 0; i < raw.length; i++) {
    const code = raw.charCodeAt(i);
    if (code === CODE_COLON) {
      if (!isPortSuffix(raw, i)) return null;
      end = i;
      break;
    }
    if (code === CODE_DOT) {
      if (previous === CODE_DOT) return null;
    } else if (code >= 128 || HOST_CHAR[code] === 0) {
      return null;
    } else if (HOST_CHAR[code] === 2) {
      upper = true;
    }
    previous = code;
  }
  if (end > 0 && raw.charCodeAt(end - 1) === CODE_DOT) end--;
  if (end === 0) return null;
  const host = end === raw.length ? raw : raw.slice(0, end);
  return upper ? host.toLowerCase() : host;
}
