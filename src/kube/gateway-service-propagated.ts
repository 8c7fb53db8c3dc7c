// spec.infrastructure's labels and annotations on a Gateway's Service (GEP-1867). The Service records which
// keys came from there (an annotation), so a key removed from the Gateway is removed from the Service too,
// while labels and annotations that others put on the Service are never touched.
import type { ServiceObject } from './gateway-service-model.ts';

export const PROPAGATED_ANNOTATION = 'gateway.sluice.dev/propagated';

interface Propagated {
  readonly labels: readonly string[];
  readonly annotations: readonly string[];
}

/** The annotation value recording the propagated keys (sorted, so the same keys always read the same). */
export function propagatedValue(
  labels: Readonly<Record<string, string>>,
  annotations: Readonly<Record<string, string>>,
): string {
  return JSON.stringify({ labels: Object.keys(labels).sort(), annotations: Object.keys(annotations).sort() });
}

function propagatedOf(service: ServiceObject): Propagated {
  try {
    const value = JSON.parse(service.metadata.annotations?.[PROPAGATED_ANNOTATION] ?? '{}') as Record<string, unknown>;
    return { labels: stringsOf(value.labels), annotations: stringsOf(value.annotations) };
  } catch {
    return { labels: [], annotations: [] };
  }
}

/** Keys `existing` got from an earlier spec.infrastructure that `desired` no longer sets and it still has. */
export function staleKeys(desired: ServiceObject, existing: ServiceObject): Propagated {
  const before = propagatedOf(existing);
  return {
    labels: stale(before.labels, desired.metadata.labels, existing.metadata.labels),
    annotations: stale(before.annotations, desired.metadata.annotations, existing.metadata.annotations),
  };
}

function stringsOf(list: unknown): string[] {
  return Array.isArray(list) ? list.filter((k): k is string => typeof k === 'string') : [];
}

/** Of `keys`, those `wanted` does not set and `present` has. */
function stale(keys: readonly string[], wanted: object | undefined, present: object | undefined): string[] {
  return keys.filter((key) => !Object.hasOwn(wanted ?? {}, key) && Object.hasOwn(present ?? {}, key));
}

/** `map` without `keys`. */
export function without(map: Readonly<Record<string, string>>, keys: readonly string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(map).filter(([key]) => !keys.includes(key)));
}
