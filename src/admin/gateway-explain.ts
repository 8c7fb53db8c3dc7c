// One explainer for both edges: without `gateway` the request is explained against the Ingress table, with
// `gateway=namespace/name` (and `port`, default its lowest) against that Gateway listener's table.
import type { RoutingState } from '../controller/state.ts';
import type { EdgeStats } from '../proxy/edge-stats.ts';
import { explainView, type ExplainView } from './explain-view.ts';
import { listenerState } from './gateway-view.ts';

export interface ExplainOnQuery {
  readonly gateway?: string;
  readonly port?: number;
}

/** GET /api/v1/explain: the explanation and which Gateway listener it is for (null: the Ingress edge). */
export type ExplainAnswer = ExplainView & { readonly gateway: { readonly name: string; readonly port: number } | null };

export function explainOn(
  state: RoutingState,
  request: { readonly host: string; readonly path: string },
  on: ExplainOnQuery,
  edge: EdgeStats | null,
): ExplainAnswer | { readonly error: string } {
  const wanted = typeof on.gateway === 'string' ? on.gateway.trim() : '';
  if (wanted === '') return { ...explainView(state, request.host, request.path, edge), gateway: null };
  const listeners = (state.gateway?.listeners ?? [])
    .filter((listener) => listener.gateway === wanted)
    .sort((a, b) => a.port - b.port);
  if (listeners.length === 0) return { error: `Gateway ${wanted} serves no listener` };
  const listener = on.port === undefined ? listeners[0] : listeners.find((l) => l.port === on.port);
  if (listener === undefined) {
    return {
      error: `Gateway ${wanted} has no listener on port ${on.port} (ports: ${listeners.map((l) => l.port).join(', ')})`,
    };
  }
  return {
    ...explainView(listenerState(state, listener), request.host, request.path, edge),
    gateway: { name: wanted, port: listener.port },
  };
}
