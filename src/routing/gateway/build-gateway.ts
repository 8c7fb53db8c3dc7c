// The Gateway API core: a snapshot → per (Gateway, port) route tables in the shared route model, the
// endpoints they use, status as data and problems. Pure, like build.ts: never throws on bad input,
// output frozen and independent of input order. Contract: docs/gateway-api-snapshot.md.

import { BackendResolver } from '../backend-resolver.ts';
import { BackendRefs } from '../backends.ts';
import { compareText } from '../compare.ts';
import { deepFreeze } from '../deep-freeze.ts';
import { catalogServices } from '../endpoints.ts';
import { readArray, readRecord, readString } from '../kube-read.ts';
import type { Verdict } from './conditions.ts';
import { indexObjects, type Named } from '../object-index.ts';
import { problem, sortProblems } from '../problems.ts';
import type { Problem, Snapshot } from '../types.ts';
import {
  attachRoute,
  type GatewayModel,
  type NamespaceLabels,
  type ParentResult,
  type RouteIdentity,
} from './attach.ts';
import type { BackendContext } from './backend-refs.ts';
import { isGatewayHostname } from './hostnames.ts';
import { readListeners } from './listeners.ts';
import {
  chooseServiceType,
  invalidParameters,
  parametersVerdict,
  type ParametersRead,
  readClassParameters,
  readParametersRef,
} from './parameters.ts';
import { ReferenceGrants } from './reference-grants.ts';
import { compileRules } from './rules.ts';
import { gatewayClassStatus, gatewayStatus, routeStatus } from './status.ts';
import { gatewayListeners, type AcceptedGateway, type RouteEntry } from './tables.ts';
import {
  SUPPORTED_FEATURES,
  type GatewayBuildResult,
  type GatewayOptions,
  type GatewayStatus,
  type RouteStatus,
} from './types.ts';
import { createdOf, labelsOf } from './values.ts';

function listOf(snapshot: unknown, key: string): readonly unknown[] {
  const value = readRecord({ snapshot }, 'snapshot')?.[key];
  return Array.isArray(value) ? value : [];
}

interface Inputs {
  readonly secrets: ReadonlyMap<string, Named>;
  readonly configMaps: ReadonlyMap<string, Named>;
  /** Our GatewayClasses by name, with their parametersRef read. */
  readonly classes: ReadonlyMap<string, ParametersRead>;
  readonly grants: ReferenceGrants;
  readonly labels: NamespaceLabels;
  readonly resolver: BackendResolver;
}

export function buildGateway(snapshot: Snapshot, options: GatewayOptions): GatewayBuildResult {
  const problems: Problem[] = [];
  const shared: Problem[] = []; // Services, Secrets, slices: the Ingress build reports their problems
  const classes = [
    ...indexObjects('GatewayClass', listOf(snapshot, 'gatewayClasses'), false, problems).values(),
  ].filter((named) => readString(named.object.spec, 'controllerName') === options.controllerName);
  const services = indexObjects('Service', listOf(snapshot, 'services'), true, shared);
  const slices = indexObjects('EndpointSlice', listOf(snapshot, 'endpointSlices'), true, shared);
  const namespaces = indexObjects('Namespace', listOf(snapshot, 'namespaces'), false, shared);
  const configMaps = indexObjects('ConfigMap', listOf(snapshot, 'configMaps'), true, shared);
  const classParameters = new Map(
    classes.map((named) => [named.ref.name, readClassParameters(named, configMaps, problems)]),
  );
  const inputs: Inputs = {
    secrets: indexObjects('Secret', listOf(snapshot, 'secrets'), true, shared),
    configMaps,
    classes: classParameters,
    grants: new ReferenceGrants(
      indexObjects('ReferenceGrant', listOf(snapshot, 'referenceGrants'), true, problems).values(),
    ),
    labels: (name) => ({
      ...labelsOf(namespaces.get(name)?.object),
      'kubernetes.io/metadata.name': name, // set by Kubernetes on every namespace since 1.22
    }),
    resolver: new BackendResolver(catalogServices(services, slices), shared),
  };

  const gateways = judgeGateways(snapshot, inputs, options, problems);
  const { routes, statuses } = compileRoutes(snapshot, gateways, inputs, options.controllerName, problems);
  const gatewayStatuses = [...gateways.values()]
    .map((gateway) => gatewayStatus(gateway.named, gateway.listeners, gateway.rejection))
    .sort((a, b) => compareText(`${a.namespace}/${a.name}`, `${b.namespace}/${b.name}`));
  const listeners = [...gateways.values()]
    .filter((gateway) => isAccepted(gateway, gatewayStatuses))
    // The older Gateway first: it keeps an address:port two Gateways both ask for (without a pool).
    .sort(
      (a, b) =>
        compareText(createdOf(a.named.object), createdOf(b.named.object)) || compareText(a.named.key, b.named.key),
    )
    .flatMap((gateway) => gatewayListeners(gateway, routes));
  return deepFreeze({
    listeners,
    endpoints: inputs.resolver.index(),
    status: {
      gatewayClasses: classes.map((named) =>
        gatewayClassStatus(
          named,
          options.supportedFeatures ?? SUPPORTED_FEATURES,
          parametersVerdict(classParameters.get(named.ref.name) ?? null),
        ),
      ),
      gateways: gatewayStatuses,
      routes: statuses.sort((a, b) =>
        compareText(`${a.kind}/${a.namespace}/${a.name}`, `${b.kind}/${b.namespace}/${b.name}`),
      ),
    },
    problems: sortProblems(problems),
  });
}

interface JudgedGateway extends AcceptedGateway {
  /** Why the Gateway as a whole is not accepted (an address, its parametersRef), or null. */
  readonly rejection: Verdict | null;
}

function isAccepted(gateway: JudgedGateway, statuses: readonly GatewayStatus[]): boolean {
  const status = statuses.find((s) => s.name === gateway.named.ref.name && s.namespace === gateway.named.ref.namespace);
  return status?.conditions[0].status === 'True';
}

/** Gateways of our classes, their listeners judged (protocol, kinds, certificates, conflicts). */
function judgeGateways(
  snapshot: Snapshot,
  inputs: Inputs,
  options: GatewayOptions,
  problems: Problem[],
): Map<string, JudgedGateway> {
  const gateways = new Map<string, JudgedGateway>();
  for (const named of indexObjects('Gateway', listOf(snapshot, 'gateways'), true, problems).values()) {
    const className = readString(named.object.spec, 'gatewayClassName') ?? '';
    const classParameters = inputs.classes.get(className);
    if (classParameters === undefined) continue;
    const listeners = readListeners({
      gateway: named,
      secrets: inputs.secrets,
      grants: inputs.grants,
      inspect: options.inspectCertificate,
    });
    for (const listener of listeners)
      if (!listener.served || !listener.resolvedRefs[0])
        problems.push(problem('GatewayListenerInvalid', named.ref, listener.field, listenerWhy(listener)));
    const addresses = readAddresses(named, problems);
    const parameters = readParametersRef('Gateway', named, inputs.configMaps);
    const invalid = invalidParameters(named, parameters, classParameters, problems);
    gateways.set(named.key, {
      named,
      listeners,
      className,
      requestedAddresses: addresses.values,
      serviceType: chooseServiceType(parameters, classParameters),
      rejection:
        addresses.error !== null
          ? [false, 'UnsupportedAddress', addresses.error]
          : invalid === null
            ? null
            : [false, 'InvalidParameters', invalid],
    });
  }
  return gateways;
}

/** HTTPRoutes and GRPCRoutes naming our Gateways: attached, compiled, their status built. */
function compileRoutes(
  snapshot: Snapshot,
  gateways: ReadonlyMap<string, GatewayModel>,
  inputs: Inputs,
  controllerName: string,
  problems: Problem[],
): { routes: RouteEntry[]; statuses: RouteStatus[] } {
  const refs = new BackendRefs();
  const routes: RouteEntry[] = [];
  const statuses: RouteStatus[] = [];
  for (const [kind, key] of [
    ['HTTPRoute', 'httpRoutes'],
    ['GRPCRoute', 'grpcRoutes'],
  ] as const) {
    for (const named of indexObjects(kind, listOf(snapshot, key), true, problems).values()) {
      const identity: RouteIdentity = { kind, named, hostnames: routeHostnames(named, problems) };
      let parents = attachRoute(identity, gateways, inputs.labels);
      if (parents.length === 0) continue;
      const context: BackendContext = {
        route: named,
        kind,
        refs,
        resolver: inputs.resolver,
        grants: inputs.grants,
        problems,
        resolvedRefs: null,
        rejected: null,
      };
      const compiled = compileRules(identity, createdOf(named.object), context);
      const rejected = context.rejected;
      if (rejected !== null) parents = parents.map((parent) => rejectParent(parent, rejected));
      for (const parent of parents) {
        if (parent.accepted[0]) continue;
        const message = `${parent.parentRef.name}: ${parent.accepted[2]}`;
        problems.push(problem('GatewayRouteNotAccepted', named.ref, 'spec.parentRefs', message));
      }
      countAttached(parents);
      routes.push({ ranked: rejected === null ? compiled : [], parents });
      statuses.push(routeStatus(kind, named, parents, context.resolvedRefs, controllerName));
    }
  }
  return { routes, statuses };
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

function rejectParent(parent: ParentResult, message: string): ParentResult {
  return parent.accepted[0] ? { ...parent, accepted: [false, 'UnsupportedValue', message], attachments: [] } : parent;
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
    // An IPAddress without a value asks for any address (GatewayAddressEmpty): the pool assigns one.
    if (type === 'IPAddress') {
      if (value !== '') values.push(value);
    } else {
      error ??= `address type ${type} is not supported`;
      problems.push(problem('GatewayAddressUnsupported', named.ref, `spec.addresses[${index}]`, error));
    }
  });
  return { values, error };
}
