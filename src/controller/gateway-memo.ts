// The Gateway API side is built in full from a snapshot (routing/gateway/); a change batch that touched none
// of its inputs (an Ingress or IngressClass change) reuses the last build, and one that touched only
// EndpointSlices (the most frequent change in a cluster) keeps its routes and resolves the endpoints of the
// Services those slices belong to again (refresh-endpoints.ts). The build is
// pure, so the same input objects (compared by identity, element by element: informers keep an unchanged
// object's reference) give the same result; a list compare costs microseconds against a build's milliseconds.
import { isDeepStrictEqual } from 'node:util';
import type { BuildOptions, KubeObject, Snapshot } from '../routing/types.ts';
import { refreshGatewayEndpoints, servicesOfChangedSlices } from '../routing/gateway/refresh-endpoints.ts';
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
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && !sameButStatus(a[i], b[i])) return false;
  return true;
}

/**
 * Two versions of an object that differ only where no build reads: `status` (the controller's own status
 * writes come back as updates), `metadata.resourceVersion` and `metadata.managedFields`. Without this, each
 * status write sluice makes to an HTTPRoute would rebuild the Gateway side in full.
 */
export function sameButStatus(a: KubeObject, b: KubeObject): boolean {
  return isDeepStrictEqual(withoutStatus(a), withoutStatus(b));
}

function withoutStatus(object: KubeObject): KubeObject {
  const metadata = object.metadata as Record<string, unknown> | undefined;
  return {
    ...object,
    status: undefined,
    metadata:
      metadata === undefined ? undefined : { ...metadata, resourceVersion: undefined, managedFields: undefined },
  };
}

/** Index in `gatewayInputs` of the EndpointSlices: the one input that only the endpoint index reads. */
const SLICES = 7;

export class GatewayMemo {
  #inputs: Inputs | null = null;
  #result: RoutingState['gateway'] = undefined;
  /** Builds since creation, how many calls reused the last one, and how many only refreshed its endpoints (for tests). */
  builds = 0;
  reused = 0;
  refreshed = 0;

  build(snapshot: Snapshot, options: BuildOptions, controllerName?: string): RoutingState['gateway'] {
    const inputs = gatewayInputs(snapshot);
    const last = this.#inputs;
    const changed = last === null ? -2 : changedInput(inputs, last);
    if (changed === -1) {
      // Kept for the next compare: objects that differed only in status are compared once, not on every build.
      this.#inputs = inputs;
      this.reused++;
      return this.#result;
    }
    const lastResult = this.#result;
    if (changed === SLICES && last !== null && lastResult !== undefined) {
      const touched = servicesOfChangedSlices(last[SLICES] ?? [], inputs[SLICES] ?? []);
      this.#result = refreshGatewayEndpoints(lastResult, snapshot.services, snapshot.endpointSlices, touched);
      this.refreshed++;
    } else {
      this.#result = gatewayState(snapshot, options, controllerName);
      this.builds++;
    }
    this.#inputs = inputs;
    return this.#result;
  }
}

/** -1: no input changed; the index of the only one that changed; -2: more than one. */
function changedInput(inputs: Inputs, last: Inputs): number {
  let changed = -1;
  for (let i = 0; i < inputs.length; i++) {
    if (sameList(inputs[i], last[i])) continue;
    if (changed !== -1) return -2;
    changed = i;
  }
  return changed;
}
