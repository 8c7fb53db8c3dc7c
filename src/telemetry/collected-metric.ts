import type { Aggregator, Metric, Registry } from 'prom-client';

export interface Sample {
  metricName?: string;
  labels: Record<string, string | number>;
  value: number;
}

/**
 * A metric whose values live in sluice's own plain counters and are read only when scraped.
 * prom-client's labelled children hash their label object on every `inc`/`observe`; the edge's
 * per-request path instead bumps numbers in cached cells, and this turns them into samples.
 * The object has the shape prom-client's Registry reads (`get`, `reset`), so text output,
 * `getMetricsAsJSON()` and `AggregatorRegistry.aggregate()` work unchanged.
 */
export function registerCollected(
  registry: Registry,
  name: string,
  help: string,
  type: 'counter' | 'gauge' | 'histogram',
  aggregator: Aggregator,
  collect: () => Sample[],
): void {
  const metric = {
    name,
    help,
    type,
    aggregator,
    get: async () => ({ name, help, type, aggregator, values: collect() }),
    reset() {},
  };
  // Not a prom-client class, but it satisfies everything the Registry calls.
  registry.registerMetric(metric as unknown as Metric);
}

/** Appends Prometheus histogram samples (cumulative `_bucket`s, `_sum`, `_count`) for one label set. */
export function pushHistogram(
  out: Sample[],
  name: string,
  labels: Record<string, string | number>,
  bounds: readonly number[],
  counts: ArrayLike<number>,
  sum: number,
): void {
  let cumulative = 0;
  for (let i = 0; i < bounds.length; i++) {
    cumulative += counts[i];
    out.push({ metricName: `${name}_bucket`, labels: { ...labels, le: bounds[i] }, value: cumulative });
  }
  cumulative += counts[bounds.length];
  out.push({ metricName: `${name}_bucket`, labels: { ...labels, le: '+Inf' }, value: cumulative });
  out.push({ metricName: `${name}_sum`, labels, value: sum });
  out.push({ metricName: `${name}_count`, labels, value: cumulative });
}
