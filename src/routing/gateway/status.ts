// Status as data: GatewayClass, Gateway (with listeners) and route parents, every condition with the
// object's generation. The writer adds lastTransitionTime and writes only changes.
// Upstream: conformance/tests/gateway-observed-generation-bump.go, httproute-observed-generation-bump.go,
// gatewayclass-observed-generation-bump.go.

import type { Named } from '../object-index.ts';
import type { ParentResult } from './attach.ts';
import { verdictCondition, type Verdict } from './conditions.ts';
import type { ListenerModel } from './listeners.ts';
import type { GatewayClassStatus, GatewayStatus, ListenerStatus, RouteKind, RouteStatus } from './types.ts';
import { generationOf } from './values.ts';

/** `rejection`: why the class is not accepted (its parametersRef), or null. */
export function gatewayClassStatus(
  named: Named,
  features: readonly string[],
  rejection: Verdict | null,
): GatewayClassStatus {
  const generation = generationOf(named.object);
  return {
    name: named.ref.name,
    generation,
    conditions: [verdictCondition('Accepted', rejection ?? [true, 'Accepted', 'handled by sluice'], generation)],
    supportedFeatures: [...features].sort().map((name) => ({ name })),
  };
}

export function gatewayStatus(
  named: Named,
  listeners: readonly ListenerModel[],
  rejection: Verdict | null,
): GatewayStatus {
  const generation = generationOf(named.object);
  const served = listeners.some((l) => l.served);
  const allValid = listeners.every((l) => l.served);
  const accepted: Verdict =
    rejection !== null
      ? rejection
      : allValid
        ? [true, 'Accepted', 'gateway accepted']
        : [listeners.some((l) => l.accepted[0]), 'ListenersNotValid', 'some listeners are not valid'];
  const programmed: Verdict =
    accepted[0] && served
      ? [true, 'Programmed', 'gateway programmed']
      : [false, 'Invalid', 'no listener can be served'];
  return {
    namespace: named.ref.namespace,
    name: named.ref.name,
    generation,
    conditions: [
      verdictCondition('Accepted', accepted, generation),
      verdictCondition('Programmed', programmed, generation),
    ],
    listeners: listeners.map((l) => listenerStatus(l, generation)),
  };
}

function listenerStatus(listener: ListenerModel, generation: number): ListenerStatus {
  return {
    name: listener.name,
    supportedKinds: listener.supportedKinds,
    attachedRoutes: listener.attachedRoutes,
    conditions: [
      verdictCondition('Accepted', listener.accepted, generation),
      verdictCondition('Conflicted', listener.conflicted, generation),
      verdictCondition('Programmed', listener.programmed, generation),
      verdictCondition('ResolvedRefs', listener.resolvedRefs, generation),
    ],
  };
}

const RESOLVED: Verdict = [true, 'ResolvedRefs', 'all references resolved'];

export function routeStatus(
  kind: RouteKind,
  named: Named,
  parents: readonly ParentResult[],
  resolvedRefs: Verdict | null,
  controllerName: string,
): RouteStatus {
  const generation = generationOf(named.object);
  return {
    kind,
    namespace: named.ref.namespace,
    name: named.ref.name,
    generation,
    parents: parents.map((parent) => ({
      parentRef: parent.parentRef,
      controllerName,
      conditions: [
        verdictCondition('Accepted', parent.accepted, generation),
        verdictCondition('ResolvedRefs', resolvedRefs ?? RESOLVED, generation),
      ],
    })),
  };
}
