// Parsers of flag values: text → Parsed<value> with a message that says what was expected. Not hot code;
// regular expressions are fine here.
import { isIP } from 'node:net';
import { fail, ok, type Parsed } from './types.ts';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
export const BOOLEAN_WORDS: Readonly<Record<string, boolean>> = {
  true: true,
  false: false,
  on: true,
  off: false,
  yes: true,
  no: false,
  '1': true,
  '0': false,
};

export function parseBoolean(raw: string): Parsed<boolean> {
  const value = BOOLEAN_WORDS[raw.toLowerCase()];
  return value === undefined ? fail(`"${raw}" is not a boolean (use true/false or on/off)`) : ok(value);
}

export function parseText(raw: string): Parsed<string> {
  return raw.trim() === '' ? fail('must not be empty') : ok(raw);
}

export function parseNullableText(raw: string): Parsed<string | null> {
  return parseText(raw);
}

function integerIn(min: number, max: number, what: string) {
  return (raw: string): Parsed<number> => {
    if (!/^\d+$/.test(raw)) return fail(`"${raw}" is not a whole number (expected ${what} ${min}-${max})`);
    const value = Number(raw);
    if (value < min || value > max) return fail(`${raw} is out of range (expected ${what} ${min}-${max})`);
    return ok(value);
  };
}

export const parsePort = integerIn(0, 65535, 'a port');
export const parseRetries = integerIn(0, 10, 'a count');

export function parseWorkers(raw: string): Parsed<number | 'auto'> {
  if (raw === 'auto') return ok('auto');
  const count = integerIn(1, 1024, 'a worker count')(raw);
  return count.ok ? count : fail(`${count.error} or "auto"`);
}

export function oneOf<T extends string>(values: readonly T[]) {
  return (raw: string): Parsed<T> =>
    (values as readonly string[]).includes(raw) ? ok(raw as T) : fail(`"${raw}" is not one of ${values.join(', ')}`);
}

export function parseNamespacedName(raw: string): Parsed<string | null> {
  const slash = raw.indexOf('/');
  if (slash < 0 || slash !== raw.lastIndexOf('/')) return fail(`"${raw}" is not NAMESPACE/NAME`);
  const namespace = raw.slice(0, slash);
  const name = raw.slice(slash + 1);
  if (!isDnsLabel(namespace)) return fail(`"${raw}": namespace "${namespace}" is not a valid namespace name`);
  if (!isDnsSubdomain(name)) return fail(`"${raw}": "${name}" is not a valid object name`);
  return ok(raw);
}

function isDnsLabel(text: string): boolean {
  return text.length <= 63 && DNS_LABEL.test(text);
}

function isDnsSubdomain(text: string): boolean {
  return text.length <= 253 && DNS_SUBDOMAIN.test(text);
}

export function parseObjectName(raw: string): Parsed<string> {
  return isDnsSubdomain(raw) ? ok(raw) : fail(`"${raw}" is not a valid object name (lower-case DNS subdomain)`);
}

function commaList(raw: string): string[] {
  return raw
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

export function listOf(itemParser: (item: string) => Parsed<string>) {
  return (raw: string): Parsed<readonly string[]> => {
    const items = commaList(raw);
    if (items.length === 0) return fail('must list at least one value');
    const values: string[] = [];
    for (const item of items) {
      const parsed = itemParser(item);
      if (!parsed.ok) return parsed;
      if (!values.includes(parsed.value)) values.push(parsed.value);
    }
    return ok(values);
  };
}

export function parseNamespace(raw: string): Parsed<string> {
  return isDnsLabel(raw) ? ok(raw) : fail(`"${raw}" is not a valid namespace name`);
}

export function parseHostOrAddress(raw: string): Parsed<string> {
  if (isIP(raw) !== 0) return ok(raw);
  const lower = raw.toLowerCase();
  return isDnsSubdomain(lower) ? ok(lower) : fail(`"${raw}" is not an IP address or host name`);
}

export function parseCidr(raw: string): Parsed<string> {
  const slash = raw.indexOf('/');
  const address = slash < 0 ? raw : raw.slice(0, slash);
  const family = isIP(address);
  if (family === 0) return fail(`"${raw}" is not a CIDR (address "${address}" is not an IP address)`);
  const maxPrefix = family === 4 ? 32 : 128;
  if (slash < 0) return ok(`${address}/${maxPrefix}`);
  const prefix = raw.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > maxPrefix) {
    return fail(`"${raw}" is not a CIDR (prefix must be 0-${maxPrefix})`);
  }
  return ok(`${address}/${Number(prefix)}`);
}

const DURATION_UNITS_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const MAX_TIMER_MS = 2_147_483_647;

/** "30s", "500ms", "2m", "1m30s", "1.5s", or a plain number of seconds. Returns milliseconds. */
export function parseDuration(raw: string): Parsed<number> {
  const text = raw.trim();
  let total: number;
  if (/^\d+(\.\d+)?$/.test(text)) {
    total = Number(text) * 1000;
  } else if (/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(text)) {
    total = 0;
    for (const part of text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) {
      total += Number(part[1]) * DURATION_UNITS_MS[part[2]];
    }
  } else {
    return fail(`"${raw}" is not a duration (e.g. 30s, 500ms, 2m, 1m30s, or plain seconds)`);
  }
  const ms = Math.round(total);
  if (ms > MAX_TIMER_MS) return fail(`"${raw}" is too long (at most ${MAX_TIMER_MS} ms, about 24 days)`);
  return ok(ms);
}

const SIZE_UNITS: Readonly<Record<string, number>> = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** "16k", "1m", "2g" (1024-based; "kb", "ki", "kib" are the same), or plain bytes. */
export function parseSize(raw: string): Parsed<number> {
  const match = /^(\d+)\s*([kmg]?)(?:i?b)?$/i.exec(raw.trim()) ?? /^(\d+)\s*(b)$/i.exec(raw.trim());
  if (match === null) return fail(`"${raw}" is not a size (e.g. 16k, 10m, 1g, or plain bytes)`);
  const bytes = Number(match[1]) * SIZE_UNITS[match[2].toLowerCase()];
  if (!Number.isSafeInteger(bytes)) return fail(`"${raw}" is too large`);
  return ok(bytes);
}

export function positiveSize(raw: string): Parsed<number> {
  const size = parseSize(raw);
  return size.ok && size.value === 0 ? fail('must be greater than 0') : size;
}
