// routing-semantics §5: a backend reference → the Service port → its endpoints from EndpointSlices.
// Slices are indexed once by Service, so resolving a backend never scans every slice.

import { type BackendRef, FIRST_PORT, isPortNumber } from './backends.ts';
import { compareText, sortInPlace } from './compare.ts';
import { readArray, readBoolean, readLabel, readRecord, readString, readValue } from './kube-read.ts';
import type { Named } from './object-index.ts';
import type { ProblemCode } from './problems.ts';
import { dnsNameDefect } from './rule-host.ts';
import type { BackendEndpoints, Endpoint } from './types.ts';

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

export interface Resolution {
  readonly endpoints: BackendEndpoints;
  /** The problem every route using this backend reports, or null when it is usable. */
  readonly problem: { readonly code: ProblemCode; readonly message: string } | null;
}

/** The endpoints of one Service port, frozen: shared by every backend key naming that port ("svc:80", "svc:http"). */
export interface ServicePortEndpoints {
  readonly portName: string;
  readonly all: readonly Endpoint[];
  /** The ready ones, else the serving-and-terminating ones. */
  readonly usable: readonly Endpoint[];
}

/** A Service with the EndpointSlices labelled for it, and its ports' endpoints once a build has collected them. */
export interface ServiceEntry {
  readonly named: Named;
  /** Made on the first slice (most Services have one or two, so no room for more is set aside). */
  slices: Named[] | null;
  /** Filled as backends resolve; a Service has few ports, so a list, made on the first. */
  ports: ServicePortEndpoints[] | null;
}

/**
 * Services by namespace, then name: one lookup finds a Service, its slices and its collected
 * endpoints, by strings the input already holds (no "namespace/name" made per lookup).
 */
export type ServiceCatalog = ReadonlyMap<string, ReadonlyMap<string, ServiceEntry>>;

const NO_ENDPOINTS: readonly Endpoint[] = Object.freeze([]);

/**
 * Each Service with the EndpointSlices whose service-name label names it. Slices of Services that do
 * not exist are left out: no backend can reach them.
 */
export function catalogServices(
  services: ReadonlyMap<string, Named>,
  slices: ReadonlyMap<string, Named>,
): ServiceCatalog {
  const catalog = new Map<string, Map<string, ServiceEntry>>();
  services.forEach((named) => {
    let byName = catalog.get(named.ref.namespace);
    if (byName === undefined) {
      byName = new Map();
      catalog.set(named.ref.namespace, byName);
    }
    byName.set(named.ref.name, { named, slices: null, ports: null });
  });
  slices.forEach((slice) => {
    const service = readLabel(slice.object, SERVICE_NAME_LABEL);
    if (service === null || service === '') return;
    const entry = catalog.get(slice.ref.namespace)?.get(service);
    if (entry === undefined) return;
    if (entry.slices === null) entry.slices = [slice];
    else entry.slices.push(slice);
  });
  return catalog;
}

interface ServicePort {
  readonly name: string;
  readonly port: number;
  readonly appProtocol: string | null;
}

function findServicePort(service: Named, wanted: number | string): ServicePort | null {
  for (const entry of readArray(readRecord(service.object, 'spec'), 'ports') ?? []) {
    const port = readValue(entry, 'port');
    if (!isPortNumber(port)) continue;
    const name = readString(entry, 'name') ?? '';
    if (wanted === FIRST_PORT || (typeof wanted === 'number' ? port === wanted : name === wanted))
      return { name, port, appProtocol: readString(entry, 'appProtocol') ?? null };
  }
  return null;
}

/** The first listed port of a Service, for --default-backend-service without a port. */
export function firstServicePort(service: Named | undefined): number | string | null {
  if (service === undefined) return null;
  for (const entry of readArray(readRecord(service.object, 'spec'), 'ports') ?? []) {
    const port = readValue(entry, 'port');
    if (isPortNumber(port)) return port;
  }
  return null;
}

function unusable(
  ref: BackendRef,
  state: BackendEndpoints['state'],
  reason: string,
  all: readonly Endpoint[] = NO_ENDPOINTS,
): BackendEndpoints {
  return Object.freeze({
    key: ref.key,
    namespace: ref.namespace,
    service: ref.service,
    servicePort: ref.port,
    state,
    reason,
    usable: NO_ENDPOINTS,
    all,
    externalName: null,
  });
}

function resolution(endpoints: BackendEndpoints, code: ProblemCode | null, message = ''): Resolution {
  return Object.freeze({ endpoints, problem: code === null ? null : Object.freeze({ code, message }) });
}

/** Resolves a backend; its endpoints come out frozen and are shared with other keys naming the same Service port. */
export function resolveBackend(ref: BackendRef, catalog: ServiceCatalog): Resolution {
  if (ref.defect !== null) return resolution(unusable(ref, ref.defect.state, ref.defect.reason), null);
  const entry = catalog.get(ref.namespace)?.get(ref.service);
  if (entry === undefined) {
    const reason = `service ${ref.namespace}/${ref.service} not found`;
    return resolution(unusable(ref, 'no-service', reason), 'ServiceNotFound', reason);
  }
  const service = entry.named;
  const serviceKey = service.key;
  const spec = readRecord(service.object, 'spec');
  if (readString(spec, 'type') === 'ExternalName') return resolveExternalName(ref, service);
  const servicePort = findServicePort(service, ref.port);
  if (servicePort === null) {
    const reason = `service ${serviceKey} has no port ${typeof ref.port === 'number' ? ref.port : `named "${ref.port}"`}`;
    return resolution(unusable(ref, 'no-port', reason), 'ServicePortNotFound', reason);
  }
  const { all, usable } = servicePortEndpoints(entry, servicePort.name);
  if (usable.length === 0) {
    const reason =
      all.length === 0
        ? `service ${serviceKey} port ${ref.port} has no endpoints`
        : `service ${serviceKey} port ${ref.port} has no ready endpoints (${all.length} not ready)`;
    return resolution(unusable(ref, 'no-endpoints', reason, all), 'NoReadyEndpoints', reason);
  }
  return resolution(
    Object.freeze({
      key: ref.key,
      namespace: ref.namespace,
      service: ref.service,
      servicePort: ref.port,
      state: 'ok',
      reason: null,
      usable,
      all,
      externalName: null,
      ...(servicePort.appProtocol === null ? {} : { appProtocol: servicePort.appProtocol.slice(0, 100) }),
    }),
    null,
  );
}

function servicePortEndpoints(entry: ServiceEntry, portName: string): ServicePortEndpoints {
  if (entry.ports !== null) for (const collected of entry.ports) if (collected.portName === portName) return collected;
  const all = entry.slices === null ? [] : collectEndpoints(entry.slices, portName);
  let usable = all.filter((endpoint) => endpoint.ready);
  if (usable.length === 0) usable = all.filter((endpoint) => endpoint.serving && endpoint.terminating);
  const collected = Object.freeze({
    portName,
    all: Object.freeze(all),
    usable: usable.length === 0 ? NO_ENDPOINTS : Object.freeze(usable),
  });
  if (entry.ports === null) entry.ports = [collected];
  else entry.ports.push(collected);
  return collected;
}

function resolveExternalName(ref: BackendRef, service: Named): Resolution {
  const raw = readString(readRecord(service.object, 'spec'), 'externalName') ?? '';
  const host = (raw.endsWith('.') ? raw.slice(0, -1) : raw).toLowerCase();
  const defect = dnsNameDefect(host);
  if (defect !== null) {
    const reason = `ExternalName service ${service.key} has no valid spec.externalName (${defect})`;
    return resolution(unusable(ref, 'no-service', reason), 'ServiceExternalNameInvalid', reason);
  }
  // ExternalName Services often list no ports: a port number stands for itself; a name must be listed.
  const port = typeof ref.port === 'number' ? ref.port : (findServicePort(service, ref.port)?.port ?? null);
  if (port === null) {
    const reason = `service ${service.key} has no port named "${ref.port}"`;
    return resolution(unusable(ref, 'no-port', reason), 'ServicePortNotFound', reason);
  }
  return resolution(
    Object.freeze({
      key: ref.key,
      namespace: ref.namespace,
      service: ref.service,
      servicePort: ref.port,
      state: 'external-name',
      reason: null,
      usable: NO_ENDPOINTS,
      all: NO_ENDPOINTS,
      externalName: Object.freeze({ host, port }),
    }),
    null,
  );
}

/** Endpoints of every slice whose port name equals the Service port's, deduplicated and sorted. */
function collectEndpoints(slices: readonly Named[], portName: string): Endpoint[] {
  const found: Endpoint[] = [];
  for (const slice of slices) {
    const port = slicePort(slice, portName);
    if (port === null) continue;
    for (const raw of readArray(slice.object, 'endpoints') ?? []) {
      const conditions = readRecord(raw, 'conditions');
      const ready = readBoolean(conditions, 'ready') !== false;
      const serving = readBoolean(conditions, 'serving') ?? ready;
      const terminating = readBoolean(conditions, 'terminating') === true;
      const targetRef = readRecord(raw, 'targetRef');
      const podName = readString(targetRef, 'name');
      const pod =
        podName === null || podName === ''
          ? null
          : `${readString(targetRef, 'namespace') ?? slice.ref.namespace}/${podName}`;
      const zone = readString(raw, 'zone') || null;
      for (const address of readArray(raw, 'addresses') ?? []) {
        if (typeof address !== 'string' || address === '' || address.length > 253) continue;
        found.push(Object.freeze({ address, port, ready, serving, terminating, pod, zone }));
      }
    }
  }
  // Sorted, duplicates of one address and port are adjacent with the preferred one first: keep it.
  sortInPlace(found, compareEndpoints);
  let kept = 0;
  for (let i = 0; i < found.length; i++) {
    const endpoint = found[i];
    const last = kept === 0 ? null : found[kept - 1];
    if (last !== null && last.address === endpoint.address && last.port === endpoint.port) continue;
    found[kept++] = endpoint;
  }
  found.length = kept;
  return found;
}

function slicePort(slice: Named, portName: string): number | null {
  for (const entry of readArray(slice.object, 'ports') ?? []) {
    const name = readString(entry, 'name') ?? '';
    const port = readValue(entry, 'port');
    if (name === portName && isPortNumber(port)) return port;
  }
  return null;
}

function rank(endpoint: Endpoint): number {
  return (endpoint.ready ? 4 : 0) + (endpoint.serving ? 2 : 0) + (endpoint.terminating ? 0 : 1);
}

/** A total order, so the endpoint kept among duplicates never depends on slice order. */
function compareEndpoints(a: Endpoint, b: Endpoint): number {
  return (
    compareText(a.address, b.address) ||
    a.port - b.port ||
    rank(b) - rank(a) ||
    compareText(a.pod ?? '', b.pod ?? '') ||
    compareText(a.zone ?? '', b.zone ?? '')
  );
}
