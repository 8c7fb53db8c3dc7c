import { INCREMENTAL_KINDS } from '../../src/routing/incremental/snapshot-changes.ts';
import type { ObjectKind } from '../../src/routing/incremental/object-store.ts';
import type { KubeObject, Snapshot } from '../../src/routing/types.ts';

/** The snapshot whose list of each incremental kind is `of(kind)`. */
export function snapshotOfKinds(of: (kind: ObjectKind) => readonly KubeObject[]): Snapshot {
  return Object.fromEntries(INCREMENTAL_KINDS.map((kind) => [kind, of(kind)])) as unknown as Snapshot;
}
