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
