import type { BuildOptions, Problem } from '../routing/types.ts';
import type { Logger } from '../util/logger.ts';
import { createCoalescer } from './coalescer.ts';
import { IncrementalBuild } from '../routing/incremental/incremental-build.ts';
import { GatewayMemo } from './gateway-memo.ts';
import { applyRoutingState, buildRoutingState } from './routing-state.ts';
import type { Current } from './current.ts';
import type { PublishSink } from './sink.ts';
import type { SnapshotSource } from './source.ts';

export interface ReconcilerOptions {
  source: SnapshotSource;
  buildOptions: BuildOptions;
  current: Current;
  sinks: readonly PublishSink[];
  log: Logger;
  /** Quiet time after the last change before building. */
  holdoffMs?: number;
  /** Longest a change waits while changes keep coming. */
  maxDelayMs?: number;
  /** --gateway-controller-name (Gateway API). */
  gatewayControllerName?: string;
}

export interface Reconciler {
  start(): Promise<void>;
  /** Build now if a change is pending. */
  flush(): void;
  stop(): Promise<void>;
}

/**
 * Watches a source for change signals and, once the source has synced, builds the next table and
 * publishes it: from the objects that changed when the source tells them (the incremental build),
 * else from a fresh snapshot. Sinks hear of a state only after it is live.
 */
export function createReconciler(options: ReconcilerOptions): Reconciler {
  const { source, buildOptions, current, sinks, log } = options;
  let generation = current.get()?.generation ?? 0;
  let loggedProblems = new Set<string>();
  let loggedFrom: readonly Problem[] | null = null;
  let incremental = source.takeChanges === undefined ? null : new IncrementalBuild(buildOptions);
  const gatewayMemo = new GatewayMemo();

  /** The next state: incrementally when the source tells its changes; a full build is the fallback. */
  const nextState = () => {
    if (incremental !== null && source.takeChanges !== undefined) {
      try {
        // The Gateway API side is built in full, from a snapshot: read one only while its kinds are served,
        // and reuse the last build when none of its inputs changed (an Ingress-only change).
        const gateway = () =>
          source.servesGatewayApi?.() === false
            ? undefined
            : gatewayMemo.build(source.snapshot(), buildOptions, options.gatewayControllerName);
        return applyRoutingState(incremental, source.takeChanges(), generation, current.get(), gateway);
      } catch (error) {
        // The builder, like build(), should never throw; if it does, full builds stay correct.
        log.error({ err: error }, 'incremental build failed; building in full from now on');
        incremental = null;
      }
    }
    return buildRoutingState(source.snapshot(), buildOptions, generation, options.gatewayControllerName);
  };

  const rebuild = () => {
    if (!source.synced()) return;
    generation += 1;
    const state = nextState();
    const { result, buildMs } = state;
    current.publish(state);
    log.info(
      {
        generation,
        buildMs: Math.round(buildMs * 100) / 100,
        hosts: result.table.hosts.length,
        backends: result.endpoints.size,
        problems: result.problems.length,
      },
      'routing table published',
    );
    // The incremental build keeps the problem list when it did not change: nothing new to log.
    if (result.problems !== loggedFrom) loggedProblems = logNewProblems(result.problems, loggedProblems, log);
    loggedFrom = result.problems;
    for (const sink of sinks) sink.published(state);
  };

  const coalescer = createCoalescer(rebuild, {
    holdoffMs: options.holdoffMs ?? 10,
    maxDelayMs: options.maxDelayMs ?? 100,
  });

  return {
    start: () => source.start(() => coalescer.signal()),
    flush: () => coalescer.flush(),
    async stop() {
      coalescer.stop();
      await source.stop();
      await Promise.all(sinks.map((s) => s.stop()));
    },
  };
}

/** Logs each problem once, when it first appears; returns the keys of the current problems. */
function logNewProblems(problems: readonly Problem[], seen: ReadonlySet<string>, log: Logger): Set<string> {
  const now = new Set<string>();
  for (const p of problems) {
    const key = `${p.object.kind}/${p.object.namespace}/${p.object.name}|${p.field}|${p.code}|${p.message}`;
    now.add(key);
    if (!seen.has(key)) log.warn({ problem: p.code, object: p.object, field: p.field }, p.message);
  }
  return now;
}
