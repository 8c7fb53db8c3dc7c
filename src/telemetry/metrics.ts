import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { RoutingState } from '../controller/state.ts';
import type { RequestRecord } from '../proxy/request-record.ts';
import type { BackendKey } from '../routing/types.ts';
import { type Sample, pushHistogram, registerCollected } from './collected-metric.ts';
import { DURATION_BUCKETS_MS, DURATION_BUCKETS_SECONDS, bucketIndex } from './duration-buckets.ts';
import { METHOD_LABELS, methodIndex, statusCodeLabel } from './method-label.ts';
import { RollingWindow, type WindowSummary } from './rolling-window.ts';

/** The `error` kinds of a RequestRecord that count as upstream errors; others are the client's doing. */
export const UPSTREAM_ERROR_KINDS = [
  'connect-refused',
  'connect-timeout',
  'reset',
  'timeout',
  'no-endpoint',
  'other',
] as const;

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
}

const DURATION_BUCKET_COUNT = DURATION_BUCKETS_SECONDS.length + 1;
const CODE_SPAN = 1000; // request counter key: methodIndex * CODE_SPAN + status code

/** Everything counted for one (namespace, ingress, service): plain numbers, bumped per request. */
class RouteCell {
  readonly namespace: string;
  readonly ingress: string;
  readonly service: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly requestCounts = new Map<number, number>();
  readonly durationCounts = new Float64Array(DURATION_BUCKET_COUNT);
  durationSum = 0;
  readonly window = new RollingWindow();

  constructor(namespace: string, ingress: string, service: string) {
    this.namespace = namespace;
    this.ingress = ingress;
    this.service = service;
    this.labels = Object.freeze({ namespace, ingress, service });
  }
}

type CellIndex = Map<string, Map<string, Map<string, RouteCell>>>;

export function createMetrics(options: MetricsOptions = {}): Metrics {
  const now = options.now ?? Date.now;
  const registry = new Registry();
  if (options.processMetrics !== false) collectDefaultMetrics({ register: registry });

  const cells: CellIndex = new Map();
  const upstreamErrors = new Float64Array(UPSTREAM_ERROR_KINDS.length);
  const connectCounts = new Float64Array(DURATION_BUCKET_COUNT);
  let connectSum = 0;
  let retries = 0;
  let ejections = 0;
  let openConnections = 0;
  /** Requests by upstream protocol ('http', 'https', 'h2c', 'h2', 'grpc', 'grpcs'). */
  const byUpstreamProtocol = new Map<string, number>();
  let lastState: RoutingState | null = null;
  const ejected = new Map<BackendKey, number>();

  function cellFor(namespace: string, ingress: string, service: string): RouteCell {
    let byIngress = cells.get(namespace);
    if (byIngress === undefined) cells.set(namespace, (byIngress = new Map()));
    let byService = byIngress.get(ingress);
    if (byService === undefined) byIngress.set(ingress, (byService = new Map()));
    let cell = byService.get(service);
    if (cell === undefined) byService.set(service, (cell = new RouteCell(namespace, ingress, service)));
    return cell;
  }

  function forEachCell(visit: (cell: RouteCell) => void): void {
    for (const byIngress of cells.values()) {
      for (const byService of byIngress.values()) for (const cell of byService.values()) visit(cell);
    }
  }

  function requestDone(record: RequestRecord): void {
    const cell = cellFor(record.namespace, record.ingress, record.service);
    const key = methodIndex(record.method) * CODE_SPAN + statusCodeLabel(record.status);
    cell.requestCounts.set(key, (cell.requestCounts.get(key) ?? 0) + 1);
    const seconds = record.durationMs / 1000;
    cell.durationCounts[bucketIndex(DURATION_BUCKETS_SECONDS, seconds)]++;
    cell.durationSum += seconds;
    cell.window.record(record.startTime + record.durationMs, record.durationMs, record.status >= 500);
    if (record.upstreamConnectMs > 0) {
      connectCounts[bucketIndex(DURATION_BUCKETS_MS, record.upstreamConnectMs)]++;
      connectSum += record.upstreamConnectMs / 1000;
    }
    if (record.retries > 0) retries += record.retries;
    if (record.upstreamProtocol !== '')
      byUpstreamProtocol.set(record.upstreamProtocol, (byUpstreamProtocol.get(record.upstreamProtocol) ?? 0) + 1);
    if (record.error !== '') {
      const kind = upstreamErrorIndex(record.error);
      if (kind >= 0) upstreamErrors[kind]++;
    }
  }

  registerCollected(
    registry,
    'sluice_requests_total',
    'Requests finished, by route and response status.',
    'counter',
    'sum',
    () => {
      const out: Sample[] = [];
      forEachCell((cell) => {
        for (const [key, value] of cell.requestCounts) {
          const method = METHOD_LABELS[Math.floor(key / CODE_SPAN)];
          out.push({ labels: { ...cell.labels, method, code: key % CODE_SPAN }, value });
        }
      });
      return out;
    },
  );
  registerCollected(
    registry,
    'sluice_request_duration_seconds',
    'Time from request arrival to the end of the response, by route.',
    'histogram',
    'sum',
    () => {
      const out: Sample[] = [];
      forEachCell((cell) =>
        pushHistogram(
          out,
          'sluice_request_duration_seconds',
          cell.labels,
          DURATION_BUCKETS_SECONDS,
          cell.durationCounts,
          cell.durationSum,
        ),
      );
      return out;
    },
  );
  registerCollected(
    registry,
    'sluice_upstream_connect_duration_seconds',
    'Time to open a new upstream connection (requests on reused connections are not observed).',
    'histogram',
    'sum',
    () => {
      const out: Sample[] = [];
      pushHistogram(
        out,
        'sluice_upstream_connect_duration_seconds',
        {},
        DURATION_BUCKETS_SECONDS,
        connectCounts,
        connectSum,
      );
      return out;
    },
  );
  registerCollected(
    registry,
    'sluice_upstream_errors_total',
    'Requests that failed on the upstream side, by kind.',
    'counter',
    'sum',
    () => UPSTREAM_ERROR_KINDS.map((kind, i) => ({ labels: { kind }, value: upstreamErrors[i] })),
  );
  registerCollected(
    registry,
    'sluice_upstream_requests_total',
    'Requests sent upstream, by protocol towards the pods (http, https, h2c, h2, grpc, grpcs).',
    'counter',
    'sum',
    () => [...byUpstreamProtocol].map(([protocol, value]) => ({ labels: { protocol }, value })),
  );
  registerCollected(
    registry,
    'sluice_retries_total',
    'Upstream attempts repeated on another endpoint.',
    'counter',
    'sum',
    () => [{ labels: {}, value: retries }],
  );
  registerCollected(
    registry,
    'sluice_endpoint_ejections_total',
    'Endpoints ejected by the balancer after failures.',
    'counter',
    'sum',
    () => [{ labels: {}, value: ejections }],
  );
  registerCollected(registry, 'sluice_open_connections', 'Client connections open on the edge.', 'gauge', 'sum', () => [
    { labels: {}, value: openConnections },
  ]);

  const tableBuilds = new Counter({
    name: 'sluice_table_builds_total',
    help: 'Routing tables published.',
    registers: [registry],
    aggregator: 'max',
  });
  const tableBuildDuration = new Histogram({
    name: 'sluice_table_build_duration_seconds',
    help: 'Time to build a routing table from a snapshot.',
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
    aggregator: 'max',
  });
  const generation = new Gauge({
    name: 'sluice_table_generation',
    help: 'Generation of the live routing table.',
    registers: [registry],
    aggregator: 'max',
  });
  const backendEndpoints = new Gauge({
    name: 'sluice_backend_endpoints',
    help: 'Endpoints per backend by state (ready, terminating, ejected).',
    labelNames: ['namespace', 'service', 'port', 'state'],
    registers: [registry],
    aggregator: 'max',
  });
  const leader = new Gauge({
    name: 'sluice_leader',
    help: '1 while this instance holds the leader Lease (writes Ingress status).',
    registers: [registry],
    aggregator: 'max',
  });
  const certificateExpiry = new Gauge({
    name: 'sluice_certificate_expiry_timestamp_seconds',
    help: 'notAfter of each TLS certificate in use, as a Unix time.',
    labelNames: ['secret'],
    registers: [registry],
    aggregator: 'min',
  });
  const problems = new Gauge({
    name: 'sluice_problems',
    help: 'Problems found in the last build (see /api/v1/status).',
    registers: [registry],
    aggregator: 'max',
  });
  leader.set(0);
  generation.set(0);
  problems.set(0);

  function setEndpointGauges(state: RoutingState): void {
    backendEndpoints.reset();
    for (const backend of state.result.endpoints.values()) {
      let ready = 0;
      let terminating = 0;
      for (const endpoint of backend.all) {
        if (endpoint.terminating) terminating++;
        else if (endpoint.ready) ready++;
      }
      const labels = { namespace: backend.namespace, service: backend.service, port: String(backend.servicePort) };
      backendEndpoints.set({ ...labels, state: 'ready' }, ready);
      backendEndpoints.set({ ...labels, state: 'terminating' }, terminating);
      backendEndpoints.set({ ...labels, state: 'ejected' }, ejected.get(backend.key) ?? 0);
    }
  }

  /** Forgets cells of routes gone from the table once they have been idle for a minute (bounds memory). */
  function pruneCells(state: RoutingState): void {
    const live = liveRouteKeys(state);
    const at = now();
    for (const [namespace, byIngress] of cells) {
      for (const [ingress, byService] of byIngress) {
        for (const [service, cell] of byService) {
          if (namespace === '' && ingress === '') continue; // unmatched requests
          if (!live.has(`${namespace}/${ingress}/${service}`) && cell.window.summary(at).requests === 0)
            byService.delete(service);
        }
        if (byService.size === 0) byIngress.delete(ingress);
      }
      if (byIngress.size === 0) cells.delete(namespace);
    }
  }

  return {
    registry,
    requestDone,
    tablePublished(state) {
      if (lastState !== null && lastState.generation === state.generation) return;
      lastState = state;
      tableBuilds.inc();
      tableBuildDuration.observe(state.buildMs / 1000);
      generation.set(state.generation);
      problems.set(state.result.problems.length);
      certificateExpiry.reset();
      for (const certificate of state.result.tls.certificates.values()) {
        const expiry = Date.parse(certificate.notAfter);
        if (Number.isFinite(expiry)) certificateExpiry.set({ secret: certificate.secret }, expiry / 1000);
      }
      for (const key of ejected.keys()) if (!state.result.endpoints.has(key)) ejected.delete(key);
      setEndpointGauges(state);
      pruneCells(state);
    },
    setLeader(isLeader) {
      leader.set(isLeader ? 1 : 0);
    },
    setOpenConnections(count) {
      openConnections = count;
    },
    ejection() {
      ejections++;
    },
    setEjectedEndpoints(backend, count) {
      if (count > 0) ejected.set(backend, count);
      else ejected.delete(backend);
      const info = lastState?.result.endpoints.get(backend);
      if (info !== undefined) {
        backendEndpoints.set(
          { namespace: info.namespace, service: info.service, port: String(info.servicePort), state: 'ejected' },
          count,
        );
      }
    },
    routeStats(nowMs = now()) {
      const out: RouteStats[] = [];
      forEachCell((cell) =>
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

function liveRouteKeys(state: RoutingState): Set<string> {
  const live = new Set<string>();
  const add = (namespace: string, ingress: string, backend: BackendKey) => {
    const service = state.result.endpoints.get(backend)?.service ?? '';
    live.add(`${namespace}/${ingress}/${service}`);
  };
  const table = state.result.table;
  if (table.defaultBackend !== null)
    add(table.defaultBackend.source.namespace, table.defaultBackend.source.name, table.defaultBackend.backend);
  for (const host of table.hosts) {
    if (host.defaultBackend !== null)
      add(host.defaultBackend.source.namespace, host.defaultBackend.source.name, host.defaultBackend.backend);
    for (const route of host.routes) add(route.source.namespace, route.source.name, route.backend);
  }
  return live;
}

function upstreamErrorIndex(kind: string): number {
  switch (kind) {
    case 'connect-refused':
      return 0;
    case 'connect-timeout':
      return 1;
    case 'reset':
      return 2;
    case 'timeout':
      return 3;
    case 'no-endpoint':
      return 4;
    case 'client-abort':
    case 'bad-request':
    case 'no-route':
      return -1;
    default:
      return 5;
  }
}
