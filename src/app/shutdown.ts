// A clean exit on SIGTERM/SIGINT: not ready first, then (after the delay) drain the edge, then stop the rest.
import type { Config } from '../config.ts';
import type { Logger } from '../util/logger.ts';

/** What a shutdown stops, in this order after the edges have drained. */
export interface ShutdownParts {
  readonly readiness: { draining(): void };
  readonly edges: readonly { close(graceMs: number): Promise<unknown> }[];
  readonly stopSampling: () => void;
  readonly reconciler: { stop(): Promise<void> };
  readonly source: { stop(): Promise<void> };
  readonly admin: { close(): Promise<unknown> };
  readonly accessLog: { close(): Promise<void> } | null;
}

type ShutdownTimes = Pick<Config, 'shutdownDelayMs' | 'shutdownGraceMs'>;

/** Handles the signals from now on, so a SIGTERM while waiting for the first table also exits cleanly. */
export function exitOnSignals(config: ShutdownTimes, log: Logger, parts: ShutdownParts): void {
  let stopping = false;
  const onSignal = (signal: string) => {
    if (stopping) return;
    stopping = true;
    void shutDown(config, log, parts, signal);
  };
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGINT', () => onSignal('SIGINT'));
}

async function shutDown(config: ShutdownTimes, log: Logger, parts: ShutdownParts, signal: string): Promise<void> {
  parts.readiness.draining();
  if (config.shutdownDelayMs > 0) {
    log.info(
      { signal, delayMs: config.shutdownDelayMs },
      'shutting down: not ready, still serving until load balancers notice',
    );
    await new Promise((resolve) => setTimeout(resolve, config.shutdownDelayMs));
  }
  log.info({ signal, graceMs: config.shutdownGraceMs }, 'shutting down: draining connections');
  await Promise.all(parts.edges.map((edge) => edge.close(config.shutdownGraceMs)));
  parts.stopSampling();
  await parts.reconciler.stop();
  await parts.source.stop();
  await parts.admin.close();
  await parts.accessLog?.close();
  log.info('stopped');
  process.exit(0);
}
