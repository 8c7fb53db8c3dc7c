import { build } from '../routing/build.ts';
import type { IncrementalBuild, ObjectChange } from '../routing/incremental/incremental-build.ts';
import { compileMatcher } from '../routing/matcher.ts';
import type { BuildOptions, BuildResult, Snapshot } from '../routing/types.ts';
import type { RoutingState } from './state.ts';

const EMPTY_SNAPSHOT: Snapshot = Object.freeze({
  ingressClasses: [],
  ingresses: [],
  services: [],
  endpointSlices: [],
  secrets: [],
});

/** Builds and compiles one generation of the table from a full snapshot, timing both. */
export function buildRoutingState(snapshot: Snapshot, options: BuildOptions, generation: number): RoutingState {
  const started = performance.now();
  return routingState(build(snapshot, options), started, generation);
}

/** The next generation from the changed objects (the matcher recompiles only the hosts they touched). */
export function applyRoutingState(
  builder: IncrementalBuild,
  changes: readonly ObjectChange[],
  generation: number,
): RoutingState {
  const started = performance.now();
  return routingState(builder.apply(changes), started, generation);
}

function routingState(result: BuildResult, started: number, generation: number): RoutingState {
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
