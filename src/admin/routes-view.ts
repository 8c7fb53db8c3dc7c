import type { RoutingState } from '../controller/state.ts';
import type { BackendEndpoints, BackendKey, BackendState, HostKind, PathType, Target } from '../routing/types.ts';
import type { RouteStats } from '../telemetry/metrics.ts';
import { edgeBackendView } from './edge-stats.ts';
import type { EdgeStats } from '../proxy/edge-stats.ts';
import { endpointKey } from '../routing/endpoint-key.ts';
import type { GatewaysView } from './gateway-view.ts';

const DAY_MS = 86_400_000;

export type EndpointHealth = 'ready' | 'terminating' | 'not-ready' | 'ejected';

export interface EndpointView {
  readonly address: string;
  readonly port: number;
  readonly health: EndpointHealth;
  readonly pod: string | null;
  readonly zone: string | null;
}

export interface BackendView {
  readonly key: BackendKey;
  readonly namespace: string;
  readonly service: string;
  readonly port: number | string;
  readonly state: BackendState;
  readonly reason: string | null;
  readonly externalName: { readonly host: string; readonly port: number } | null;
  readonly counts: {
    readonly ready: number;
    readonly terminating: number;
    readonly ejected: number;
    readonly notReady: number;
  };
  readonly endpoints: readonly EndpointView[];
  /** "address:port" the balancer picks next, when the edge can tell. */
  readonly next: string | null;
}

export interface RouteStatsView {
  readonly requests: number;
  readonly requestsPerSecond: number;
  readonly errorRate: number;
  readonly p99Ms: number | null;
}

export interface TargetView {
  readonly backend: BackendKey;
  readonly source: { readonly namespace: string; readonly name: string };
  /** Last minute, shared by every route of the same Ingress and Service. */
  readonly stats: RouteStatsView | null;
}

export interface RouteView extends TargetView {
  readonly path: string;
  readonly pathType: PathType;
  readonly match: 'exact' | 'prefix' | 'regex';
  readonly field: string;
}

export interface TlsView {
  readonly secret: string;
  /** False when the Secret is missing or unusable (see problems). */
  readonly valid: boolean;
  readonly subject: string | null;
  readonly issuer: string | null;
  readonly notBefore: string | null;
  readonly notAfter: string | null;
  readonly dnsNames: readonly string[];
  readonly expiresInDays: number | null;
}

export interface HostView {
  readonly host: string;
  readonly kind: HostKind;
  readonly tls: TlsView | null;
  readonly routes: readonly RouteView[];
  readonly defaultBackend: TargetView | null;
}

/** GET /api/v1/routes. Field names are stable (README). Never carries key material. */
export interface RoutesView {
  readonly generation: number;
  readonly builtAt: string | null;
  readonly hosts: readonly HostView[];
  readonly defaultBackend: TargetView | null;
  readonly backends: Readonly<Record<BackendKey, BackendView>>;
  /** The canonical text dump of the table (routing/dump.ts), or null when unavailable. */
  readonly dump: string | null;
  /** Gateway API (admin-views.ts adds it: gateway-view.ts). */
  readonly gateways?: GatewaysView;
}

export function statsKey(namespace: string, ingress: string, service: string): string {
  return `${namespace}/${ingress}/${service}`;
}

export function indexStats(stats: readonly RouteStats[]): Map<string, RouteStatsView> {
  const index = new Map<string, RouteStatsView>();
  for (const s of stats) {
    index.set(statsKey(s.namespace, s.ingress, s.service), {
      requests: s.requests,
      requestsPerSecond: s.requestsPerSecond,
      errorRate: s.errorRate,
      p99Ms: s.p99Ms,
    });
  }
  return index;
}

export function backendView(backend: BackendEndpoints, edge: EdgeStats | null): BackendView {
  const edgeView = edgeBackendView(edge, backend.key);
  const ejected = new Set(edgeView?.ejected ?? []);
  const counts = { ready: 0, terminating: 0, ejected: 0, notReady: 0 };
  const endpoints = backend.all.map((e): EndpointView => {
    let health: EndpointHealth;
    if (ejected.has(endpointKey(e.address, e.port))) health = 'ejected';
    else if (e.terminating) health = 'terminating';
    else if (e.ready) health = 'ready';
    else health = 'not-ready';
    counts[health === 'not-ready' ? 'notReady' : health]++;
    return { address: e.address, port: e.port, health, pod: e.pod, zone: e.zone };
  });
  return {
    key: backend.key,
    namespace: backend.namespace,
    service: backend.service,
    port: backend.servicePort,
    state: backend.state,
    reason: backend.reason,
    externalName: backend.externalName,
    counts,
    endpoints,
    next: edgeView?.next ?? null,
  };
}

export function routesView(
  state: RoutingState | null,
  stats: readonly RouteStats[],
  edge: EdgeStats | null,
  dump: string | null,
  nowMs: number,
): RoutesView {
  if (state === null) return { generation: 0, builtAt: null, hosts: [], defaultBackend: null, backends: {}, dump };
  const { table, endpoints, tls } = state.result;
  const statsIndex = indexStats(stats);
  const targetView = (target: Target): TargetView => ({
    backend: target.backend,
    source: { namespace: target.source.namespace, name: target.source.name },
    stats:
      statsIndex.get(
        statsKey(target.source.namespace, target.source.name, endpoints.get(target.backend)?.service ?? ''),
      ) ?? null,
  });
  const hosts = table.hosts.map(
    (host): HostView => ({
      host: host.host,
      kind: host.kind,
      tls: host.tlsSecret === null ? null : tlsView(host.tlsSecret, tls.certificates, nowMs),
      routes: host.routes.map((route) => ({
        ...targetView(route),
        path: route.path,
        pathType: route.pathType,
        match: route.match,
        field: route.field,
      })),
      defaultBackend: host.defaultBackend === null ? null : targetView(host.defaultBackend),
    }),
  );
  const backends: Record<BackendKey, BackendView> = {};
  for (const backend of endpoints.values()) backends[backend.key] = backendView(backend, edge);
  return {
    generation: state.generation,
    builtAt: state.builtAt,
    hosts,
    defaultBackend: table.defaultBackend === null ? null : targetView(table.defaultBackend),
    backends,
    dump,
  };
}

function tlsView(secret: string, certificates: RoutingState['result']['tls']['certificates'], nowMs: number): TlsView {
  const certificate = certificates.get(secret);
  if (certificate === undefined) {
    return {
      secret,
      valid: false,
      subject: null,
      issuer: null,
      notBefore: null,
      notAfter: null,
      dnsNames: [],
      expiresInDays: null,
    };
  }
  const expiry = Date.parse(certificate.notAfter);
  return {
    secret,
    valid: true,
    subject: certificate.subject,
    issuer: certificate.issuer,
    notBefore: certificate.notBefore,
    notAfter: certificate.notAfter,
    dnsNames: certificate.dnsNames,
    expiresInDays: Number.isFinite(expiry) ? Math.floor(((expiry - nowMs) / DAY_MS) * 10) / 10 : null,
  };
}
