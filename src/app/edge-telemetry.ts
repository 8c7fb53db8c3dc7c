import type { EdgeStats } from '../proxy/edge-stats.ts';
import type { Metrics } from '../telemetry/metrics.ts';
import { endpointKey } from '../routing/endpoint-key.ts';

/**
 * Feeds the gauges the edge cannot feed per request: open connections and ejected endpoints
 * (passive health), sampled every second off the request path. Returns a stop function.
 */
export function sampleEdgeTelemetry(
  metrics: Metrics,
  edgeStats: () => EdgeStats | null,
  connections: () => number,
  intervalMs = 1000,
): () => void {
  let ejectedBefore = new Set<string>();
  const sample = () => {
    metrics.setOpenConnections(connections());
    const stats = edgeStats();
    if (stats === null) return;
    const ejectedNow = new Set<string>();
    for (const [backend, endpoints] of Object.entries(stats.backends)) {
      let count = 0;
      for (const endpoint of endpoints) {
        if (endpoint.ejectedUntil === null) continue;
        count++;
        const key = `${backend}|${endpointKey(endpoint.address, endpoint.port)}`;
        ejectedNow.add(key);
        if (!ejectedBefore.has(key)) metrics.ejection();
      }
      metrics.setEjectedEndpoints(backend, count);
    }
    ejectedBefore = ejectedNow;
  };
  const timer = setInterval(sample, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
