import { build } from '../routing/build.ts';
import { EMPTY_SNAPSHOT } from '../routing/empty-snapshot.ts';
import { buildGateway } from '../routing/gateway/build-gateway.ts';
import type { IncrementalBuild } from '../routing/incremental/incremental-build.ts';
import type { ObjectChange } from '../routing/incremental/object-store.ts';
import { compileMatcher, recompileMatcher } from '../routing/matcher.ts';
import type { BuildOptions, BuildResult, Matcher, Snapshot } from '../routing/types.ts';
import type { RoutingState } from './state.ts';

/** --gateway-controller-name's default, for callers that do not pass one. */
const DEFAULT_GATEWAY_CONTROLLER = 'sluice.dev/gateway-controller';

/** Builds and compiles one generation of the table from a full snapshot, timing both. */
export function buildRoutingState(
  snapshot: Snapshot,
  options: BuildOptions,
  generation: number,
  gatewayControllerName: string = DEFAULT_GATEWAY_CONTROLLER,
): RoutingState {
  const started = performance.now();
  const result = build(snapshot, options);
  const matcher = compileMatcher(result.table);
  return routingState(result, matcher, started, generation, gatewayState(snapshot, options, gatewayControllerName));
}

/** The Gateway API build of a snapshot (always in full); undefined when the source has no Gateway API CRDs. */
export function gatewayState(
  snapshot: Snapshot,
  options: BuildOptions,
  gatewayControllerName: string = DEFAULT_GATEWAY_CONTROLLER,
): RoutingState['gateway'] {
  if (snapshot.gatewayClasses === undefined) return undefined;
  return buildGateway(snapshot, {
    controllerName: gatewayControllerName,
    inspectCertificate: options.inspectCertificate,
  });
}

/**
 * The next generation from the changed objects (the Ingress side; `gateway` builds the Gateway API side,
 * in full, when the source has its CRDs); when `previous` is the state of the builder's last apply, the matcher is recompiled for
 * the hosts they touched only.
 */
export function applyRoutingState(
  builder: IncrementalBuild,
  changes: readonly ObjectChange[],
  generation: number,
  previous: RoutingState | null,
  gateway: () => RoutingState['gateway'] = () => undefined,
): RoutingState {
  const started = performance.now();
  const result = builder.apply(changes);
  const diff = builder.hostChanges();
  const matcher =
    previous !== null && diff.previous === previous.result
      ? recompileMatcher(previous.matcher, result.table, diff)
      : compileMatcher(result.table);
  return routingState(result, matcher, started, generation, gateway(), changes);
}

function routingState(
  result: BuildResult,
  matcher: Matcher,
  started: number,
  generation: number,
  gateway: RoutingState['gateway'],
  changes?: readonly ObjectChange[],
): RoutingState {
  return Object.freeze({
    generation,
    builtAt: new Date().toISOString(),
    buildMs: performance.now() - started,
    result,
    matcher,
    ...(gateway === undefined ? {} : { gateway }),
    ...(changes === undefined ? {} : { changes }),
  });
}

/** Generation 0: no routes. What the edge holds before the first real table (it answers 404). */
export function emptyRoutingState(options: BuildOptions): RoutingState {
  return buildRoutingState(EMPTY_SNAPSHOT, options, 0);
}
