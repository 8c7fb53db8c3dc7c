import { describe, expect, it } from 'vitest';
import { authCacheMs, DEFAULT_AUTH_CACHE_DURATIONS, parseAuthCacheDurations } from './auth-cache-duration.ts';

function durations(text: string) {
  const parsed = parseAuthCacheDurations(text);
  if (!parsed.ok) throw new Error(parsed.expected);
  return parsed.value;
}

// ingress-nginx authreq/main.go ParseStringToCacheDurations and ValidCacheDuration; nginx proxy_cache_valid.
describe('auth-cache-duration', () => {
  it('defaults to ingress-nginx\'s "200 202 401 5m"', () => {
    expect(DEFAULT_AUTH_CACHE_DURATIONS).toEqual([{ statuses: [200, 202, 401], ms: 300_000 }]);
    expect(authCacheMs(DEFAULT_AUTH_CACHE_DURATIONS, 202)).toBe(300_000);
    expect(authCacheMs(DEFAULT_AUTH_CACHE_DURATIONS, 403)).toBe(0);
  });

  it('reads comma-separated entries; several times add up; the first entry naming a status wins', () => {
    const { durations: read, ignored } = durations('200 1h 30m, 401 403 10s, 200 1s');
    expect(ignored).toEqual([]);
    expect(authCacheMs(read, 200)).toBe(5_400_000);
    expect(authCacheMs(read, 403)).toBe(10_000);
    expect(authCacheMs(read, 204)).toBe(0);
  });

  it('applies an entry without codes to 200 only, and "any" to every cacheable status', () => {
    expect(authCacheMs(durations('5m').durations, 200)).toBe(300_000);
    expect(authCacheMs(durations('5m').durations, 401)).toBe(0);
    const any = durations('any 2d').durations;
    expect(authCacheMs(any, 204)).toBe(172_800_000);
    expect(authCacheMs(any, 403)).toBe(172_800_000);
    expect(authCacheMs(any, 500)).toBe(0);
    expect(authCacheMs(any, 302)).toBe(0);
  });

  it('lists codes sluice never caches, and refuses what nginx would refuse', () => {
    expect(durations('200 500 302 1m').ignored).toEqual([500, 302]);
    for (const bad of ['', '200', '1m 200', '200 5 minutes', 'abc 1m', '200 1x', '1m,'.repeat(17)])
      expect(parseAuthCacheDurations(bad).ok).toBe(false);
  });
});
