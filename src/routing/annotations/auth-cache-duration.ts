// auth-cache-duration, after ingress-nginx internal/ingress/annotations/authreq/main.go
// (ParseStringToCacheDurations, ValidCacheDuration): comma-separated `[code ...] time [time ...]` entries,
// each one nginx `proxy_cache_valid` directive; "200 202 401 5m" when the annotation is absent. As in nginx,
// an entry without codes applies to 200 (and 301/302, which sluice never caches), `any` to every code,
// and the first entry naming a status decides how long its answer is kept.

import type { AuthCacheDuration } from '../policy-types.ts';
import { bad, ok, type Parsed } from './values.ts';

const STATUS = /^\d{3}$/;
const TIME = /^(\d{1,9})(ms|s|m|h|d|w|M|y)$/;
const UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
  M: 30 * 86_400_000,
  y: 365 * 86_400_000,
};
const MAX_ENTRIES = 16;
const EXPECTED =
  'comma-separated entries of status codes then a time, such as "200 202 401 5m" or "200 1h, 401 30s" (units ms, s, m, h, d, w, M, y)';

export const DEFAULT_AUTH_CACHE_DURATIONS: readonly AuthCacheDuration[] = Object.freeze([
  Object.freeze({ statuses: Object.freeze([200, 202, 401]), ms: 300_000 }),
]);

/** Whether sluice caches an auth answer of this status at all: allowed (2xx) and denied (401, 403) ones. */
export function isCacheableAuthStatus(status: number): boolean {
  return (status >= 200 && status < 300) || status === 401 || status === 403;
}

function parseEntry(text: string): AuthCacheDuration | null {
  const statuses: number[] = [];
  let any = false;
  let ms = 0;
  let seenTime = false;
  for (const word of text.split(/\s+/)) {
    if (word === '') continue;
    const time = TIME.exec(word);
    if (time !== null) {
      seenTime = true;
      ms += Number(time[1]) * UNIT_MS[time[2]];
    } else if (seenTime)
      return null; // a code after the time
    else if (word === 'any') any = true;
    else if (STATUS.test(word)) statuses.push(Number(word));
    else return null;
  }
  if (!seenTime) return null;
  const named = any ? 'any' : statuses.length === 0 ? [200] : statuses;
  return { statuses: named === 'any' ? 'any' : Object.freeze(named), ms };
}

/** The entries, in order; codes sluice never caches (3xx, 4xx but 401/403, 5xx) are listed in `ignored`. */
export function parseAuthCacheDurations(
  text: string,
): Parsed<{ durations: readonly AuthCacheDuration[]; ignored: number[] }> {
  const parts = text.split(',').filter((part) => part.trim() !== '');
  if (parts.length === 0 || parts.length > MAX_ENTRIES) return bad(EXPECTED);
  const durations: AuthCacheDuration[] = [];
  const ignored: number[] = [];
  for (const part of parts) {
    const entry = parseEntry(part);
    if (entry === null) return bad(EXPECTED);
    if (entry.statuses !== 'any') ignored.push(...entry.statuses.filter((status) => !isCacheableAuthStatus(status)));
    durations.push(Object.freeze(entry));
  }
  return ok({ durations: Object.freeze(durations), ignored });
}

/** How long an answer of `status` is kept: the first entry naming it (or `any`); 0 when none does. */
export function authCacheMs(durations: readonly AuthCacheDuration[], status: number): number {
  if (!isCacheableAuthStatus(status)) return 0;
  for (const entry of durations) if (entry.statuses === 'any' || entry.statuses.includes(status)) return entry.ms;
  return 0;
}
