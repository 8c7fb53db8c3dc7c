import type { UpstreamEndpoint } from './upstream-endpoint.ts';

/**
 * Passive health: an endpoint that refuses connections (or cannot be connected to in time) is
 * ejected for a backoff that doubles with each consecutive failure; once the backoff has passed,
 * real traffic probes it again, and the first answer clears its record.
 */
export interface PassiveHealthOptions {
  readonly baseEjectMs: number;
  readonly maxEjectMs: number;
}

export const defaultPassiveHealth: PassiveHealthOptions = { baseEjectMs: 1_000, maxEjectMs: 30_000 };

export function isAvailable(endpoint: UpstreamEndpoint, now: number): boolean {
  return endpoint.ejectedUntil <= now;
}

export function recordConnectFailure(endpoint: UpstreamEndpoint, now: number, options: PassiveHealthOptions): void {
  endpoint.failures++;
  const exponent = Math.min(endpoint.failures - 1, 20);
  const backoff = Math.min(options.maxEjectMs, options.baseEjectMs * 2 ** exponent);
  endpoint.ejectedUntil = now + backoff;
}

/** The endpoint answered (any HTTP status): it is healthy as far as connections go. */
export function recordReachable(endpoint: UpstreamEndpoint): void {
  if (endpoint.failures !== 0 || endpoint.ejectedUntil !== 0) {
    endpoint.failures = 0;
    endpoint.ejectedUntil = 0;
  }
}
