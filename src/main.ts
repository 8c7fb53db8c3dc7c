// The composition root: flags → source → reconciler → edge and admin servers → signals.
import { availableParallelism } from 'node:os';
import { buildOptionsFrom } from './app/build-options.ts';
import { chooseSource, StartupError } from './app/choose-source.ts';
import { edgeFromConfig } from './app/edge-from-config.ts';
import { sampleEdgeTelemetry } from './app/edge-telemetry.ts';
import { runEdgeWorker, startWorkerEdge, type WorkerEdge } from './app/edge-worker.ts';
import { createReadiness } from './app/readiness.ts';
import { adminAccessOptions } from './admin/admin-access.ts';
import { createAdminServer } from './admin/server.ts';
import { parseConfig, type Config } from './config.ts';
import { createCurrent } from './controller/current.ts';
import { createReconciler } from './controller/reconciler.ts';
import { emptyRoutingState } from './controller/routing-state.ts';
import type { PublishSink } from './controller/sink.ts';
import { exampleEndpoints, startExampleBackends } from './embedded/example-backends.ts';
import { isEdgeWorker } from './proxy/workers.ts';
import type { RequestRecord } from './proxy/request-record.ts';
import { combineMetrics } from './telemetry/combined-metrics.ts';
import { createMetrics } from './telemetry/metrics.ts';
import { metricsOptionsFrom } from './telemetry/metrics-options.ts';
import { createAccessLogger } from './telemetry/access-log.ts';
import { createLogger } from './util/log.ts';
import type { Logger } from './util/logger.ts';

async function main(): Promise<void> {
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
  const choice = await chooseSource(config, log);
  if (choice.kind === 'embedded') {
    log.info(
      { dir: choice.dir },
      'no cluster configured (no --kubeconfig, $KUBECONFIG, ~/.kube/config or in-cluster environment): serving the embedded example manifests',
    );
  } else if (choice.kind === 'manifests') {
    log.info({ dir: choice.dir }, 'serving manifests from a directory');
  }

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

  const workerCount = config.workers === 'auto' ? availableParallelism() : config.workers;
  let edgeInProcess: ReturnType<typeof edgeFromConfig> | null = null;
  let workerEdge: WorkerEdge | null = null;
  if (workerCount <= 1) {
    edgeInProcess = edgeFromConfig(config, getState, onRequestDone, log, {
      httpPort: config.httpPort,
      httpsPort: config.httpsPort,
      reusePort: false,
    });
  }

  const edgeStats = () => edgeInProcess?.handler.stats() ?? workerEdge?.stats() ?? null;
  const stopSampling = sampleEdgeTelemetry(
    metrics,
    edgeStats,
    () => edgeInProcess?.edge.connections() ?? workerEdge?.connections() ?? 0,
  );

  const sinks: PublishSink[] = choice.kind === 'kubernetes' ? [...choice.cluster.sinks] : [];
  const readiness = createReadiness(choice.source, current);
  const reconciler = createReconciler({
    source: choice.source,
    buildOptions,
    current,
    sinks,
    log: log.child({ component: 'reconciler' }),
  });

  const admin = createAdminServer({
    getState: () => current.get(),
    readiness: readiness.check,
    metrics: workerCount <= 1 ? metrics : combineMetrics(metrics, () => workerEdge?.telemetry() ?? []),
    sources: () => [
      {
        name: choice.source.name,
        synced: choice.source.synced(),
        detail: choice.kind === 'kubernetes' ? choice.cluster.stats() : { errors: choice.source.errors() },
      },
    ],
    edgeStats: () => edgeStats(),
    leader: choice.kind === 'kubernetes' ? () => choice.cluster.leader.isLeader() : undefined,
    log: log.child({ component: 'admin' }),
    ...adminAccessOptions(config),
  });
  // Signals are handled from here on, so a SIGTERM while waiting for the first table also exits cleanly.
  let stopping = false;
  let edgeListening = false;
  let examples: { close(): Promise<void> } | null = null;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    readiness.draining();
    if (config.shutdownDelayMs > 0) {
      log.info(
        { signal, delayMs: config.shutdownDelayMs },
        'shutting down: not ready, still serving until load balancers notice',
      );
      await new Promise((resolve) => setTimeout(resolve, config.shutdownDelayMs));
    }
    log.info({ signal, graceMs: config.shutdownGraceMs }, 'shutting down: draining connections');
    if (edgeListening) {
      await Promise.all([edgeInProcess?.edge.close(config.shutdownGraceMs), workerEdge?.close(config.shutdownGraceMs)]);
    }
    stopSampling();
    await edgeInProcess?.handler.close();
    await reconciler.stop();
    if (choice.kind === 'kubernetes') await choice.cluster.stop();
    await examples?.close();
    await admin.close();
    await accessLog?.close();
    log.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  const adminHost = config.adminBindAddress ?? config.bindAddress;
  await admin.listen({ port: config.adminPort, host: adminHost });
  log.info(
    { port: config.adminPort, host: adminHost, token: config.adminTokenFile !== null },
    'admin server listening',
  );

  if (choice.kind === 'kubernetes') {
    choice.cluster.start();
    choice.cluster.leader.subscribe?.((leading: boolean) => metrics.setLeader(leading));
  }
  await reconciler.start();
  if (choice.kind === 'embedded') {
    examples = await startExampleBackends(exampleEndpoints(choice.source.snapshot()), (busy) =>
      log.warn(busy, 'an example backend address is already in use (another sluice?); leaving it to its holder'),
    );
  }

  // Listen once the first table is live, so no request ever sees an empty table.
  await waitForFirstTable(current);
  if (edgeInProcess !== null) {
    await edgeInProcess.edge.listen();
  } else {
    workerEdge = await startWorkerEdge(config, workerCount, current, choice.source, log);
  }
  edgeListening = true;
  readiness.edgeListening();
  if (choice.kind === 'embedded') {
    log.info(
      `try: curl -H 'Host: hello.localhost' http://localhost:${config.httpPort}/  and the status page at http://localhost:${config.adminPort}/`,
    );
  }
}

function waitForFirstTable(current: ReturnType<typeof createCurrent>): Promise<void> {
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
