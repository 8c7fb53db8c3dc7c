// The Gateway API side of /api/v1/routes and of the page: each Gateway with its conditions and, per listener
// port, the hosts and routes it serves (the same host view as the Ingress edge's), and each route's parents.
import type { RoutingState } from '../controller/state.ts';
import type { Condition, GatewayListener } from '../routing/gateway/types.ts';
import { compileMatcher } from '../routing/matcher.ts';
import type { BackendKey, EndpointIndex, TlsTable } from '../routing/types.ts';
import type { EdgeStats } from '../proxy/edge-stats.ts';
import type { RouteStats } from '../telemetry/metrics.ts';
import { backendView, type BackendView, type HostView, routesView, type TargetView } from './routes-view.ts';

export interface ConditionView {
  readonly type: string;
  readonly status: string;
  readonly reason: string;
  readonly message: string;
}

export interface GatewayListenerView {
  readonly port: number;
  readonly protocol: 'HTTP' | 'HTTPS';
  /** The Gateway listeners merged on this port. */
  readonly listenerNames: readonly string[];
  readonly hosts: readonly HostView[];
  readonly defaultBackend: TargetView | null;
}

export interface GatewayView {
  readonly namespace: string;
  readonly name: string;
  readonly gatewayClass: string | null;
  readonly conditions: readonly ConditionView[];
  readonly listeners: readonly GatewayListenerView[];
}

export interface GatewayRouteView {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly parents: readonly {
    /** "namespace/name" of the parent Gateway, with ":sectionName" when the route names one. */
    readonly parent: string;
    readonly conditions: readonly ConditionView[];
  }[];
}

/** `routes.gateways`: absent from the answer's meaning when the Gateway API is not served (then empty). */
export interface GatewaysView {
  readonly gateways: readonly GatewayView[];
  readonly routes: readonly GatewayRouteView[];
  /** The backends only Gateway routes use (the others are in `routes.backends`). */
  readonly backends: Readonly<Record<BackendKey, BackendView>>;
}

const noTls: TlsTable = Object.freeze({ hosts: new Map(), certificates: new Map(), defaultCertificate: null });

/** The state one Gateway port serves: its own table and certificates, every endpoint (as the edge builds it). */
export function listenerState(state: RoutingState, listener: GatewayListener): RoutingState {
  const extra = state.gateway?.endpoints;
  const endpoints: EndpointIndex =
    extra === undefined || extra.size === 0 ? state.result.endpoints : new Map([...state.result.endpoints, ...extra]);
  return {
    ...state,
    result: { ...state.result, table: listener.table, tls: listener.tls ?? noTls, endpoints },
    matcher: compileMatcher(listener.table),
  };
}

export function gatewaysView(
  state: RoutingState | null,
  stats: readonly RouteStats[],
  edge: EdgeStats | null,
  nowMs: number,
): GatewaysView {
  const gateway = state?.gateway;
  if (state === null || gateway === undefined) return { gateways: [], routes: [], backends: {} };
  const byGateway = new Map<string, GatewayListener[]>();
  for (const listener of gateway.listeners) {
    byGateway.set(listener.gateway, [...(byGateway.get(listener.gateway) ?? []), listener]);
  }
  const gateways = gateway.status.gateways.map((g): GatewayView => {
    const listeners = (byGateway.get(`${g.namespace}/${g.name}`) ?? []).sort((a, b) => a.port - b.port);
    return {
      namespace: g.namespace,
      name: g.name,
      gatewayClass: listeners[0]?.gatewayClass ?? null,
      conditions: g.conditions.map(conditionView),
      listeners: listeners.map((listener) => {
        // The Ingress view of this port's table: the same hosts, routes, TLS and statistics shapes.
        const view = routesView(listenerState(state, listener), stats, edge, null, nowMs);
        return {
          port: listener.port,
          protocol: listener.protocol,
          listenerNames: listener.listenerNames,
          hosts: view.hosts,
          defaultBackend: view.defaultBackend,
        };
      }),
    };
  });
  const routes = gateway.status.routes.map((r) => ({
    kind: r.kind,
    namespace: r.namespace,
    name: r.name,
    parents: r.parents.map((p) => ({
      parent: `${p.parentRef.namespace}/${p.parentRef.name}${p.parentRef.sectionName === undefined ? '' : `:${p.parentRef.sectionName}`}`,
      conditions: p.conditions.map(conditionView),
    })),
  }));
  const backends: Record<BackendKey, BackendView> = {};
  for (const backend of gateway.endpoints.values()) {
    if (!state.result.endpoints.has(backend.key)) backends[backend.key] = backendView(backend, edge);
  }
  return { gateways, routes, backends };
}

function conditionView(condition: Condition): ConditionView {
  return { type: condition.type, status: condition.status, reason: condition.reason, message: condition.message };
}
