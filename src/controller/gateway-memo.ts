// The Gateway API side is built in full from a snapshot (routing/gateway/); a change batch that touched none
// of its inputs (an Ingress or IngressClass change, the most common ones) reuses the last build. The build is
// pure, so the same input objects (compared by identity, element by element: informers keep an unchanged
// object's reference) give the same result; a list compare costs microseconds against a build's milliseconds.
import type { BuildOptions, KubeObject, Snapshot } from '../routing/types.ts';
import { gatewayState } from './routing-state.ts';
import type { RoutingState } from './state.ts';

type Inputs = readonly (readonly KubeObject[] | undefined)[];

/** Every list the Gateway build reads (not the Ingress kinds). */
function gatewayInputs(snapshot: Snapshot): Inputs {
  return [
    snapshot.gatewayClasses,
    snapshot.gateways,
    snapshot.httpRoutes,
    snapshot.grpcRoutes,
    snapshot.referenceGrants,
    snapshot.namespaces,
    snapshot.services,
    snapshot.endpointSlices,
    snapshot.secrets,
    snapshot.configMaps,
  ];
}

function sameList(a: readonly KubeObject[] | undefined, b: readonly KubeObject[] | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export class GatewayMemo {
  #inputs: Inputs | null = null;
  #result: RoutingState['gateway'] = undefined;
  /** Builds since creation, and how many of the calls reused the last one (for tests). */
  builds = 0;
  reused = 0;

  build(snapshot: Snapshot, options: BuildOptions, controllerName?: string): RoutingState['gateway'] {
    const inputs = gatewayInputs(snapshot);
    const last = this.#inputs;
    if (last !== null && inputs.every((list, i) => sameList(list, last[i]))) {
      this.reused++;
      return this.#result;
    }
    this.#result = gatewayState(snapshot, options, controllerName);
    this.#inputs = inputs;
    this.builds++;
    return this.#result;
  }
}
