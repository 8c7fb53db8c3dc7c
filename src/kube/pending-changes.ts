import type { ObjectChange, ObjectKind } from '../routing/incremental/object-store.ts';
import { objectKey } from '../routing/incremental/snapshot-changes.ts';
import type { KubeObject } from '../routing/types.ts';

/** Writes since the last take, latest per object: what the incremental build is told. */
export class PendingChanges {
  #changes = new Map<string, ObjectChange>();

  record(kind: ObjectKind, object: KubeObject, deleted: boolean): void {
    this.recordId(kind, objectKey(object), deleted ? null : object);
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
