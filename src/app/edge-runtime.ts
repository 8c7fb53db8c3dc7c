// The edge as run.ts sees it, one interface whether it runs in this process or in --workers processes.
import { availableParallelism } from 'node:os';
import type { Config } from '../config.ts';
import type { Current } from '../controller/current.ts';
import type { SnapshotSource } from '../controller/source.ts';
import type { RoutingState } from '../controller/state.ts';
import type { EdgeStats } from '../proxy/edge-stats.ts';
import type { RequestRecordListener } from '../proxy/request-record.ts';
import { combineMetrics } from '../telemetry/combined-metrics.ts';
import type { Metrics } from '../telemetry/metrics.ts';
import type { Logger } from '../util/logger.ts';
import { edgeFromConfig } from './edge-from-config.ts';
import { startWorkerEdge, type WorkerEdge } from './edge-worker.ts';

export interface EdgeRuntime {
  readonly mode: 'in-process' | 'workers';
  /** Opens the listeners (in-process) or starts the workers; call once the first table is live. */
  listen(): Promise<void>;
  /** Balancer and endpoint health, or null before the edge runs. */
  stats(): EdgeStats | null;
  /** Open client connections. */
  connections(): number;
  /** The metrics the admin server serves: `own`, plus every worker's when there are workers. */
  metrics(own: Metrics): Metrics;
  /** Drains client connections for up to graceMs (if listening), then closes upstream pools. */
  close(graceMs: number): Promise<void>;
}

export interface EdgeRuntimeDeps {
  readonly current: Current;
  readonly getState: () => RoutingState;
  readonly source: SnapshotSource;
  readonly onRequestDone: RequestRecordListener;
  readonly log: Logger;
}

export function createEdgeRuntime(config: Config, deps: EdgeRuntimeDeps): EdgeRuntime {
  const count = config.workers === 'auto' ? availableParallelism() : config.workers;
  return count <= 1 ? inProcessEdge(config, deps) : workerProcessEdge(config, count, deps);
}

function inProcessEdge(config: Config, deps: EdgeRuntimeDeps): EdgeRuntime {
  const ports = { httpPort: config.httpPort, httpsPort: config.httpsPort, reusePort: false };
  const parts = edgeFromConfig(config, deps.getState, deps.onRequestDone, deps.log, ports);
  let listening = false;
  return {
    mode: 'in-process',
    async listen() {
      await parts.edge.listen();
      listening = true;
    },
    stats: () => parts.handler.stats(),
    connections: () => parts.edge.connections(),
    metrics: (own) => own,
    async close(graceMs) {
      if (listening) await parts.edge.close(graceMs);
      await parts.handler.close();
    },
  };
}

function workerProcessEdge(config: Config, count: number, deps: EdgeRuntimeDeps): EdgeRuntime {
  let workers: WorkerEdge | null = null;
  return {
    mode: 'workers',
    async listen() {
      workers = await startWorkerEdge(config, count, deps.current, deps.source, deps.log);
    },
    stats: () => workers?.stats() ?? null,
    connections: () => workers?.connections() ?? 0,
    metrics: (own) => combineMetrics(own, () => workers?.telemetry() ?? []),
    async close(graceMs) {
      await workers?.close(graceMs);
    },
  };
}
