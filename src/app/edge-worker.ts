// --workers N: the primary keeps the one set of watches and the admin server; N edge worker processes
// share the ports (SO_REUSEPORT) and each builds its own table from what the primary sends (worker-tables.ts).
import { fileURLToPath } from 'node:url';
import type { Config } from '../config.ts';
import type { Current } from '../controller/current.ts';
import type { SnapshotSource } from '../controller/source.ts';
import { emptyRoutingState } from '../controller/routing-state.ts';
import type { RoutingState } from '../controller/state.ts';
import type { EdgeStats } from '../proxy/edge-stats.ts';
import { runAsEdgeWorker, startEdgeWorkers } from '../proxy/workers.ts';
import type { RequestRecord } from '../proxy/request-record.ts';
import { createAccessLogger } from '../telemetry/access-log.ts';
import type { WorkerTelemetry } from '../telemetry/combined-metrics.ts';
import { createMetrics } from '../telemetry/metrics.ts';
import { metricsOptionsFrom } from '../telemetry/metrics-options.ts';
import type { Logger } from '../util/logger.ts';
import { buildOptionsFrom } from './build-options.ts';
import { edgeFromConfig } from './edge-from-config.ts';
import { TableMessages, WorkerTables, type TableMessage } from './worker-tables.ts';

/** What each worker reports every few seconds. */
interface WorkerReport {
  readonly edge: EdgeStats;
  readonly connections: number;
  readonly telemetry: WorkerTelemetry;
}

export interface WorkerEdge {
  /** Balancer state of every worker, endpoint lists concatenated. */
  stats(): EdgeStats;
  connections(): number;
  telemetry(): WorkerTelemetry[];
  close(graceMs: number): Promise<void>;
}

const MAIN = fileURLToPath(new URL('../main.ts', import.meta.url));
const STATS_INTERVAL_MS = 2000;

export async function startWorkerEdge(
  config: Config,
  count: number,
  current: Current,
  source: SnapshotSource,
  log: Logger,
): Promise<WorkerEdge> {
  const workers = await startEdgeWorkers<TableMessage, WorkerReport>({
    count,
    entry: MAIN,
    args: process.argv.slice(2),
    httpPort: config.httpPort,
    httpsPort: config.httpsPort,
    log,
  });
  const messages = new TableMessages(source);
  const send = (state: RoutingState) => workers.broadcast(messages.next(state));
  const latest = current.get();
  if (latest !== null) send(latest);
  current.subscribe(send);
  return {
    stats() {
      const backends: Record<string, EdgeStats['backends'][string]> = {};
      const next: Record<string, string> = {};
      let balancer: EdgeStats['balancer'] = config.balancer;
      for (const report of workers.stats().values()) {
        balancer = report.edge.balancer;
        for (const [key, endpoints] of Object.entries(report.edge.backends))
          backends[key] = [...(backends[key] ?? []), ...endpoints];
        // Each worker has its own rotation; the kernel decides which worker a connection reaches.
        for (const [key, endpoint] of Object.entries(report.edge.next)) next[key] ??= endpoint;
      }
      return { balancer, backends, next };
    },
    connections: () => [...workers.stats().values()].reduce((sum, report) => sum + report.connections, 0),
    telemetry: () => [...workers.stats().values()].map((report) => report.telemetry),
    close: (graceMs) => workers.close(graceMs),
  };
}

/** The body of an edge worker process. */
export function runEdgeWorker(config: Config, log: Logger): void {
  const buildOptions = buildOptionsFrom(config);
  let state = emptyRoutingState(buildOptions);
  const tables = new WorkerTables(buildOptions);
  const accessLog = config.accessLog ? createAccessLogger() : null;
  const metrics = createMetrics({ processMetrics: false, ...metricsOptionsFrom(config, process.env) });
  const onRequestDone = (record: RequestRecord) => {
    metrics.requestDone(record);
    if (accessLog !== null) accessLog.log(record);
  };
  const workerLog = log.child({ worker: process.pid });
  let parts: ReturnType<typeof edgeFromConfig> | null = null;
  let timer: NodeJS.Timeout | null = null;

  const report = runAsEdgeWorker<TableMessage, WorkerReport>({
    async start(ports) {
      const edge = edgeFromConfig(config, () => state, onRequestDone, workerLog, { ...ports, reusePort: true });
      parts = edge;
      timer = setInterval(async () => {
        const telemetry = { metrics: await metrics.registry.getMetricsAsJSON(), routes: metrics.routeStats() };
        report({ edge: edge.handler.stats(), connections: edge.edge.connections(), telemetry });
      }, STATS_INTERVAL_MS);
      timer.unref();
      return parts.edge.listen();
    },
    snapshot(message) {
      state = tables.apply(message);
      metrics.tablePublished(state);
    },
    async shutdown(graceMs) {
      if (timer !== null) clearInterval(timer);
      if (parts !== null) {
        await parts.edge.close(graceMs);
        await parts.handler.close();
      }
      await accessLog?.close();
    },
  });
}
