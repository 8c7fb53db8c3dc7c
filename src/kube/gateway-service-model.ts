// The Services sluice provisions for Gateways (in a cluster without --gateway-address-pool): their names,
// the label that marks them ours, and how a replica reads one back (which Gateway, which ports). Pure.
import type { KubeObject } from '../routing/types.ts';

// One list of types for the annotation, --gateway-service-type and the parameters ConfigMap.
export { SERVICE_TYPES, type ServiceType } from '../routing/gateway/parameters.ts';

/** Label on every Service we provision; its value names the controller (two installs never touch each other's). */
export const OWNER_LABEL = 'gateway.sluice.dev/controller';
/** Annotation naming the Gateway ("namespace/name") a Service serves. */
export const GATEWAY_ANNOTATION = 'gateway.sluice.dev/gateway';
/** Label naming the Gateway on the resources made for it (Gateway API GEP-1762). */
export const GATEWAY_NAME_LABEL = 'gateway.networking.k8s.io/gateway-name';
/** Annotation on a Gateway choosing its Service's type. */
export const SERVICE_TYPE_ANNOTATION = 'sluice.dev/service-type';

export interface PortRange {
  readonly first: number;
  readonly last: number;
}

/** One provisioned Service as every replica reads it: the Gateway it serves and listener port → container port. */
export interface OwnedService {
  readonly name: string;
  /** "namespace/name" of the Gateway. */
  readonly gateway: string;
  readonly ports: ReadonlyMap<number, number>;
  readonly object: ServiceObject;
}

export interface ObjectMeta {
  readonly name?: string;
  readonly namespace?: string;
  readonly uid?: string;
  readonly resourceVersion?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly ownerReferences?: readonly Readonly<Record<string, unknown>>[];
}

export interface ServicePort {
  readonly name?: string;
  readonly protocol?: string;
  readonly port?: number;
  readonly targetPort?: number | string;
  readonly nodePort?: number;
}

export interface ServiceSpec {
  readonly type?: string;
  readonly selector?: Readonly<Record<string, string>>;
  readonly ports?: readonly ServicePort[];
  readonly clusterIP?: string;
  readonly [field: string]: unknown;
}

/** A Service as this side reads and writes it. */
export interface ServiceObject {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata: ObjectMeta;
  readonly spec: ServiceSpec;
  readonly status?: unknown;
}

/** Any object's metadata, typed (empty when absent). */
export function metaOf(object: KubeObject): ObjectMeta {
  const metadata = object.metadata;
  return typeof metadata === 'object' && metadata !== null ? (metadata as ObjectMeta) : {};
}

/** A Service's parts, typed (an absent spec is empty). */
export function asService(object: KubeObject): ServiceObject {
  const spec = object.spec;
  return {
    ...object,
    metadata: metaOf(object),
    spec: typeof spec === 'object' && spec !== null ? (spec as ServiceSpec) : {},
  };
}

export const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** The OWNER_LABEL value for a controller name: "sluice.dev/gateway-controller" → "sluice.dev.gateway-controller". */
export function ownerLabelValue(controllerName: string): string {
  const readable = controllerName.replaceAll('/', '.');
  return readable.length <= 63 && LABEL_VALUE.test(readable) ? readable : `h${fnv1a(controllerName).toString(16)}`;
}

/** The Service name for a Gateway: a DNS-1035 label of at most 63 characters, unique by a hash of "namespace/name". */
export function serviceNameOf(gateway: string): string {
  const name = gateway.slice(gateway.indexOf('/') + 1);
  const readable = name
    .replace(/[^a-z0-9-]/g, '-')
    .slice(0, 36)
    .replace(/-+$/, '');
  return `sluice-gw-${readable === '' ? '' : `${readable}-`}${fnv1a(gateway).toString(16).padStart(8, '0')}`;
}

/** Reads a Service we own back: undefined when it is not ours or has no Gateway annotation. */
export function readOwnedService(raw: KubeObject, ownerValue: string): OwnedService | undefined {
  const object = asService(raw);
  const metadata = object.metadata;
  if (metadata.labels?.[OWNER_LABEL] !== ownerValue) return undefined;
  const gateway = metadata.annotations?.[GATEWAY_ANNOTATION];
  if (typeof gateway !== 'string' || !gateway.includes('/') || typeof metadata.name !== 'string') return undefined;
  const ports = new Map<number, number>();
  const list: unknown = object.spec.ports;
  for (const entry of Array.isArray(list) ? (list as ServicePort[]) : []) {
    const { port, targetPort } = entry ?? {};
    if (Number.isInteger(port) && Number.isInteger(targetPort)) ports.set(port as number, targetPort as number);
  }
  return { name: metadata.name, gateway, ports, object };
}

/** FNV-1a over UTF-16 code units: small and stable across versions and processes. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}
