import type { ObjectChange, ObjectKind } from '../routing/incremental/object-store.ts';
import type { KubeObject } from '../routing/types.ts';

/** Writes since the last take, latest per object: what the incremental build is told. */
export class PendingChanges {
  #changes = new Map<string, ObjectChange>();

  record(kind: ObjectKind, object: KubeObject, deleted: boolean): void {
    this.recordId(kind, storeKey(object), deleted ? null : object);
  }

  recordId(kind: ObjectKind, id: string, object: KubeObject | null): void {
    const key = `${kind}|${id}`;
    // Re-inserted so that the order of the changes is the order of their latest writes.
    this.#changes.delete(key);
    this.#changes.set(key, { kind, id, object });
  }

  take(): ObjectChange[] {
    const changes = [...this.#changes.values()];
    this.#changes = new Map();
    return changes;
  }
}

/** "namespace/name" as the informer's store keys it ("name" for cluster-scoped objects). */
function storeKey(object: KubeObject): string {
  const metadata = object.metadata as { namespace?: unknown; name?: unknown } | undefined;
  const name = typeof metadata?.name === 'string' ? metadata.name : '';
  return typeof metadata?.namespace === 'string' && metadata.namespace !== '' ? `${metadata.namespace}/${name}` : name;
}
