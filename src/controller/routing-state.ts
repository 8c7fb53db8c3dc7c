import { build } from '../routing/build.ts';
import { EMPTY_SNAPSHOT } from '../routing/empty-snapshot.ts';
import { compileMatcher } from '../routing/matcher.ts';
import type { BuildOptions, Snapshot } from '../routing/types.ts';
import type { RoutingState } from './state.ts';

/** Builds and compiles one generation of the table from a full snapshot, timing both. */
export function buildRoutingState(snapshot: Snapshot, options: BuildOptions, generation: number): RoutingState {
  const started = performance.now();
  const result = build(snapshot, options);
  const matcher = compileMatcher(result.table);
  return Object.freeze({
    generation,
    builtAt: new Date().toISOString(),
    buildMs: performance.now() - started,
    result,
    matcher,
  });
}

/** Generation 0: no routes. What the edge holds before the first real table (it answers 404). */
export function emptyRoutingState(options: BuildOptions): RoutingState {
  return buildRoutingState(EMPTY_SNAPSHOT, options, 0);
}
