import type { Registry } from 'prom-client';
import type { RequestRecord } from '../proxy/request-record.ts';
import { type Sample, pushHistogram, registerCollected } from './collected-metric.ts';
import { DURATION_BUCKETS_MS, DURATION_BUCKETS_SECONDS, bucketIndex } from './duration-buckets.ts';
import { METHOD_LABELS, methodIndex, statusCodeLabel } from './method-label.ts';
import { DURATION_BUCKET_COUNT, type RouteCells } from './route-cells.ts';
import { UPSTREAM_ERROR_KINDS, upstreamErrorIndex } from './upstream-error-kind.ts';

const CODE_SPAN = 1000; // request counter key: methodIndex * CODE_SPAN + status code

/** The edge-wide counters (not per route), bumped per request or sampled. */
export class EdgeCounters {
  readonly upstreamErrors = new Float64Array(UPSTREAM_ERROR_KINDS.length);
  readonly connectCounts = new Float64Array(DURATION_BUCKET_COUNT);
  connectSum = 0;
  retries = 0;
  ejections = 0;
  openConnections = 0;
}

/** Counts one finished request into its route cell and the edge-wide counters: no allocation. */
export function recordRequest(cells: RouteCells, edge: EdgeCounters, record: RequestRecord): void {
  const cell = cells.cellFor(record.namespace, record.ingress, record.service);
  const key = methodIndex(record.method) * CODE_SPAN + statusCodeLabel(record.status);
  cell.requestCounts.set(key, (cell.requestCounts.get(key) ?? 0) + 1);
  const seconds = record.durationMs / 1000;
  cell.durationCounts[bucketIndex(DURATION_BUCKETS_SECONDS, seconds)]++;
  cell.durationSum += seconds;
  cell.window.record(record.startTime + record.durationMs, record.durationMs, record.status >= 500);
  if (record.upstreamConnectMs > 0) {
    edge.connectCounts[bucketIndex(DURATION_BUCKETS_MS, record.upstreamConnectMs)]++;
    edge.connectSum += record.upstreamConnectMs / 1000;
  }
  if (record.retries > 0) edge.retries += record.retries;
  if (record.error !== '') {
    const kind = upstreamErrorIndex(record.error);
    if (kind >= 0) edge.upstreamErrors[kind]++;
  }
}

/** sluice_requests_total and sluice_request_duration_seconds, read from the route cells when scraped. */
export function registerRouteMetrics(registry: Registry, cells: RouteCells): void {
  registerCollected(
    registry,
    'sluice_requests_total',
    'Requests finished, by route and response status.',
    'counter',
    'sum',
    () => {
      const out: Sample[] = [];
      cells.forEach((cell) => {
        for (const [key, value] of cell.requestCounts) {
          const method = METHOD_LABELS[Math.floor(key / CODE_SPAN)];
          out.push({ labels: { ...cell.labels, method, code: key % CODE_SPAN }, value });
        }
      });
      return out;
    },
  );
  const durationName = 'sluice_request_duration_seconds';
  registerCollected(
    registry,
    durationName,
    'Time from request arrival to the end of the response, by route.',
    'histogram',
    'sum',
    () => {
      const out: Sample[] = [];
      cells.forEach((cell) =>
        pushHistogram(out, durationName, cell.labels, DURATION_BUCKETS_SECONDS, cell.durationCounts, cell.durationSum),
      );
      return out;
    },
  );
}

/** The edge-wide metrics: upstream connect time, upstream errors, retries, ejections, open connections. */
export function registerEdgeMetrics(registry: Registry, edge: EdgeCounters): void {
  const connectName = 'sluice_upstream_connect_duration_seconds';
  registerCollected(
    registry,
    connectName,
    'Time to open a new upstream connection (requests on reused connections are not observed).',
    'histogram',
    'sum',
    () => {
      const out: Sample[] = [];
      pushHistogram(out, connectName, {}, DURATION_BUCKETS_SECONDS, edge.connectCounts, edge.connectSum);
      return out;
    },
  );
  registerCollected(
    registry,
    'sluice_upstream_errors_total',
    'Requests that failed on the upstream side, by kind.',
    'counter',
    'sum',
    () => UPSTREAM_ERROR_KINDS.map((kind, i) => ({ labels: { kind }, value: edge.upstreamErrors[i] })),
  );
  const single = (name: string, help: string, type: 'counter' | 'gauge', read: () => number) =>
    registerCollected(registry, name, help, type, 'sum', () => [{ labels: {}, value: read() }]);
  single('sluice_retries_total', 'Upstream attempts repeated on another endpoint.', 'counter', () => edge.retries);
  single(
    'sluice_endpoint_ejections_total',
    'Endpoints ejected by the balancer after failures.',
    'counter',
    () => edge.ejections,
  );
  single('sluice_open_connections', 'Client connections open on the edge.', 'gauge', () => edge.openConnections);
}
