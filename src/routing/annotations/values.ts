// Readers of annotation values. ingress-nginx reads booleans with Go's strconv.ParseBool, numbers
// with strconv.Atoi and sizes in nginx's notation (internal/ingress/annotations/parser/main.go):
// the same words are accepted here.

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly expected: string };

export function ok<T>(value: T): Parsed<T> {
  return { ok: true, value };
}

export function bad<T>(expected: string): Parsed<T> {
  return { ok: false, expected };
}

export const MAX_REQUEST_TIMEOUT_MS = 3_600_000;

const GO_TRUE: ReadonlySet<string> = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const GO_FALSE: ReadonlySet<string> = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

export function parseGoBoolean(text: string): Parsed<boolean> {
  if (GO_TRUE.has(text)) return ok(true);
  if (GO_FALSE.has(text)) return ok(false);
  return bad('"true" or "false"');
}

const DURATION = /^(\d{1,10}(?:\.\d{1,3})?)(ms|s|m|h)?$/;
const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const DURATION_EXPECTED = 'a duration from 1ms to 1h such as "500ms", "30s", "2m" or "30" (seconds)';

/** "500ms", "30s", "2m", "1h", or plain seconds ("30", "0.5") → whole milliseconds, 1 ms .. 1 h. */
export function parseDuration(text: string): Parsed<number> {
  const found = DURATION.exec(text);
  if (found === null) return bad(DURATION_EXPECTED);
  const ms = Math.round(Number(found[1]) * UNIT_MS[found[2] ?? 's']);
  return ms >= 1 && ms <= MAX_REQUEST_TIMEOUT_MS ? ok(ms) : bad(DURATION_EXPECTED);
}

const SECONDS = /^\d{1,10}$/;
const SECONDS_EXPECTED = 'a whole number of seconds from 1 to 3600';

/** ingress-nginx timeouts: whole seconds → milliseconds, 1 s .. 1 h. */
export function parseSeconds(text: string): Parsed<number> {
  if (!SECONDS.test(text)) return bad(SECONDS_EXPECTED);
  const ms = Number(text) * 1000;
  return ms >= 1000 && ms <= MAX_REQUEST_TIMEOUT_MS ? ok(ms) : bad(SECONDS_EXPECTED);
}

const BYTE_SIZE = /^(\d{1,15})([kmg])?$/i;
const SIZE_FACTOR: Readonly<Record<string, number>> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };
const SIZE_EXPECTED = 'a size in bytes such as "1048576", "512k", "10m" or "1g" (1024-based; "0" for unlimited)';

/** "10m" → bytes (k, m, g are 1024-based, either case); "0" → Infinity: no limit. */
export function parseByteSize(text: string): Parsed<number> {
  const found = BYTE_SIZE.exec(text);
  if (found === null) return bad(SIZE_EXPECTED);
  const bytes = Number(found[1]) * SIZE_FACTOR[(found[2] ?? '').toLowerCase()];
  if (bytes === 0) return ok(Number.POSITIVE_INFINITY);
  return Number.isSafeInteger(bytes) ? ok(bytes) : bad(SIZE_EXPECTED);
}

const INTEGER = /^\d{1,9}$/;

/** A whole number from `min` to `max`. */
export function parseInteger(text: string, min: number, max: number): Parsed<number> {
  if (!INTEGER.test(text)) return bad(`a whole number from ${min} to ${max}`);
  const value = Number(text);
  return value >= min && value <= max ? ok(value) : bad(`a whole number from ${min} to ${max}`);
}

/** Comma-separated items, trimmed, empty ones dropped. */
export function splitList(text: string): string[] {
  const items: string[] = [];
  for (const part of text.split(',')) {
    const item = part.trim();
    if (item !== '') items.push(item);
  }
  return items;
}

const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,256}$/;

export function isHeaderName(text: string): boolean {
  return HEADER_NAME.test(text);
}

/** A header value with no control characters (so it can never split a header). */
export function isHeaderValue(text: string): boolean {
  if (text.length > 4096) return false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if ((code < 0x20 && code !== 0x09) || code === 0x7f) return false;
  }
  return true;
}
