// The composition root (main.ts loads it once client-node is slimmed): flags → source → reconciler → edge and admin servers → signals.
import { buildOptionsFrom } from './app/build-options.ts';
import { chooseSource, StartupError } from './app/choose-source.ts';
import { createEdgeRuntime, type EdgeRuntime } from './app/edge-runtime.ts';
import { createGatewayEdge, type GatewayEdge } from './app/gateway-edge.ts';
import { sampleEdgeTelemetry } from './app/edge-telemetry.ts';
import { runEdgeWorker } from './app/edge-worker.ts';
import { createReadiness, type ReadinessTracker } from './app/readiness.ts';
import { exitOnSignals } from './app/shutdown.ts';
import { sourceRuntime, type SourceRuntime } from './app/source-runtime.ts';
import { adminAccessOptions } from './admin/admin-access.ts';
import { createAdminServer } from './admin/server.ts';
import { parseConfig, type Config } from './config.ts';
import { createCurrent, type Current } from './controller/current.ts';
import { createReconciler, type Reconciler } from './controller/reconciler.ts';
import { emptyRoutingState } from './controller/routing-state.ts';
import { isEdgeWorker } from './proxy/workers.ts';
import type { RequestRecord } from './proxy/request-record.ts';
import { createMetrics, type Metrics } from './telemetry/metrics.ts';
import { metricsOptionsFrom } from './telemetry/metrics-options.ts';
import { createAccessLogger, type AccessLogger } from './telemetry/access-log.ts';
import { createLogger } from './util/log.ts';
import type { Logger } from './util/logger.ts';

async function main(): Promise<void> {
  if (process.argv[2] === 'audit') {
    const { runAudit } = await import('./audit/command.ts');
    const io = { out: (text: string) => process.stdout.write(text), err: (text: string) => process.stderr.write(text) };
    process.exitCode = await runAudit(process.argv.slice(3), process.env, io);
    return;
  }
  const parsed = parseConfig(process.argv.slice(2), process.env);
  if (parsed.ok === 'help') {
    process.stdout.write(parsed.text);
    return;
  }
  if (parsed.ok === false) {
    for (const error of parsed.errors) process.stderr.write(`sluice: ${error}\n`);
    process.stderr.write('sluice: see --help\n');
    process.exitCode = 2;
    return;
  }
  const config = parsed.config;
  const log = createLogger({ level: config.logLevel, format: config.logFormat });
  if (isEdgeWorker()) {
    runEdgeWorker(config, log);
    return;
  }
  await runController(config, log);
}

async function runController(config: Config, log: Logger): Promise<void> {
  const parts = await assembleController(config, log);
  exitOnSignals(config, log, { ...parts, edges: [parts.edge, parts.gatewayEdge] });
  await startController(config, log, parts);
}

/** Everything the controller runs, wired together but not started. */
interface ControllerParts {
  readonly source: SourceRuntime;
  readonly current: Current;
  readonly metrics: Metrics;
  readonly accessLog: AccessLogger | null;
  readonly edge: EdgeRuntime;
  readonly gatewayEdge: GatewayEdge;
  readonly stopSampling: () => void;
  readonly readiness: ReadinessTracker;
  readonly reconciler: Reconciler;
  readonly admin: ReturnType<typeof createAdminServer>;
}

async function assembleController(config: Config, log: Logger): Promise<ControllerParts> {
  const source = sourceRuntime(await chooseSource(config, log), log);
  const buildOptions = buildOptionsFrom(config);
  const current = createCurrent();
  const metrics = createMetrics(metricsOptionsFrom(config, process.env));
  const accessLog = config.accessLog ? createAccessLogger() : null;
  const onRequestDone = (record: RequestRecord) => {
    metrics.requestDone(record);
    if (accessLog !== null) accessLog.log(record);
  };
  current.subscribe((state) => metrics.tablePublished(state));

  // Until the first table is published the edge does not listen; this empty state only keeps types simple.
  const emptyState = emptyRoutingState(buildOptions);
  const getState = () => current.get() ?? emptyState;
  const edge = createEdgeRuntime(config, { current, getState, source: source.source, onRequestDone, log });
  const stopSampling = sampleEdgeTelemetry(
    metrics,
    () => edge.stats(),
    () => edge.connections(),
  );

  const gatewayEdge = createGatewayEdge(config, onRequestDone, log, source.gatewayServices);
  source.useGatewayAddresses(gatewayEdge.listeners);

  const readiness = createReadiness(source.source, current);
  const reconciler = createReconciler({
    source: source.source,
    buildOptions,
    current,
    sinks: [...source.sinks],
    log: log.child({ component: 'reconciler' }),
    gatewayControllerName: config.gatewayControllerName,
  });
  const admin = createAdminServer({
    getState: () => current.get(),
    readiness: readiness.check,
    metrics: edge.metrics(metrics),
    sources: () => [source.status()],
    edgeStats: () => edge.stats(),
    leader: source.leader,
    log: log.child({ component: 'admin' }),
    ...adminAccessOptions(config),
  });
  return { source, current, metrics, accessLog, edge, gatewayEdge, stopSampling, readiness, reconciler, admin };
}

/** Admin first, then the source and the reconciler; the edge listens once the first table is live. */
async function startController(config: Config, log: Logger, parts: ControllerParts): Promise<void> {
  const { source, current, metrics, edge, gatewayEdge, readiness, reconciler, admin } = parts;
  const adminHost = config.adminBindAddress ?? config.bindAddress;
  await admin.listen({ port: config.adminPort, host: adminHost });
  log.info(
    { port: config.adminPort, host: adminHost, token: config.adminTokenFile !== null },
    'admin server listening',
  );
  source.start();
  source.onLeaderChange((leading) => metrics.setLeader(leading));
  await reconciler.start();
  await source.started();

  // Listen once the first table is live, so no request ever sees an empty table.
  await waitForFirstTable(current);
  await edge.listen();
  gatewayEdge.start(current);
  readiness.edgeListening();
  const hint = source.hint(config.httpPort, config.adminPort);
  if (hint !== '') log.info(hint);
}

function waitForFirstTable(current: Current): Promise<void> {
  if (current.get() !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const unsubscribe = current.subscribe(() => {
      unsubscribe();
      resolve();
    });
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`sluice: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(error instanceof StartupError ? 2 : 1);
});
