// Route attachment: each parentRef naming one of our Gateways is matched to its listeners by
// sectionName and port, then allowedRoutes (kinds, namespaces) and hostname intersection decide.
// Upstream: conformance/tests/httproute-invalid-parentref-not-matching-section-name.go,
// httproute-invalid-parentref-not-matching-listener-port.go, httproute-invalid-cross-namespace-parent-ref.go,
// httproute-hostname-intersection.go, gateway-with-attached-routes.go.

import { readArray, readString, readValue } from '../kube-read.ts';
import type { Named } from '../object-index.ts';
import type { Verdict } from './conditions.ts';
import { effectiveHostnames } from './hostnames.ts';
import type { ListenerModel } from './listeners.ts';
import { selectorMatches } from './values.ts';
import { GATEWAY_GROUP, type ParentRef, type RouteKind } from './types.ts';

export interface GatewayModel {
  readonly named: Named;
  readonly listeners: readonly ListenerModel[];
}

export interface Attachment {
  readonly listener: ListenerModel;
  /** The hostnames the route serves through this listener. */
  readonly hostnames: readonly string[];
}

export interface ParentResult {
  readonly parentRef: ParentRef;
  readonly gateway: GatewayModel;
  readonly accepted: Verdict;
  readonly attachments: readonly Attachment[];
}

export interface RouteIdentity {
  readonly kind: RouteKind;
  readonly named: Named;
  readonly hostnames: readonly string[];
}

export type NamespaceLabels = (namespace: string) => Readonly<Record<string, unknown>>;

const ACCEPTED: Verdict = [true, 'Accepted', 'route accepted'];

export function attachRoute(
  route: RouteIdentity,
  gateways: ReadonlyMap<string, GatewayModel>,
  labels: NamespaceLabels,
): ParentResult[] {
  const results: ParentResult[] = [];
  for (const raw of readArray(route.named.object.spec, 'parentRefs') ?? []) {
    const parentRef = readParentRef(raw, route.named.ref.namespace);
    if (parentRef === null) continue;
    const gateway = gateways.get(`${parentRef.namespace}/${parentRef.name}`);
    if (gateway === undefined) continue; // not ours: another controller writes that parent's status
    results.push(attachToGateway(route, parentRef, gateway, labels));
  }
  return results;
}

function readParentRef(raw: unknown, routeNamespace: string): ParentRef | null {
  const group = readString(raw, 'group') ?? GATEWAY_GROUP;
  const kind = readString(raw, 'kind') ?? 'Gateway';
  const name = readString(raw, 'name');
  if (group !== GATEWAY_GROUP || kind !== 'Gateway' || name === null) return null;
  const sectionName = readString(raw, 'sectionName');
  const port = readValue(raw, 'port');
  return {
    group,
    kind,
    namespace: readString(raw, 'namespace') ?? routeNamespace,
    name,
    ...(sectionName === null ? {} : { sectionName }),
    ...(typeof port === 'number' ? { port } : {}),
  };
}

function attachToGateway(
  route: RouteIdentity,
  parentRef: ParentRef,
  gateway: GatewayModel,
  labels: NamespaceLabels,
): ParentResult {
  const result = (accepted: Verdict, attachments: Attachment[] = []): ParentResult => ({
    parentRef,
    gateway,
    accepted,
    attachments,
  });
  const candidates = gateway.listeners.filter(
    (listener) =>
      listener.accepted[0] &&
      (parentRef.sectionName === undefined || listener.name === parentRef.sectionName) &&
      (parentRef.port === undefined || listener.port === parentRef.port),
  );
  if (candidates.length === 0) return result([false, 'NoMatchingParent', 'no listener matches sectionName/port']);
  const routeNamespace = route.named.ref.namespace;
  const gatewayNamespace = gateway.named.ref.namespace;
  const allowed = candidates.filter(
    (listener) =>
      listener.kinds.includes(route.kind) && namespaceAllowed(listener, routeNamespace, gatewayNamespace, labels),
  );
  if (allowed.length === 0)
    return result([false, 'NotAllowedByListeners', 'no listener allows this route kind and namespace']);
  const attachments: Attachment[] = [];
  for (const listener of allowed) {
    const hostnames = effectiveHostnames(listener.hostname, route.hostnames);
    if (hostnames.length > 0) attachments.push({ listener, hostnames });
  }
  if (attachments.length === 0)
    return result([false, 'NoMatchingListenerHostname', 'no listener hostname intersects the route hostnames']);
  return result(ACCEPTED, attachments);
}

function namespaceAllowed(
  listener: ListenerModel,
  routeNamespace: string,
  gatewayNamespace: string,
  labels: NamespaceLabels,
): boolean {
  if (listener.from === 'All') return true;
  if (listener.from === 'Same') return routeNamespace === gatewayNamespace;
  if (listener.from === 'Selector') return selectorMatches(listener.selector, labels(routeNamespace));
  return false;
}
