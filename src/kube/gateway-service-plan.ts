// The Service writes that make the cluster match the Gateways we serve: create the missing ones, update the
// ones whose managed fields differ (keeping everything else: clusterIP, node ports, others' labels), delete
// the ones we own that no Gateway needs. Only Services carrying our owner label are ever read here. Pure.
import type { KubeObject } from '../routing/types.ts';
import {
  desiredService,
  serviceTypeOf,
  type GatewayToServe,
  type ProvisionSettings,
} from './gateway-service-desired.ts';
import { readOwnedService, serviceNameOf, type ServiceObject, type ServicePort } from './gateway-service-model.ts';
import { allocateContainerPorts } from './gateway-service-ports.ts';
import { staleKeys, without } from './gateway-service-propagated.ts';

export interface ServicePlan {
  readonly creates: readonly ServiceObject[];
  /** Whole objects with the current resourceVersion (an update conflicts if the Service changed meanwhile). */
  readonly updates: readonly ServiceObject[];
  readonly deletes: readonly { readonly name: string; readonly uid: string | undefined }[];
  /** Configuration we could not follow (a bad annotation, an exhausted port range). */
  readonly problems: readonly string[];
}

/**
 * `gateways`: accepted Gateways with listeners. `keep`: Gateways still served whose object is not at hand
 * (their Services are left alone). `current`: the Services in our namespace carrying our owner label.
 */
export function planServices(
  gateways: readonly GatewayToServe[],
  keep: ReadonlySet<string>,
  current: readonly KubeObject[],
  settings: ProvisionSettings,
): ServicePlan {
  const owned = current.flatMap((object) => {
    const read = readOwnedService(object, settings.ownerValue);
    return read === undefined || read.object.metadata.namespace !== settings.namespace ? [] : [read];
  });
  const byName = new Map(owned.map((service) => [service.name, service]));
  const currentPorts = new Map(
    owned.filter((s) => s.name === serviceNameOf(s.gateway)).map((s) => [s.gateway, s.ports] as const),
  );
  const allocated = allocateContainerPorts(gateways, currentPorts, settings.ports);
  const creates: ServiceObject[] = [];
  const updates: ServiceObject[] = [];
  const problems: string[] = [];
  const wanted = new Set<string>();
  for (const gateway of gateways) {
    const { type, problem } = serviceTypeOf(gateway, settings.defaultType);
    if (problem !== undefined) problems.push(problem);
    const ports = allocated.get(gateway.gateway) ?? new Map<number, number>();
    const missing = gateway.ports.filter((port) => !ports.has(port));
    if (missing.length > 0) {
      problems.push(
        `Gateway ${gateway.gateway}: no free container port in ${settings.ports.first}-${settings.ports.last} for port ${missing.join(', ')}`,
      );
    }
    // The API refuses a Service without ports: none is made until a port is free.
    if (ports.size === 0) continue;
    const desired = desiredService(gateway, ports, type, settings);
    const name = desired.metadata.name as string;
    wanted.add(name);
    const existing = byName.get(name);
    if (existing === undefined) creates.push(desired);
    else if (managed(desired, desired) !== managed(desired, existing.object)) {
      updates.push(merged(desired, existing.object));
    }
  }
  for (const gateway of keep) wanted.add(serviceNameOf(gateway));
  const deletes = owned
    .filter((service) => !wanted.has(service.name))
    .map((service) => ({ name: service.name, uid: service.object.metadata.uid }));
  return { creates, updates, deletes, problems };
}

/** The fields of `service` that we own (the labels and annotations `desired` sets), in a comparable form. */
function managed(desired: ServiceObject, service: ServiceObject): string {
  const { metadata, spec } = service;
  const ports = (spec.ports ?? []).map((p) => [p.name, p.protocol ?? 'TCP', p.port, p.targetPort]);
  const refs = (metadata.ownerReferences ?? []).map((r) => [
    r.apiVersion,
    r.kind,
    r.name,
    r.uid,
    r.controller ?? false,
  ]);
  return JSON.stringify([
    spec.type ?? 'ClusterIP',
    Object.entries(spec.selector ?? {}).sort(),
    ports,
    refs,
    Object.keys(desired.metadata.labels ?? {}).map((key) => metadata.labels?.[key] ?? null),
    Object.keys(desired.metadata.annotations ?? {}).map((key) => metadata.annotations?.[key] ?? null),
    staleKeys(desired, service),
  ]);
}

const LOAD_BALANCER_ONLY = [
  'loadBalancerClass',
  'loadBalancerIP',
  'loadBalancerSourceRanges',
  'allocateLoadBalancerNodePorts',
  'healthCheckNodePort',
];

/** The existing Service with our fields replaced: node ports kept where the type still has them. */
function merged(desired: ServiceObject, existing: ServiceObject): ServiceObject {
  const type = desired.spec.type as string;
  const stale = staleKeys(desired, existing);
  const oldPorts = existing.spec.ports ?? [];
  const ports = (desired.spec.ports ?? []).map((port): ServicePort => {
    const nodePort = oldPorts.find((old) => old.port === port.port)?.nodePort;
    return type !== 'ClusterIP' && nodePort !== undefined ? { ...port, nodePort } : port;
  });
  const spec: Record<string, unknown> = { ...existing.spec, type, selector: desired.spec.selector, ports };
  // The API refuses load balancer settings on other types, and external traffic policy on a ClusterIP.
  if (type !== 'LoadBalancer') {
    for (const field of LOAD_BALANCER_ONLY) delete spec[field];
  }
  if (type === 'ClusterIP') delete spec.externalTrafficPolicy;
  return {
    ...existing,
    metadata: {
      ...existing.metadata,
      labels: without({ ...existing.metadata.labels, ...desired.metadata.labels }, stale.labels),
      annotations: without({ ...existing.metadata.annotations, ...desired.metadata.annotations }, stale.annotations),
      ownerReferences: desired.metadata.ownerReferences,
    },
    spec,
  };
}
