// The Gateway API core: a snapshot → per (Gateway, port) route tables in the shared route model, the
// endpoints they use, status as data and problems. Pure, like build.ts: never throws on bad input,
// output frozen and independent of input order. Contract: docs/gateway-api-snapshot.md.

import { BackendResolver } from '../backend-resolver.ts';
import { BackendRefs } from '../backends.ts';
import { compareText } from '../compare.ts';
import { deepFreeze } from '../deep-freeze.ts';
import { catalogServices } from '../endpoints.ts';
import { readArray, readRecord, readString } from '../kube-read.ts';
import { indexObjects, type Named } from '../object-index.ts';
import { problem, sortProblems } from '../problems.ts';
import type { Problem, Snapshot } from '../types.ts';
import { attachRoute, type GatewayModel, type NamespaceLabels, type RouteIdentity } from './attach.ts';
import type { BackendContext } from './backend-refs.ts';
import { isGatewayHostname } from './hostnames.ts';
import { readListeners } from './listeners.ts';
import { ReferenceGrants } from './reference-grants.ts';
import { compileRules } from './rules.ts';
import { gatewayClassStatus, gatewayStatus, routeStatus } from './status.ts';
import { gatewayListeners, type AcceptedGateway, type RouteEntry } from './tables.ts';
import {
  CORE_FEATURES,
  type GatewayBuildResult,
  type GatewayOptions,
  type GatewayStatus,
  type RouteKind,
  type RouteStatus,
} from './types.ts';
import { createdOf, labelsOf } from './values.ts';

function listOf(snapshot: unknown, key: string): readonly unknown[] {
  const value = readRecord({ snapshot }, 'snapshot')?.[key];
  return Array.isArray(value) ? value : [];
}

export function buildGateway(snapshot: Snapshot, options: GatewayOptions): GatewayBuildResult {
  const problems: Problem[] = [];
  const shared: Problem[] = []; // Services, Secrets, slices: the Ingress build reports their problems
  const classes = [
    ...indexObjects('GatewayClass', listOf(snapshot, 'gatewayClasses'), false, problems).values(),
  ].filter((named) => readString(named.object.spec, 'controllerName') === options.controllerName);
  const classNames = new Set(classes.map((named) => named.ref.name));
  const services = indexObjects('Service', listOf(snapshot, 'services'), true, shared);
  const catalog = catalogServices(
    services,
    indexObjects('EndpointSlice', listOf(snapshot, 'endpointSlices'), true, shared),
  );
  const secrets = indexObjects('Secret', listOf(snapshot, 'secrets'), true, shared);
  const grants = new ReferenceGrants(
    indexObjects('ReferenceGrant', listOf(snapshot, 'referenceGrants'), true, problems).values(),
  );
  const namespaces = indexObjects('Namespace', listOf(snapshot, 'namespaces'), false, shared);
  const labels: NamespaceLabels = (name) => ({
    ...labelsOf(namespaces.get(name)?.object),
    'kubernetes.io/metadata.name': name, // set by Kubernetes on every namespace since 1.22
  });

  // Gateways of our classes, their listeners judged.
  const gateways = new Map<string, AcceptedGateway>();
  const gatewayStatuses: GatewayStatus[] = [];
  const addressErrors = new Map<string, string | null>();
  for (const named of indexObjects('Gateway', listOf(snapshot, 'gateways'), true, problems).values()) {
    const className = readString(named.object.spec, 'gatewayClassName') ?? '';
    if (!classNames.has(className)) continue;
    const listeners = readListeners({ gateway: named, secrets, grants, inspect: options.inspectCertificate });
    for (const listener of listeners)
      if (!listener.served)
        problems.push(problem('GatewayListenerInvalid', named.ref, listener.field, listenerWhy(listener)));
    const addresses = readAddresses(named, problems);
    addressErrors.set(named.key, addresses.error);
    gateways.set(named.key, { named, listeners, className, requestedAddresses: addresses.values });
  }

  // Routes naming our Gateways: attached, compiled.
  const refs = new BackendRefs();
  const resolver = new BackendResolver(catalog, shared);
  const routes: RouteEntry[] = [];
  const routeStatuses: RouteStatus[] = [];
  for (const [kind, key] of [
    ['HTTPRoute', 'httpRoutes'],
    ['GRPCRoute', 'grpcRoutes'],
  ] as const) {
    for (const named of indexObjects(kind, listOf(snapshot, key), true, problems).values()) {
      const identity: RouteIdentity = { kind, named, hostnames: routeHostnames(named, problems) };
      const parents = attachRoute(identity, gateways as ReadonlyMap<string, GatewayModel>, labels);
      if (parents.length === 0) continue;
      const context: BackendContext = { route: named, kind, refs, resolver, grants, problems, resolvedRefs: null };
      const ranked = compileRules(identity, createdOf(named.object), context);
      for (const parent of parents) {
        if (!parent.accepted[0])
          problems.push(
            problem(
              'GatewayRouteNotAccepted',
              named.ref,
              'spec.parentRefs',
              `${parent.parentRef.name}: ${parent.accepted[2]}`,
            ),
          );
      }
      countAttached(parents);
      routes.push({ ranked, parents });
      routeStatuses.push(routeStatus(kind as RouteKind, named, parents, context.resolvedRefs, options.controllerName));
    }
  }

  for (const gateway of gateways.values())
    gatewayStatuses.push(gatewayStatus(gateway.named, gateway.listeners, addressErrors.get(gateway.named.key) ?? null));
  const listeners = [...gateways.values()]
    .filter(
      (gateway) =>
        gatewayStatuses.find((s) => s.name === gateway.named.ref.name && s.namespace === gateway.named.ref.namespace)
          ?.conditions[0].status === 'True',
    )
    .sort((a, b) => compareText(a.named.key, b.named.key))
    .flatMap((gateway) => gatewayListeners(gateway, routes));
  return deepFreeze({
    listeners,
    endpoints: resolver.index(),
    status: {
      gatewayClasses: classes.map((named) => gatewayClassStatus(named, options.supportedFeatures ?? CORE_FEATURES)),
      gateways: gatewayStatuses.sort((a, b) => compareText(`${a.namespace}/${a.name}`, `${b.namespace}/${b.name}`)),
      routes: routeStatuses.sort((a, b) =>
        compareText(`${a.kind}/${a.namespace}/${a.name}`, `${b.kind}/${b.namespace}/${b.name}`),
      ),
    },
    problems: sortProblems(problems),
  });
}

function listenerWhy(listener: {
  accepted: readonly [boolean, string, string];
  programmed: readonly [boolean, string, string];
  resolvedRefs: readonly [boolean, string, string];
  conflicted: readonly [boolean, string, string];
}): string {
  for (const verdict of [
    listener.accepted,
    listener.conflicted[0] ? ([false, listener.conflicted[1], listener.conflicted[2]] as const) : null,
    listener.resolvedRefs,
    listener.programmed,
  ]) {
    if (verdict !== null && !verdict[0]) return `${verdict[1]}: ${verdict[2]}`;
  }
  return 'not served';
}

/** AttachedRoutes: each accepted route once per listener it attached to. */
function countAttached(parents: ReturnType<typeof attachRoute>): void {
  const seen = new Set<object>();
  for (const parent of parents) {
    if (!parent.accepted[0]) continue;
    for (const attachment of parent.attachments) {
      if (seen.has(attachment.listener)) continue;
      seen.add(attachment.listener);
      attachment.listener.attachedRoutes++;
    }
  }
}

function routeHostnames(named: Named, problems: Problem[]): string[] {
  const out: string[] = [];
  (readArray(named.object.spec, 'hostnames') ?? []).forEach((raw, index) => {
    const host = typeof raw === 'string' ? raw.toLowerCase() : '';
    if (isGatewayHostname(host)) out.push(host);
    else
      problems.push(
        problem('GatewayMatchInvalid', named.ref, `spec.hostnames[${index}]`, 'not a valid hostname; it is ignored'),
      );
  });
  return out;
}

function readAddresses(named: Named, problems: Problem[]): { values: string[]; error: string | null } {
  const values: string[] = [];
  let error: string | null = null;
  (readArray(named.object.spec, 'addresses') ?? []).forEach((raw, index) => {
    const type = readString(raw, 'type') ?? 'IPAddress';
    const value = readString(raw, 'value') ?? '';
    if (type === 'IPAddress' && value !== '') values.push(value);
    else {
      error ??= `address type ${type} is not supported`;
      problems.push(problem('GatewayAddressUnsupported', named.ref, `spec.addresses[${index}]`, error));
    }
  });
  return { values, error };
}
