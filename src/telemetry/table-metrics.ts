import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { RoutingState } from '../controller/state.ts';
import type { BackendKey } from '../routing/types.ts';

export interface TableMetrics {
  /** Once per generation: build count and time, generation, problems, certificates, endpoint gauges. */
  published(state: RoutingState): void;
  setLeader(leader: boolean): void;
  setEjectedEndpoints(backend: BackendKey, count: number): void;
}

/** The metrics of the routing table and the controller (prom-client's own classes: they change rarely). */
export function createTableMetrics(registry: Registry): TableMetrics {
  return new TableMetricsRecorder(registerTableMetrics(registry));
}

interface TableMetricSet {
  readonly tableBuilds: Counter;
  readonly tableBuildDuration: Histogram;
  readonly generation: Gauge;
  readonly backendEndpoints: Gauge;
  readonly leader: Gauge;
  readonly certificateExpiry: Gauge;
  readonly problems: Gauge;
}

function registerTableMetrics(registry: Registry): TableMetricSet {
  const gauge = (name: string, help: string, labelNames: string[] = [], aggregator: 'max' | 'min' = 'max') =>
    new Gauge({ name, help, labelNames, registers: [registry], aggregator });
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
  const generation = gauge('sluice_table_generation', 'Generation of the live routing table.');
  const backendEndpoints = gauge(
    'sluice_backend_endpoints',
    'Endpoints per backend by state (ready, terminating, ejected).',
    ['namespace', 'service', 'port', 'state'],
  );
  const leader = gauge('sluice_leader', '1 while this instance holds the leader Lease (writes Ingress status).');
  const certificateExpiry = gauge(
    'sluice_certificate_expiry_timestamp_seconds',
    'notAfter of each TLS certificate in use, as a Unix time.',
    ['secret'],
    'min',
  );
  const problems = gauge('sluice_problems', 'Problems found in the last build (see /api/v1/status).');
  leader.set(0);
  generation.set(0);
  problems.set(0);
  return { tableBuilds, tableBuildDuration, generation, backendEndpoints, leader, certificateExpiry, problems };
}

class TableMetricsRecorder implements TableMetrics {
  readonly #metrics: TableMetricSet;
  #lastState: RoutingState | null = null;
  readonly #ejected = new Map<BackendKey, number>();

  constructor(metrics: TableMetricSet) {
    this.#metrics = metrics;
  }

  published(state: RoutingState): void {
    if (this.#lastState !== null && this.#lastState.generation === state.generation) return;
    const previous = this.#lastState;
    this.#lastState = state;
    const metrics = this.#metrics;
    metrics.tableBuilds.inc();
    metrics.tableBuildDuration.observe(state.buildMs / 1000);
    metrics.generation.set(state.generation);
    metrics.problems.set(state.result.problems.length);
    this.#setCertificateExpiry(state);
    for (const key of this.#ejected.keys()) if (!state.result.endpoints.has(key)) this.#ejected.delete(key);
    // An incremental build keeps the endpoint index object when no endpoint changed (issue 11).
    if (previous === null || previous.result.endpoints !== state.result.endpoints) this.#setEndpointGauges(state);
  }

  setLeader(isLeader: boolean): void {
    this.#metrics.leader.set(isLeader ? 1 : 0);
  }

  setEjectedEndpoints(backend: BackendKey, count: number): void {
    if (count > 0) this.#ejected.set(backend, count);
    else this.#ejected.delete(backend);
    const info = this.#lastState?.result.endpoints.get(backend);
    if (info === undefined) return;
    const labels = { namespace: info.namespace, service: info.service, port: String(info.servicePort) };
    this.#metrics.backendEndpoints.set({ ...labels, state: 'ejected' }, count);
  }

  #setCertificateExpiry(state: RoutingState): void {
    const certificateExpiry = this.#metrics.certificateExpiry;
    certificateExpiry.reset();
    for (const certificate of state.result.tls.certificates.values()) {
      const expiry = Date.parse(certificate.notAfter);
      if (Number.isFinite(expiry)) certificateExpiry.set({ secret: certificate.secret }, expiry / 1000);
    }
  }

  #setEndpointGauges(state: RoutingState): void {
    const backendEndpoints = this.#metrics.backendEndpoints;
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
      backendEndpoints.set({ ...labels, state: 'ejected' }, this.#ejected.get(backend.key) ?? 0);
    }
  }
}
