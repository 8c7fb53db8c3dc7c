import { Registry, collectDefaultMetrics } from 'prom-client';
import type { RoutingState } from '../controller/state.ts';
import type { RequestRecord } from '../proxy/request-record.ts';
import type { BackendKey } from '../routing/types.ts';
import { registerExternalAuthMetrics } from './external-auth-metrics.ts';
import { type ControllerLabels, recordIngressNginx, registerIngressNginxMetrics } from './ingress-nginx-metrics.ts';
import { EdgeCounters, recordRequest, registerEdgeMetrics, registerRouteMetrics } from './request-metrics.ts';
import type { WindowSummary } from './rolling-window.ts';
import { RouteCells } from './route-cells.ts';
import { createTableMetrics } from './table-metrics.ts';

export interface RouteStats extends WindowSummary {
  readonly namespace: string;
  readonly ingress: string;
  readonly service: string;
}

export interface Metrics {
  /** sluice's own registry (never prom-client's global one). */
  readonly registry: Registry;
  /** A RequestRecordListener: pass it to the edge as is (it is bound). */
  readonly requestDone: (record: RequestRecord) => void;
  tablePublished(state: RoutingState): void;
  setLeader(leader: boolean): void;
  setOpenConnections(count: number): void;
  /** One endpoint was ejected by the balancer. */
  ejection(): void;
  /** How many endpoints of a backend are ejected now (feeds sluice_backend_endpoints{state="ejected"}). */
  setEjectedEndpoints(backend: BackendKey, count: number): void;
  /** Per (namespace, ingress, service): the last minute's rate, error rate and p99, for the page. */
  routeStats(nowMs?: number): RouteStats[];
  /** Prometheus text exposition. */
  text(): Promise<string>;
  readonly contentType: string;
}

export interface MetricsOptions {
  /** Clock for the rolling windows' read side (tests). Recording uses the record's own times. */
  readonly now?: () => number;
  /** Default process metrics (on unless false). */
  readonly processMetrics?: boolean;
  /** `--metrics-compat ingress-nginx`: also the nginx_ingress_controller_* request metrics, with these labels. */
  readonly ingressNginx?: ControllerLabels | null;
}

/**
 * sluice's metrics in its own registry: per-route request counters and windows (route-cells,
 * request-metrics), edge-wide counters, and the table's gauges (table-metrics).
 */
/** Cells of routes gone from the table are looked for at most this often (on a publish). */
const PRUNE_INTERVAL_MS = 10_000;

export function createMetrics(options: MetricsOptions = {}): Metrics {
  const now = options.now ?? Date.now;
  const registry = new Registry();
  if (options.processMetrics !== false) collectDefaultMetrics({ register: registry });
  const cells = new RouteCells();
  const edge = new EdgeCounters();
  registerRouteMetrics(registry, cells);
  registerEdgeMetrics(registry, edge);
  registerExternalAuthMetrics(registry);
  const table = createTableMetrics(registry);
  const compat = options.ingressNginx ?? null;
  if (compat !== null) registerIngressNginxMetrics(registry, cells, compat);

  let lastPruneAt: number | null = null;
  return {
    registry,
    requestDone:
      compat === null
        ? (record) => recordRequest(cells, edge, record)
        : (record) => {
            recordRequest(cells, edge, record);
            recordIngressNginx(cells, record);
          },
    tablePublished(state) {
      table.published(state);
      // Walking every route costs milliseconds at 10k Ingresses (issue 11): not on every publish.
      const at = now();
      if (lastPruneAt === null || at - lastPruneAt >= PRUNE_INTERVAL_MS) {
        lastPruneAt = at;
        cells.prune(state, at);
      }
    },
    setLeader: (leader) => table.setLeader(leader),
    setOpenConnections(count) {
      edge.openConnections = count;
    },
    ejection() {
      edge.ejections++;
    },
    setEjectedEndpoints: (backend, count) => table.setEjectedEndpoints(backend, count),
    routeStats(nowMs = now()) {
      const out: RouteStats[] = [];
      cells.forEach((cell) =>
        out.push({
          namespace: cell.namespace,
          ingress: cell.ingress,
          service: cell.service,
          ...cell.window.summary(nowMs),
        }),
      );
      return out;
    },
    text: () => registry.metrics(),
    contentType: registry.contentType,
  };
}
