// A full snapshot as the changes that would build it from nothing: how an edge worker (--workers) seeds its
// incremental build from the first snapshot the primary sends, then applies the primary's changes.

import type { KubeObject, Snapshot } from '../types.ts';
import type { ObjectChange, ObjectKind } from './object-store.ts';

/** The kinds an incremental build reads; each is also the Snapshot field that lists its objects. */
export const INCREMENTAL_KINDS: readonly ObjectKind[] = [
  'ingressClasses',
  'ingresses',
  'services',
  'endpointSlices',
  'secrets',
  'configMaps',
];

/** "namespace/name" as the informers key objects ("name" for cluster-scoped ones): a change's id. */
export function objectKey(object: KubeObject): string {
  const metadata = object.metadata as { namespace?: unknown; name?: unknown } | undefined;
  const name = typeof metadata?.name === 'string' ? metadata.name : '';
  return typeof metadata?.namespace === 'string' && metadata.namespace !== '' ? `${metadata.namespace}/${name}` : name;
}

/** Every object of the snapshot's incremental kinds, as a write keyed by objectKey. */
export function snapshotChanges(snapshot: Snapshot): ObjectChange[] {
  const changes: ObjectChange[] = [];
  for (const kind of INCREMENTAL_KINDS) {
    for (const object of snapshot[kind] ?? []) changes.push({ kind, id: objectKey(object), object });
  }
  return changes;
}
