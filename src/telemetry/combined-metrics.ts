import type { Metrics, RouteStats } from './metrics.ts';
import { mergeWorkerMetrics, type WorkerMetricsJson } from './worker-metrics.ts';

/** What an edge worker reports of its traffic, every few seconds. */
export interface WorkerTelemetry {
  readonly metrics: WorkerMetricsJson;
  readonly routes: readonly RouteStats[];
}

/**
 * The primary's metrics (table, leader, process) plus what the edge workers counted, as one Metrics
 * for the admin server: /metrics merges the registries; the page's per-route figures add up.
 */
export function combineMetrics(primary: Metrics, workers: () => Iterable<WorkerTelemetry>): Metrics {
  return {
    ...primary,
    async text() {
      const parts = [await primary.registry.getMetricsAsJSON()];
      for (const worker of workers()) parts.push(worker.metrics);
      return mergeWorkerMetrics(parts).metrics();
    },
    routeStats(nowMs?: number) {
      const all = [...primary.routeStats(nowMs)];
      for (const worker of workers()) all.push(...worker.routes);
      return mergeRouteStats(all);
    },
  };
}

/** Sums figures of the same (namespace, ingress, service); p99 is the worst worker's (an upper bound). */
export function mergeRouteStats(stats: readonly RouteStats[]): RouteStats[] {
  const merged = new Map<string, RouteStats>();
  for (const s of stats) {
    const key = `${s.namespace}/${s.ingress}/${s.service}`;
    const seen = merged.get(key);
    if (seen === undefined) {
      merged.set(key, s);
      continue;
    }
    const requests = seen.requests + s.requests;
    const errors = seen.errors + s.errors;
    merged.set(key, {
      ...seen,
      requests,
      errors,
      requestsPerSecond: seen.requestsPerSecond + s.requestsPerSecond,
      errorRate: requests === 0 ? 0 : errors / requests,
      p99Ms: seen.p99Ms === null ? s.p99Ms : s.p99Ms === null ? seen.p99Ms : Math.max(seen.p99Ms, s.p99Ms),
      windowSeconds: Math.max(seen.windowSeconds, s.windowSeconds),
    });
  }
  return [...merged.values()];
}
