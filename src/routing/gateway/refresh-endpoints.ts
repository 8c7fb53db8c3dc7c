// An EndpointSlice change on the Gateway API side. Of a Gateway build, only the endpoint index reads slices
// (routes, status and problems read Services, never their endpoints: a route's ResolvedRefs is about the
// Service and its port), so the last build is kept and only the backends of the Services the changed slices
// name are resolved again, from the same objects a full build would read. Pure; the equivalence with a full
// build is property-tested (gateway-memo.test.ts).

import { deepFreeze } from '../deep-freeze.ts';
import { catalogServices, resolveBackend, SERVICE_NAME_LABEL } from '../endpoints.ts';
import { readLabel, readRecord, readString } from '../kube-read.ts';
import { indexObjects } from '../object-index.ts';
import type { BackendEndpoints, BackendKey, Problem } from '../types.ts';
import type { GatewayBuildResult } from './types.ts';

/** namespace → names: Services, or slices (no "namespace/name" string made per object checked). */
export type NamesByNamespace = Map<string, Set<string>>;

function add(names: NamesByNamespace, namespace: string, name: string): void {
  const set = names.get(namespace);
  if (set === undefined) names.set(namespace, new Set([name]));
  else set.add(name);
}

function namespaceOf(object: unknown): string {
  return readString(readRecord(object, 'metadata'), 'namespace') ?? '';
}

function nameOf(object: unknown): string {
  return readString(readRecord(object, 'metadata'), 'name') ?? '';
}

function serviceOf(slice: unknown): string {
  return readLabel(slice, SERVICE_NAME_LABEL) ?? '';
}

/** The slices in one list and not the other, by identity (the lists mostly keep their order: ends skipped). */
function changedSlices(before: readonly unknown[], after: readonly unknown[]): unknown[] {
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  let endBefore = before.length;
  let endAfter = after.length;
  while (endBefore > start && endAfter > start && before[endBefore - 1] === after[endAfter - 1]) {
    endBefore--;
    endAfter--;
  }
  const old = new Set(before.slice(start, endBefore));
  const now = new Set(after.slice(start, endAfter));
  return [...[...now].filter((slice) => !old.has(slice)), ...[...old].filter((slice) => !now.has(slice))];
}

/**
 * The Services whose endpoints a change between the two lists may move: those the added, removed or replaced
 * slices name, and those of any slice sharing a name with one of them (a duplicate name drops every slice of
 * that name from a build, whatever Service each one names).
 */
export function servicesOfChangedSlices(before: readonly unknown[], after: readonly unknown[]): NamesByNamespace {
  const changed = changedSlices(before, after);
  const changedNames: NamesByNamespace = new Map();
  for (const slice of changed) add(changedNames, namespaceOf(slice), nameOf(slice));
  const touched: NamesByNamespace = new Map();
  for (const slice of changed) add(touched, namespaceOf(slice), serviceOf(slice));
  const bareNames = new Set<string>();
  for (const names of changedNames.values()) for (const name of names) bareNames.add(name);
  for (const list of [before, after])
    for (const slice of list) {
      if (!bareNames.has(nameOf(slice))) continue;
      const namespace = namespaceOf(slice);
      if (changedNames.get(namespace)?.has(nameOf(slice)) === true) add(touched, namespace, serviceOf(slice));
    }
  return touched;
}

function isTouched(touched: NamesByNamespace, namespace: string, name: string): boolean {
  return touched.get(namespace)?.has(name) === true;
}

/**
 * `last` with the endpoints of the `touched` Services resolved again from `services` and `slices`. Only the
 * objects a full build would read for them are indexed: those Services, and every slice sharing a name with
 * one of their slices (so a duplicate name drops both, as in a full build).
 */
export function refreshGatewayEndpoints(
  last: GatewayBuildResult,
  services: readonly unknown[],
  slices: readonly unknown[],
  touched: NamesByNamespace,
): GatewayBuildResult {
  let affected = false;
  for (const entry of last.endpoints.values()) if (isTouched(touched, entry.namespace, entry.service)) affected = true;
  if (!affected) return last;
  const sliceNames: NamesByNamespace = new Map();
  for (const slice of slices) {
    const namespace = namespaceOf(slice);
    if (isTouched(touched, namespace, serviceOf(slice))) add(sliceNames, namespace, nameOf(slice));
  }
  const unused: Problem[] = []; // a full build reports none of these either (the Ingress build does)
  const catalog = catalogServices(
    indexObjects(
      'Service',
      services.filter((service) => isTouched(touched, namespaceOf(service), nameOf(service))),
      true,
      unused,
    ),
    indexObjects(
      'EndpointSlice',
      slices.filter((slice) => isTouched(sliceNames, namespaceOf(slice), nameOf(slice))),
      true,
      unused,
    ),
  );
  const endpoints = new Map<BackendKey, BackendEndpoints>();
  for (const [key, entry] of last.endpoints) {
    if (!isTouched(touched, entry.namespace, entry.service)) {
      endpoints.set(key, entry);
      continue;
    }
    // A Gateway backendRef never carries a defect (backend-refs.ts), so its endpoints entry names it whole.
    const ref = { key, namespace: entry.namespace, service: entry.service, port: entry.servicePort, defect: null };
    endpoints.set(key, resolveBackend(ref, catalog).endpoints);
  }
  return deepFreeze({ ...last, endpoints });
}
