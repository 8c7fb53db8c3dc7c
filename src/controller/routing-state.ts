import { build } from '../routing/build.ts';
import { EMPTY_SNAPSHOT } from '../routing/empty-snapshot.ts';
import { buildGateway } from '../routing/gateway/build-gateway.ts';
import { compileMatcher } from '../routing/matcher.ts';
import type { BuildOptions, Snapshot } from '../routing/types.ts';
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
  const gateway =
    snapshot.gatewayClasses === undefined
      ? undefined
      : buildGateway(snapshot, {
          controllerName: gatewayControllerName,
          inspectCertificate: options.inspectCertificate,
        });
  return Object.freeze({
    generation,
    builtAt: new Date().toISOString(),
    buildMs: performance.now() - started,
    result,
    matcher,
    ...(gateway === undefined ? {} : { gateway }),
  });
}

/** Generation 0: no routes. What the edge holds before the first real table (it answers 404). */
export function emptyRoutingState(options: BuildOptions): RoutingState {
  return buildRoutingState(EMPTY_SNAPSHOT, options, 0);
}
