import type { RouteStats } from '../telemetry/metrics.ts';
import type { RoutesView, RouteStatsView } from './routes-view.ts';
import { statsKey } from './routes-view.ts';
import type { StatusView } from './status-view.ts';
import type { HistorySample } from './traffic-history.ts';

/** Everything the page shows; embedded in the HTML and re-sent on each new generation. */
export interface PageModel {
  readonly status: StatusView;
  readonly routes: RoutesView;
}

/** Sent every few seconds: status (readiness can change without a new table) and the rates. */
export interface StatsUpdate {
  readonly status: StatusView;
  /** By "namespace/ingress/service". */
  readonly stats: Readonly<Record<string, RouteStatsView>>;
  /** The newest history sample (for the charts), or null before the first. */
  readonly sample: HistorySample | null;
}

export function statsUpdate(
  status: StatusView,
  routeStats: readonly RouteStats[],
  sample: HistorySample | null,
): StatsUpdate {
  const stats: Record<string, RouteStatsView> = {};
  for (const s of routeStats) {
    stats[statsKey(s.namespace, s.ingress, s.service)] = {
      requests: s.requests,
      requestsPerSecond: s.requestsPerSecond,
      errorRate: s.errorRate,
      p99Ms: s.p99Ms,
    };
  }
  return { status, stats, sample };
}
