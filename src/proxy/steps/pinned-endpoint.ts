import type { BackendBalance } from '../balancer.ts';
import { isAvailable } from '../passive-health.ts';
import type { UpstreamEndpoint } from '../upstream-endpoint.ts';

/** The endpoint a session step pinned, when the backend has it and it is not ejected; else null. */
export function pinnedEndpoint(balance: BackendBalance, id: string, now: number): UpstreamEndpoint | null {
  const endpoints = balance.endpoints;
  for (let i = 0; i < endpoints.length; i++) {
    const endpoint = endpoints[i];
    if (endpoint.id === id) return isAvailable(endpoint, now) ? endpoint : null;
  }
  return null;
}
