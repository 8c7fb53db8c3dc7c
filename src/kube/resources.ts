/** A kind the source watches: where its collection lives and how it is filtered. */
export interface WatchedResource {
  /** Short name for logs and stats, e.g. "ingresses". */
  readonly name: string;
  /** "/api/v1" or "/apis/GROUP/VERSION". */
  readonly groupVersion: string;
  readonly plural: string;
  readonly kind: string;
  readonly namespaced: boolean;
  readonly fieldSelector: string | null;
  /** A label selector, when only labelled objects are wanted (the Services we provision). */
  readonly labelSelector?: string;
}

export const ingressClasses: WatchedResource = {
  name: 'ingressclasses',
  groupVersion: '/apis/networking.k8s.io/v1',
  plural: 'ingressclasses',
  kind: 'IngressClass',
  namespaced: false,
  fieldSelector: null,
};

export const ingresses: WatchedResource = {
  name: 'ingresses',
  groupVersion: '/apis/networking.k8s.io/v1',
  plural: 'ingresses',
  kind: 'Ingress',
  namespaced: true,
  fieldSelector: null,
};

export const services: WatchedResource = {
  name: 'services',
  groupVersion: '/api/v1',
  plural: 'services',
  kind: 'Service',
  namespaced: true,
  fieldSelector: null,
};

export const endpointSlices: WatchedResource = {
  name: 'endpointslices',
  groupVersion: '/apis/discovery.k8s.io/v1',
  plural: 'endpointslices',
  kind: 'EndpointSlice',
  namespaced: true,
  fieldSelector: null,
};

/** Only TLS Secrets: the others are none of our business (and may be many and large). */
export const tlsSecrets: WatchedResource = {
  name: 'secrets',
  groupVersion: '/api/v1',
  plural: 'secrets',
  kind: 'Secret',
  namespaced: true,
  fieldSelector: 'type=kubernetes.io/tls',
};

/** Opaque Secrets (htpasswd files, CA bundles): only those an Ingress names keep their data (opaque-secrets.ts). */
export const opaqueSecrets: WatchedResource = {
  name: 'opaque-secrets',
  groupVersion: '/api/v1',
  plural: 'secrets',
  kind: 'Secret',
  namespaced: true,
  fieldSelector: 'type=Opaque',
};

/** ConfigMaps (header lists): only those an Ingress names keep their data (referenced-configmaps.ts). */
export const configMaps: WatchedResource = {
  name: 'configmaps',
  groupVersion: '/api/v1',
  plural: 'configmaps',
  kind: 'ConfigMap',
  namespaced: true,
  fieldSelector: null,
};

export const nodes: WatchedResource = {
  name: 'nodes',
  groupVersion: '/api/v1',
  plural: 'nodes',
  kind: 'Node',
  namespaced: false,
  fieldSelector: null,
};

/** The collection path: cluster-wide when namespace is null (or the kind is cluster-scoped). */
export function collectionPath(resource: WatchedResource, namespace: string | null): string {
  if (!resource.namespaced || namespace === null) return `${resource.groupVersion}/${resource.plural}`;
  return `${resource.groupVersion}/namespaces/${encodeURIComponent(namespace)}/${resource.plural}`;
}

export function objectPath(resource: WatchedResource, namespace: string, name: string): string {
  return `${collectionPath(resource, resource.namespaced ? namespace : null)}/${encodeURIComponent(name)}`;
}

// ---- Gateway API (custom resources: watched only while their CRDs are installed, see gateway-api-watch.ts) ----

export const GATEWAY_API_GROUP = 'gateway.networking.k8s.io';

function gatewayKind(version: string, plural: string, kind: string, namespaced: boolean): WatchedResource {
  return {
    name: version === 'v1' ? plural : `${plural}.${version}`,
    groupVersion: `/apis/${GATEWAY_API_GROUP}/${version}`,
    plural,
    kind,
    namespaced,
    fieldSelector: null,
  };
}

export const gatewayClasses = gatewayKind('v1', 'gatewayclasses', 'GatewayClass', false);
export const gateways = gatewayKind('v1', 'gateways', 'Gateway', true);
export const httpRoutes = gatewayKind('v1', 'httproutes', 'HTTPRoute', true);
export const grpcRoutes = gatewayKind('v1', 'grpcroutes', 'GRPCRoute', true);
export const referenceGrants = gatewayKind('v1', 'referencegrants', 'ReferenceGrant', true);
export const referenceGrantsBeta = gatewayKind('v1beta1', 'referencegrants', 'ReferenceGrant', true);

/** allowedRoutes `from: Selector` reads Namespace labels; watched with the Gateway API kinds. */
export const namespaces: WatchedResource = {
  name: 'namespaces',
  groupVersion: '/api/v1',
  plural: 'namespaces',
  kind: 'Namespace',
  namespaced: false,
  fieldSelector: null,
};
