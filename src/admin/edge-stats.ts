import type { BackendKey } from '../routing/types.ts';

/**
 * What the admin reads from the edge's `edgeStats()`, when the edge offers it: per backend key,
 * the endpoint ("address:port") the balancer would pick next and the ones ejected now. Anything
 * else in the object is passed through to /api/v1/status as `edge`. Read defensively: the edge
 * owns the shape.
 */
export interface EdgeBackendView {
  readonly next: string | null;
  readonly ejected: readonly string[];
}

export function edgeBackendView(edgeStats: unknown, key: BackendKey): EdgeBackendView | null {
  if (typeof edgeStats !== 'object' || edgeStats === null) return null;
  const backends = (edgeStats as { backends?: unknown }).backends;
  let entry: unknown;
  if (backends instanceof Map) entry = backends.get(key);
  else if (typeof backends === 'object' && backends !== null) entry = (backends as Record<string, unknown>)[key];
  if (typeof entry !== 'object' || entry === null) return null;
  const { next, ejected } = entry as { next?: unknown; ejected?: unknown };
  return {
    next: typeof next === 'string' ? next : null,
    ejected: Array.isArray(ejected) ? ejected.filter((e): e is string => typeof e === 'string') : [],
  };
}
