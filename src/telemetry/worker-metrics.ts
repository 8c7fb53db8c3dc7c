import { AggregatorRegistry, type Registry } from 'prom-client';

/** One worker's metrics as `registry.getMetricsAsJSON()` returns them (sent to the primary over IPC). */
export type WorkerMetricsJson = Awaited<ReturnType<Registry['getMetricsAsJSON']>>;

/**
 * Merges the metrics of edge workers into one registry for /metrics. Each metric declares how it
 * merges (`aggregator`): request counters and histograms sum, table gauges take the max, certificate
 * expiry the min.
 */
export function mergeWorkerMetrics(workers: readonly WorkerMetricsJson[]): Registry {
  return AggregatorRegistry.aggregate(workers as WorkerMetricsJson[]);
}
