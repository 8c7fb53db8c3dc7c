import type { EdgeStats } from '../proxy/edge-stats.ts';
import type { BackendKey } from '../routing/types.ts';
import { endpointKey } from '../routing/endpoint-key.ts';

/**
 * What the admin shows of the edge's balancer state for one backend: the endpoint ("address:port")
 * round robin picks next, and the ones passive health has ejected now.
 */
export interface EdgeBackendView {
  readonly next: string | null;
  readonly ejected: readonly string[];
}

export function edgeBackendView(edgeStats: EdgeStats | null, key: BackendKey): EdgeBackendView | null {
  if (edgeStats === null) return null;
  const endpoints = edgeStats.backends[key];
  const next = edgeStats.next[key] ?? null;
  if (endpoints === undefined && next === null) return null;
  const ejected: string[] = [];
  for (const endpoint of endpoints ?? []) {
    if (endpoint.ejectedUntil !== null) ejected.push(endpointKey(endpoint.address, endpoint.port));
  }
  return { next, ejected };
}
