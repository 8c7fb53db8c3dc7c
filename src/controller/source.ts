import type { ObjectChange } from '../routing/incremental/object-store.ts';
import type { Snapshot } from '../routing/types.ts';

/**
 * An input of cluster objects: the Kubernetes API (kube/) or a manifest directory (source/).
 * Watch events are only "something changed" signals; the reconciler then reads a full snapshot.
 */
export interface SnapshotSource {
  /** A short name for logs and the status page, e.g. "kubernetes" or "manifests:/path". */
  readonly name: string;
  /** Begin watching; `onChange` is called (with no payload) after every change, including the initial sync. */
  start(onChange: () => void): Promise<void>;
  /** True once every initial list is in. */
  synced(): boolean;
  /** A full, consistent copy of what the source holds now. Cheap: returns the stores' current arrays. */
  snapshot(): Snapshot;
  /**
   * The objects written or removed since the last call (every object, on the first), in order; a source
   * that offers this is built incrementally (routing/incremental/), one without it by full builds.
   */
  takeChanges?(): ObjectChange[];
  /** With takeChanges: whether the Gateway API kinds are served (only then does a change need a full snapshot). */
  servesGatewayApi?(): boolean;
  stop(): Promise<void>;
}
