// `--metrics-compat ingress-nginx`: the request metrics ingress-nginx exposes, with its names, label
// names and bucket layout, so its community dashboards and alerts work unchanged. Source:
// kubernetes/ingress-nginx internal/ingress/metric/collectors/socket.go (requestTags, the histograms
// and the `requests` counter, namespace "nginx_ingress_controller") and pkg/flags/flags.go (defaults:
// --metrics-per-host=true, time buckets prometheus.DefBuckets, length buckets LinearBuckets(10, 10, 10),
// size buckets ExponentialBuckets(10, 10, 7)).
import type { Registry } from 'prom-client';
import type { RequestRecord } from '../proxy/request-record.ts';
import { type Sample, pushHistogram, registerCollected } from './collected-metric.ts';
import { bucketIndex } from './duration-buckets.ts';
import { METHOD_LABELS, methodIndex, statusCodeLabel } from './method-label.ts';
import type { RouteCell, RouteCells } from './route-cells.ts';

const PREFIX = 'nginx_ingress_controller_';
/** prometheus.DefBuckets (client_golang). */
const NGINX_TIME_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** prometheus.LinearBuckets(10, 10, 10). */
const NGINX_LENGTH_BUCKETS: readonly number[] = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100];
/** prometheus.ExponentialBuckets(10, 10, 7). */
const NGINX_SIZE_BUCKETS: readonly number[] = [10, 100, 1e3, 1e4, 1e5, 1e6, 1e7];
const CODE_SPAN = 1000;

/** The constant labels ingress-nginx puts on every request metric. */
export interface ControllerLabels {
  readonly controllerNamespace: string;
  readonly controllerClass: string;
  readonly controllerPod: string;
}

class Histogram {
  readonly bounds: readonly number[];
  readonly counts: Float64Array;
  sum = 0;
  constructor(bounds: readonly number[]) {
    this.bounds = bounds;
    this.counts = new Float64Array(bounds.length + 1);
  }
  observe(value: number): void {
    this.counts[bucketIndex(this.bounds, value)]++;
    this.sum += value;
  }
}

/** One ingress-nginx label set past (namespace, ingress, service): host, path, method and status. */
class CompatSeries {
  requests = 0;
  readonly requestTime = new Histogram(NGINX_TIME_BUCKETS);
  readonly connectTime = new Histogram(NGINX_TIME_BUCKETS);
  readonly headerTime = new Histogram(NGINX_TIME_BUCKETS);
  readonly responseTime = new Histogram(NGINX_TIME_BUCKETS);
  readonly requestSize = new Histogram(NGINX_LENGTH_BUCKETS);
  readonly responseSize = new Histogram(NGINX_LENGTH_BUCKETS);
  readonly bytesSent = new Histogram(NGINX_SIZE_BUCKETS);
}

/** host → rule path → method/status key → series; kept on the route cell, so it goes when the route goes. */
type CompatIndex = Map<string, Map<string, Map<number, CompatSeries>>>;
const compatOf = new WeakMap<RouteCell, CompatIndex>();

/**
 * Counts a request into its ingress-nginx series. Labels are bounded: host and path are the matched
 * rule's (as ingress-nginx's location_path), never the request's.
 */
export function recordIngressNginx(cells: RouteCells, record: RequestRecord): void {
  const cell = cells.cellFor(record.namespace, record.ingress, record.service);
  let byHost = compatOf.get(cell);
  if (byHost === undefined) compatOf.set(cell, (byHost = new Map()));
  let byPath = byHost.get(record.ruleHost);
  if (byPath === undefined) byHost.set(record.ruleHost, (byPath = new Map()));
  let byCode = byPath.get(record.rulePath);
  if (byCode === undefined) byPath.set(record.rulePath, (byCode = new Map()));
  const key = methodIndex(record.method) * CODE_SPAN + statusCodeLabel(record.status);
  let series = byCode.get(key);
  if (series === undefined) byCode.set(key, (series = new CompatSeries()));
  series.requests++;
  series.requestTime.observe(record.durationMs / 1000);
  // nginx reports upstream_connect_time only when an upstream was tried (0 on a reused connection).
  if (record.upstreamAddress !== '') series.connectTime.observe(record.upstreamConnectMs / 1000);
  if (record.upstreamHeaderMs > 0) series.headerTime.observe(record.upstreamHeaderMs / 1000);
  if (record.upstreamResponseMs > 0) series.responseTime.observe(record.upstreamResponseMs / 1000);
  series.requestSize.observe(record.bytesIn);
  series.responseSize.observe(record.bytesOut);
  series.bytesSent.observe(record.bytesOut);
}

type SeriesVisit = (labels: Record<string, string>, series: CompatSeries) => void;

function forEachSeries(cells: RouteCells, controller: ControllerLabels, visit: SeriesVisit): void {
  cells.forEach((cell) => {
    const byHost = compatOf.get(cell);
    if (byHost === undefined) return;
    for (const [host, byPath] of byHost) {
      for (const [path, byCode] of byPath) {
        for (const [key, series] of byCode) {
          const labels = {
            controller_namespace: controller.controllerNamespace,
            controller_class: controller.controllerClass,
            controller_pod: controller.controllerPod,
            status: String(key % CODE_SPAN),
            method: METHOD_LABELS[Math.floor(key / CODE_SPAN)],
            path,
            namespace: cell.namespace,
            ingress: cell.ingress,
            service: cell.service,
            canary: '',
            host,
          };
          visit(labels, series);
        }
      }
    }
  });
}

/** The histograms ingress-nginx's socket collector exposes that sluice can fill, with their help texts. */
const HISTOGRAMS: readonly [string, string, (s: CompatSeries) => Histogram][] = [
  ['request_duration_seconds', 'The request processing time in milliseconds', (s) => s.requestTime],
  ['header_duration_seconds', 'The time spent on receiving first header from the upstream server', (s) => s.headerTime],
  [
    'response_duration_seconds',
    'The time spent on receiving the response from the upstream server',
    (s) => s.responseTime,
  ],
  [
    'connect_duration_seconds',
    'The time spent on establishing a connection with the upstream server',
    (s) => s.connectTime,
  ],
  ['request_size', 'The request length (including request line, header, and request body)', (s) => s.requestSize],
  ['response_size', 'The response length (including request line, header, and request body)', (s) => s.responseSize],
  ['bytes_sent', 'DEPRECATED The number of bytes sent to a client', (s) => s.bytesSent],
];

export function registerIngressNginxMetrics(registry: Registry, cells: RouteCells, controller: ControllerLabels): void {
  registerCollected(registry, `${PREFIX}requests`, 'The total number of client requests', 'counter', 'sum', () => {
    const out: Sample[] = [];
    forEachSeries(cells, controller, (labels, series) => out.push({ labels, value: series.requests }));
    return out;
  });
  for (const [suffix, help, pick] of HISTOGRAMS) {
    const name = PREFIX + suffix;
    registerCollected(registry, name, help, 'histogram', 'sum', () => {
      const out: Sample[] = [];
      forEachSeries(cells, controller, (labels, series) => {
        const histogram = pick(series);
        pushHistogram(out, name, labels, histogram.bounds, histogram.counts, histogram.sum);
      });
      return out;
    });
  }
}
