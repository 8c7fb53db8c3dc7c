import { type AuditResult, auditBuild } from '../audit/audit-report.ts';
import type { RoutingState } from '../controller/state.ts';
import type { EdgeStats } from '../proxy/edge-stats.ts';
import type { Metrics } from '../telemetry/metrics.ts';
import { dumpText } from './dump-text.ts';
import { gatewaysView } from './gateway-view.ts';
import { type PageModel, type StatsUpdate, statsUpdate } from './page-model.ts';
import { type RoutesView, routesView } from './routes-view.ts';
import { type Readiness, type SourceStatus, type StatusView, statusView } from './status-view.ts';
import { HISTORY_SAMPLE_MS, TrafficHistory, startHistorySampler } from './traffic-history.ts';

export interface AdminViewSources {
  getState(): RoutingState | null;
  readiness(): Readiness;
  readonly metrics: Metrics;
  sources(): SourceStatus[];
  edgeStats?(): EdgeStats | null;
  leader?(): boolean;
  readonly historySampleMs?: number;
  readonly now?: () => number;
}

export interface AdminViews {
  now(): number;
  edge(): EdgeStats | null;
  status(): StatusView;
  routes(): RoutesView;
  /** The audit of the live table's Ingresses (the `audit` command's own code). */
  ingresses(): AuditResult;
  model(): PageModel;
  stats(): StatsUpdate;
  readonly history: TrafficHistory;
  /** Stops the history sampler. */
  stop(): void;
}

const NO_AUDIT: AuditResult = {
  ingresses: [],
  summary: { ingresses: 0, supported: 0, partial: 0, unsupported: 0, invalid: 0 },
};

/** The admin API's answers, computed on demand from the live state, metrics and edge. */
export function createAdminViews(options: AdminViewSources): AdminViews {
  const now = options.now ?? Date.now;
  const edge = () => (options.edgeStats === undefined ? null : options.edgeStats());
  const leader = () => (options.leader === undefined ? null : options.leader());
  const status = () => statusView(options.getState(), options.readiness(), options.sources(), leader(), edge());
  const routes = () => {
    const state = options.getState();
    const dump = state === null ? null : dumpText(state.result, state.gateway);
    const stats = options.metrics.routeStats();
    return { ...routesView(state, stats, edge(), dump, now()), gateways: gatewaysView(state, stats, edge(), now()) };
  };
  const sampleMs = options.historySampleMs ?? HISTORY_SAMPLE_MS;
  const history = new TrafficHistory(sampleMs);
  const stop = startHistorySampler(history, {
    sampleMs,
    getState: options.getState,
    routeStats: (at) => options.metrics.routeStats(at),
    now,
  });
  return {
    now,
    edge,
    status,
    routes,
    ingresses: () => {
      const state = options.getState();
      return state === null ? NO_AUDIT : auditBuild(state.result);
    },
    model: () => ({ status: status(), routes: routes() }),
    stats: () => statsUpdate(status(), options.metrics.routeStats(), history.latestSample()),
    history,
    stop,
  };
}
