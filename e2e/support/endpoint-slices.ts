/**
 * Services and EndpointSlices written into the API emulator the way kube-apiserver and the endpointslice
 * controller write them: `kubernetes.io/service-name` and managed-by labels, an owner reference to the Service,
 * `addressType: IPv4`, ports by Service port name with protocol and the target (container) port number,
 * `conditions.ready/serving/terminating`, a targetRef to the Pod, at most 100 endpoints per slice, and
 * `endpoints: null` when there are none.
 */
import { randomBytes } from 'node:crypto';
import type { ApiEmulator, KubeObject } from './api-emulator.ts';

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
export const MANAGED_BY_LABEL = 'endpointslice.kubernetes.io/managed-by';
export const MANAGED_BY_CONTROLLER = 'endpointslice-controller.k8s.io';
export const MAX_ENDPOINTS_PER_SLICE = 100;

/** The part of the emulator these helpers use. */
export type ObjectWriter = Pick<ApiEmulator, 'apply' | 'get' | 'list' | 'remove'>;

export interface ServicePort {
  /** The Service port name ('' for a single unnamed port, as Kubernetes allows). */
  name?: string;
  /** The Service port. */
  port: number;
  /** The container port the endpoints listen on (a number: the slice carries resolved numbers). */
  targetPort: number;
  protocol?: 'TCP' | 'UDP' | 'SCTP';
  appProtocol?: string;
  /** For NodePort and LoadBalancer Services. */
  nodePort?: number;
}

export interface ServiceSpec {
  namespace: string;
  name: string;
  ports: ServicePort[];
  type?: 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalName';
  /** Labels on the Service; the endpointslice controller copies them onto its slices. */
  labels?: Record<string, string>;
  /** Default: a loopback address nothing listens on (never a routable address: tests must not leave the host). */
  clusterIP?: string;
  externalName?: string;
  /** Written as `status.loadBalancer.ingress` (for --publish-service tests). */
  loadBalancerIngress?: { ip?: string; hostname?: string }[];
}

/** One backend as a slice lists it; a `Pod` from pods.ts fits (ip, name, namespace). */
export interface EndpointSpec {
  ip: string;
  /** The Pod's name for targetRef. */
  name?: string;
  namespace?: string;
  ready?: boolean;
  serving?: boolean;
  terminating?: boolean;
  nodeName?: string;
  zone?: string;
}

let clusterIpCounter = 0;

function defaultClusterIp(): string {
  clusterIpCounter++;
  return `127.254.${Math.floor(clusterIpCounter / 250) % 250}.${1 + (clusterIpCounter % 250)}`;
}

function randomSuffix(): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  const bytes = randomBytes(5);
  let out = '';
  for (const byte of bytes) out += alphabet[byte % alphabet.length];
  return out;
}

/** Writes (creates or replaces) a Service. */
export function writeService(api: ObjectWriter, spec: ServiceSpec): KubeObject {
  const type = spec.type ?? 'ClusterIP';
  const existing = api.get('Service', spec.namespace, spec.name);
  const service: KubeObject = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { namespace: spec.namespace, name: spec.name, labels: { ...spec.labels } },
    spec: {
      type,
      selector: { app: spec.name },
      ports: spec.ports.map((p) => ({
        ...(p.name ? { name: p.name } : {}),
        protocol: p.protocol ?? 'TCP',
        port: p.port,
        targetPort: p.targetPort,
        ...(p.appProtocol ? { appProtocol: p.appProtocol } : {}),
        ...(p.nodePort !== undefined && type !== 'ClusterIP' ? { nodePort: p.nodePort } : {}),
      })),
      sessionAffinity: 'None',
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
    },
    status: { loadBalancer: spec.loadBalancerIngress ? { ingress: spec.loadBalancerIngress } : {} },
  };
  if (type === 'ExternalName') {
    service.spec = { type, externalName: spec.externalName ?? 'example.invalid', ports: service.spec.ports };
  } else {
    const ip = spec.clusterIP ?? existing?.spec?.clusterIP ?? defaultClusterIp();
    service.spec.clusterIP = ip;
    service.spec.clusterIPs = [ip];
  }
  return api.apply(service);
}

function endpointOf(spec: EndpointSpec, namespace: string): KubeObject {
  const ready = spec.ready ?? !spec.terminating;
  const endpoint: KubeObject = {
    addresses: [spec.ip],
    conditions: { ready, serving: spec.serving ?? ready, terminating: spec.terminating ?? false },
  };
  if (spec.name !== undefined) {
    endpoint.targetRef = { kind: 'Pod', namespace: spec.namespace ?? namespace, name: spec.name };
  }
  endpoint.nodeName = spec.nodeName ?? 'node-1';
  if (spec.zone !== undefined) endpoint.zone = spec.zone;
  return endpoint;
}

/** The slices the endpointslice controller manages for a Service, sorted by name. */
export function slicesOf(api: ObjectWriter, namespace: string, service: string): KubeObject[] {
  return api
    .list('EndpointSlice', namespace)
    .filter(
      (s) =>
        s.metadata.labels?.[SERVICE_NAME_LABEL] === service &&
        s.metadata.labels?.[MANAGED_BY_LABEL] === MANAGED_BY_CONTROLLER,
    );
}

/**
 * Makes the Service's slices list exactly `endpoints` (in chunks of 100), reusing existing slices, creating
 * new ones named `<service>-<random>` and deleting the rest. Slices whose content does not change are not
 * rewritten. The Service must exist: its ports and uid are copied.
 */
export function setEndpoints(
  api: ObjectWriter,
  namespace: string,
  service: string,
  endpoints: EndpointSpec[],
): KubeObject[] {
  const svc = api.get('Service', namespace, service);
  if (svc === undefined) throw new Error(`endpoint-slices: Service ${namespace}/${service} does not exist`);
  const ports = (svc.spec.ports ?? []).map((p: KubeObject) => ({
    name: p.name ?? '',
    port: typeof p.targetPort === 'number' ? p.targetPort : p.port,
    protocol: p.protocol ?? 'TCP',
    ...(p.appProtocol ? { appProtocol: p.appProtocol } : {}),
  }));
  const chunks: EndpointSpec[][] = [];
  for (let i = 0; i < endpoints.length; i += MAX_ENDPOINTS_PER_SLICE)
    chunks.push(endpoints.slice(i, i + MAX_ENDPOINTS_PER_SLICE));
  if (chunks.length === 0) chunks.push([]);
  const existing = slicesOf(api, namespace, service);
  const written: KubeObject[] = [];
  chunks.forEach((chunk, index) => {
    const previous = existing[index];
    const sliceEndpoints = chunk.length === 0 ? null : chunk.map((e) => endpointOf(e, namespace));
    const unchanged =
      previous !== undefined && JSON.stringify(previous.endpoints ?? null) === JSON.stringify(sliceEndpoints);
    const slice: KubeObject = {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: {
        namespace,
        name: previous?.metadata.name ?? `${service}-${randomSuffix()}`,
        generateName: `${service}-`,
        labels: {
          ...svc.metadata.labels,
          [SERVICE_NAME_LABEL]: service,
          [MANAGED_BY_LABEL]: MANAGED_BY_CONTROLLER,
        },
        annotations: unchanged
          ? previous.metadata.annotations
          : { 'endpoints.kubernetes.io/last-change-trigger-time': new Date().toISOString().replace(/\.\d{3}Z$/, 'Z') },
        ownerReferences: [
          {
            apiVersion: 'v1',
            kind: 'Service',
            name: service,
            uid: svc.metadata.uid,
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      },
      addressType: 'IPv4',
      endpoints: sliceEndpoints,
      ports,
    };
    written.push(api.apply(slice));
  });
  for (const extra of existing.slice(chunks.length)) api.remove('EndpointSlice', namespace, extra.metadata.name);
  return written;
}

export interface BackendSpec extends ServiceSpec {
  endpoints: EndpointSpec[];
}

/** Writes a Service and its EndpointSlices in one go. */
export function writeBackend(api: ObjectWriter, spec: BackendSpec): { service: KubeObject; slices: KubeObject[] } {
  const service = writeService(api, spec);
  const slices = setEndpoints(api, spec.namespace, spec.name, spec.endpoints);
  return { service, slices };
}

/** Removes a Service and its slices, as garbage collection does. */
export function removeBackend(api: ObjectWriter, namespace: string, service: string): void {
  for (const slice of slicesOf(api, namespace, service)) api.remove('EndpointSlice', namespace, slice.metadata.name);
  api.remove('Service', namespace, service);
}

export type RollingStep = 'new-not-ready' | 'new-ready' | 'old-terminating' | 'old-removed';

export interface RollingUpdateOptions {
  /** Also write each new endpoint first as not ready (ready=false, serving=false), as a starting pod is. */
  showNotReady?: boolean;
  /** Awaited after every write, e.g. to wait for the controller's generation or let traffic run. */
  afterStep?: (step: RollingStep, endpoint: EndpointSpec) => Promise<void> | void;
}

/**
 * Replaces `from` with `to` one by one as a Deployment with maxSurge 1 / maxUnavailable 0 does: the new
 * endpoint appears (optionally not ready first) and turns ready, then the old one turns terminating
 * (ready=false, serving=true, terminating=true), then it is removed. Endpoints of the Service that are in
 * neither list stay as they are.
 */
export async function rollingUpdate(
  api: ObjectWriter,
  namespace: string,
  service: string,
  from: EndpointSpec[],
  to: EndpointSpec[],
  options: RollingUpdateOptions = {},
): Promise<void> {
  const current = new Map<string, EndpointSpec>();
  for (const slice of slicesOf(api, namespace, service)) {
    for (const endpoint of slice.endpoints ?? []) {
      current.set(endpoint.addresses[0], {
        ip: endpoint.addresses[0],
        name: endpoint.targetRef?.name,
        namespace: endpoint.targetRef?.namespace,
        ready: endpoint.conditions?.ready,
        serving: endpoint.conditions?.serving,
        terminating: endpoint.conditions?.terminating,
        nodeName: endpoint.nodeName,
        zone: endpoint.zone,
      });
    }
  }
  const write = async (step: RollingStep, endpoint: EndpointSpec): Promise<void> => {
    setEndpoints(api, namespace, service, [...current.values()]);
    await options.afterStep?.(step, endpoint);
  };
  const steps = Math.max(from.length, to.length);
  for (let i = 0; i < steps; i++) {
    const next = to[i];
    if (next !== undefined) {
      if (options.showNotReady) {
        current.set(next.ip, { ...next, ready: false, serving: false, terminating: false });
        await write('new-not-ready', next);
      }
      current.set(next.ip, { ...next, ready: true, serving: true, terminating: false });
      await write('new-ready', next);
    }
    const old = from[i];
    if (old !== undefined) {
      current.set(old.ip, { ...old, ready: false, serving: true, terminating: true });
      await write('old-terminating', old);
      current.delete(old.ip);
      await write('old-removed', old);
    }
  }
}
