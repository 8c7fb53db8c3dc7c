// routing-semantics §5: a backend reference → the Service port → its endpoints from EndpointSlices.
// Slices are indexed once by Service, so resolving a backend never scans every slice.

import { type BackendRef, isPortNumber } from './backends.ts';
import { compareText } from './compare.ts';
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

/** EndpointSlices grouped by "namespace/service" from their service-name label. */
export function indexSlices(slices: ReadonlyMap<string, Named>): Map<string, Named[]> {
  const byService = new Map<string, Named[]>();
  for (const slice of slices.values()) {
    const service = readLabel(slice.object, SERVICE_NAME_LABEL);
    if (service === null || service === '') continue;
    const key = `${slice.ref.namespace}/${service}`;
    const list = byService.get(key);
    if (list === undefined) byService.set(key, [slice]);
    else list.push(slice);
  }
  return byService;
}

interface ServicePort {
  readonly name: string;
  readonly port: number;
}

function findServicePort(service: Named, wanted: number | string): ServicePort | null {
  for (const entry of readArray(readRecord(service.object, 'spec'), 'ports') ?? []) {
    const port = readValue(entry, 'port');
    if (!isPortNumber(port)) continue;
    const name = readString(entry, 'name') ?? '';
    if (typeof wanted === 'number' ? port === wanted : name === wanted) return { name, port };
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

function unusable(ref: BackendRef, state: BackendEndpoints['state'], reason: string, all: readonly Endpoint[] = []): BackendEndpoints {
  return { key: ref.key, namespace: ref.namespace, service: ref.service, servicePort: ref.port, state, reason, usable: [], all, externalName: null };
}

export function resolveBackend(
  ref: BackendRef,
  services: ReadonlyMap<string, Named>,
  slicesByService: ReadonlyMap<string, readonly Named[]>,
): Resolution {
  if (ref.defect !== null) return { endpoints: unusable(ref, ref.defect.state, ref.defect.reason), problem: null };
  const serviceKey = `${ref.namespace}/${ref.service}`;
  const service = services.get(serviceKey);
  if (service === undefined) {
    const reason = `service ${serviceKey} not found`;
    return { endpoints: unusable(ref, 'no-service', reason), problem: { code: 'ServiceNotFound', message: reason } };
  }
  const spec = readRecord(service.object, 'spec');
  if (readString(spec, 'type') === 'ExternalName') return resolveExternalName(ref, service);
  const servicePort = findServicePort(service, ref.port);
  if (servicePort === null) {
    const reason = `service ${serviceKey} has no port ${typeof ref.port === 'number' ? ref.port : `named "${ref.port}"`}`;
    return { endpoints: unusable(ref, 'no-port', reason), problem: { code: 'ServicePortNotFound', message: reason } };
  }
  const all = collectEndpoints(slicesByService.get(serviceKey) ?? [], servicePort.name);
  let usable = all.filter((endpoint) => endpoint.ready);
  if (usable.length === 0) usable = all.filter((endpoint) => endpoint.serving && endpoint.terminating);
  if (usable.length === 0) {
    const reason =
      all.length === 0
        ? `service ${serviceKey} port ${ref.port} has no endpoints`
        : `service ${serviceKey} port ${ref.port} has no ready endpoints (${all.length} not ready)`;
    return { endpoints: unusable(ref, 'no-endpoints', reason, all), problem: { code: 'NoReadyEndpoints', message: reason } };
  }
  return {
    endpoints: { key: ref.key, namespace: ref.namespace, service: ref.service, servicePort: ref.port, state: 'ok', reason: null, usable, all, externalName: null },
    problem: null,
  };
}

function resolveExternalName(ref: BackendRef, service: Named): Resolution {
  const raw = readString(readRecord(service.object, 'spec'), 'externalName') ?? '';
  const host = (raw.endsWith('.') ? raw.slice(0, -1) : raw).toLowerCase();
  const defect = dnsNameDefect(host);
  if (defect !== null) {
    const reason = `ExternalName service ${service.key} has no valid spec.externalName (${defect})`;
    return { endpoints: unusable(ref, 'no-service', reason), problem: { code: 'ServiceExternalNameInvalid', message: reason } };
  }
  // ExternalName Services often list no ports: a port number stands for itself; a name must be listed.
  const port = typeof ref.port === 'number' ? ref.port : (findServicePort(service, ref.port)?.port ?? null);
  if (port === null) {
    const reason = `service ${service.key} has no port named "${ref.port}"`;
    return { endpoints: unusable(ref, 'no-port', reason), problem: { code: 'ServicePortNotFound', message: reason } };
  }
  return {
    endpoints: {
      key: ref.key,
      namespace: ref.namespace,
      service: ref.service,
      servicePort: ref.port,
      state: 'external-name',
      reason: null,
      usable: [],
      all: [],
      externalName: { host, port },
    },
    problem: null,
  };
}

/** Endpoints of every slice whose port name equals the Service port's, deduplicated and sorted. */
function collectEndpoints(slices: readonly Named[], portName: string): Endpoint[] {
  const byAddress = new Map<string, Endpoint>();
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
      const pod = podName === null || podName === '' ? null : `${readString(targetRef, 'namespace') ?? slice.ref.namespace}/${podName}`;
      const zone = readString(raw, 'zone') || null;
      for (const address of readArray(raw, 'addresses') ?? []) {
        if (typeof address !== 'string' || address === '' || address.length > 253) continue;
        const endpoint: Endpoint = { address, port, ready, serving, terminating, pod, zone };
        const key = `${address}|${port}`;
        const seen = byAddress.get(key);
        if (seen === undefined || compareEndpoints(endpoint, seen) < 0) byAddress.set(key, endpoint);
      }
    }
  }
  return [...byAddress.values()].sort(compareEndpoints);
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
