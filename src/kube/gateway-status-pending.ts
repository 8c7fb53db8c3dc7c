// Which Gateway API status writes the core's status data asks for: only where the object holds something else.
import type { RoutingState } from '../controller/state.ts';
import type { RouteStatus } from '../routing/gateway/types.ts';
import type { KubeObject } from '../routing/types.ts';
import {
  gatewayBody,
  gatewayClassBody,
  routeBody,
  sameStatus,
  type GatewayAddressInfo,
} from './gateway-status-body.ts';
import { gatewayClasses, gateways, grpcRoutes, httpRoutes, type WatchedResource } from './resources.ts';

/** One status subresource to write. */
export interface PendingStatus {
  readonly resource: WatchedResource;
  readonly namespace: string;
  readonly name: string;
  readonly body: Record<string, unknown>;
}

export interface PendingStatusInputs {
  /** The object as the informer holds it now; objects it does not hold are not written. */
  readonly find: (kind: string, namespace: string, name: string) => KubeObject | undefined;
  /** What the edge knows of a Gateway's addresses ("namespace/name"). */
  readonly addressOf: (gateway: string) => GatewayAddressInfo | undefined;
  readonly controllerName: string;
  /** ISO time for lastTransitionTime. */
  readonly now: () => string;
  /**
   * Route statuses (the core's frozen data) already found on the object the informer held then. A route whose
   * status data and object are both the same as then needs no compare: a pass costs what changed, not one
   * compare per route (at 10k routes that compare was 150 ms per published state).
   */
  readonly inSync?: WeakMap<RouteStatus, KubeObject>;
}

/** Which objects a pass writes: GatewayClasses and Gateways (few, and a Gateway's address waits for nobody), or routes. */
export type StatusPart = 'gateways' | 'routes';

export function pendingStatusWrites(
  state: RoutingState,
  inputs: PendingStatusInputs,
  part: StatusPart | 'all' = 'all',
): PendingStatus[] {
  const status = state.gateway?.status;
  if (status === undefined) return [];
  const at = inputs.now();
  const out: PendingStatus[] = [];
  const add = (
    resource: WatchedResource,
    namespace: string,
    name: string,
    body: (o: KubeObject) => Record<string, unknown>,
  ) => {
    const object = inputs.find(resource.kind, namespace, name);
    if (object === undefined) return;
    const next = body(object);
    if (!sameStatus(next, object)) out.push({ resource, namespace, name, body: next });
  };
  if (part !== 'routes') {
    for (const c of status.gatewayClasses) add(gatewayClasses, '', c.name, (o) => gatewayClassBody(c, o, at));
    for (const g of status.gateways) {
      const info = inputs.addressOf(`${g.namespace}/${g.name}`);
      add(gateways, g.namespace, g.name, (o) => gatewayBody(g, o, info, at));
    }
  }
  if (part === 'gateways') return out;
  const inSync = inputs.inSync;
  for (const r of status.routes) {
    const resource = r.kind === 'HTTPRoute' ? httpRoutes : grpcRoutes;
    const object = inputs.find(resource.kind, r.namespace, r.name);
    if (object === undefined || inSync?.get(r) === object) continue;
    const next = routeBody(r, object, inputs.controllerName, at);
    if (!sameStatus(next, object)) out.push({ resource, namespace: r.namespace, name: r.name, body: next });
    else inSync?.set(r, object);
  }
  return out;
}
