/** The resource kinds the API emulator serves, as the real API server's discovery describes them. */
export interface ResourceType {
  /** '' for the core group. */
  readonly group: string;
  readonly version: string;
  /** The plural URL segment, e.g. 'ingresses'. */
  readonly plural: string;
  readonly singular: string;
  readonly kind: string;
  readonly listKind: string;
  readonly namespaced: boolean;
  /** True when the kind has a `status` subresource: writes to the main resource then ignore status. */
  readonly hasStatus: boolean;
  /** Fields accepted by `fieldSelector` besides metadata.name and metadata.namespace. */
  readonly extraFields: readonly string[];
  /** True for kinds defined by a CustomResourceDefinition: served only while their CRDs are installed. */
  readonly custom: boolean;
}

function resource(
  group: string,
  version: string,
  plural: string,
  kind: string,
  namespaced: boolean,
  hasStatus: boolean,
  extraFields: readonly string[] = [],
  custom = false,
): ResourceType {
  return {
    group,
    version,
    plural,
    singular: kind.toLowerCase(),
    kind,
    listKind: `${kind}List`,
    namespaced,
    hasStatus,
    extraFields,
    custom,
  };
}

const eventFields = [
  'involvedObject.kind',
  'involvedObject.namespace',
  'involvedObject.name',
  'involvedObject.uid',
  'involvedObject.apiVersion',
  'involvedObject.resourceVersion',
  'involvedObject.fieldPath',
  'reason',
  'reportingComponent',
  'source',
  'type',
];

export const RESOURCE_TYPES: readonly ResourceType[] = [
  resource('networking.k8s.io', 'v1', 'ingresses', 'Ingress', true, true),
  resource('networking.k8s.io', 'v1', 'ingressclasses', 'IngressClass', false, false),
  resource('', 'v1', 'services', 'Service', true, true),
  resource('discovery.k8s.io', 'v1', 'endpointslices', 'EndpointSlice', true, false),
  resource('', 'v1', 'secrets', 'Secret', true, false, ['type']),
  resource('', 'v1', 'configmaps', 'ConfigMap', true, false),
  resource('', 'v1', 'events', 'Event', true, false, eventFields),
  resource('events.k8s.io', 'v1', 'events', 'Event', true, false, [
    'regarding.kind',
    'regarding.namespace',
    'regarding.name',
    'regarding.uid',
    'reason',
    'reportingController',
    'type',
  ]),
  resource('coordination.k8s.io', 'v1', 'leases', 'Lease', true, false),
  resource('', 'v1', 'namespaces', 'Namespace', false, true, ['status.phase']),
  resource('', 'v1', 'nodes', 'Node', false, true, ['spec.unschedulable']),
  resource('', 'v1', 'pods', 'Pod', true, true, ['spec.nodeName', 'status.phase', 'status.podIP']),
  ...gatewayApiTypes(),
];

/** Gateway API (standard channel) kinds: custom resources, see ApiEmulator.installGatewayApi. */
function gatewayApiTypes(): ResourceType[] {
  const group = 'gateway.networking.k8s.io';
  return [
    resource(group, 'v1', 'gatewayclasses', 'GatewayClass', false, true, [], true),
    resource(group, 'v1', 'gateways', 'Gateway', true, true, [], true),
    resource(group, 'v1', 'httproutes', 'HTTPRoute', true, true, [], true),
    resource(group, 'v1', 'grpcroutes', 'GRPCRoute', true, true, [], true),
    resource(group, 'v1', 'referencegrants', 'ReferenceGrant', true, false, [], true),
    resource(group, 'v1beta1', 'referencegrants', 'ReferenceGrant', true, false, [], true),
  ];
}

export function apiVersionOf(type: ResourceType): string {
  return type.group === '' ? type.version : `${type.group}/${type.version}`;
}

/** A stable key naming a resource type: 'networking.k8s.io/ingresses', 'core/services'. */
export function typeKey(type: ResourceType): string {
  return `${type.group === '' ? 'core' : type.group}/${type.plural}`;
}

/** Finds a type from a URL: group ('' for /api), version and plural. */
export function typeFromPath(group: string, version: string, plural: string): ResourceType | undefined {
  return RESOURCE_TYPES.find((t) => t.group === group && t.version === version && t.plural === plural);
}

/** Finds a type from an object's apiVersion and kind. */
export function typeFromObject(apiVersion: string, kind: string): ResourceType | undefined {
  return RESOURCE_TYPES.find((t) => apiVersionOf(t) === apiVersion && t.kind === kind);
}

/**
 * Finds a type from a loose name as tests write it: 'Ingress', 'ingress', 'ingresses',
 * 'networking.k8s.io/ingresses', 'ingresses.networking.k8s.io'. A bare 'events'/'Event' means core v1;
 * write 'events.k8s.io/events' for the other one.
 */
export function typeFromLooseName(name: string): ResourceType {
  const lower = name.toLowerCase();
  const slash = lower.indexOf('/');
  if (slash >= 0) {
    const group = lower.slice(0, slash);
    const rest = lower.slice(slash + 1);
    const found = RESOURCE_TYPES.find(
      (t) => (t.group === group || (group === 'core' && t.group === '')) && matchesName(t, rest),
    );
    if (found !== undefined) return found;
  }
  const dot = lower.indexOf('.');
  if (dot >= 0) {
    const rest = lower.slice(0, dot);
    const group = lower.slice(dot + 1);
    const found = RESOURCE_TYPES.find((t) => t.group === group && matchesName(t, rest));
    if (found !== undefined) return found;
  }
  const found = RESOURCE_TYPES.find((t) => matchesName(t, lower));
  if (found === undefined) throw new Error(`api-emulator: unknown resource type "${name}"`);
  return found;
}

function matchesName(type: ResourceType, lower: string): boolean {
  return type.plural === lower || type.singular === lower;
}
