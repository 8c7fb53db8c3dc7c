// How --workers edge processes follow the primary's tables: the first message carries a full snapshot, each
// later one only the object changes of an incremental build, which the worker applies to its own
// incremental build (a change then costs a worker what it costs the primary, and the pipe carries only the
// changed objects). A full snapshot is sent again whenever the primary built in full. Workers serve the main
// edge only (Gateway listeners run in the primary), so they never build the Gateway API side, and a change
// while the Gateway API is served reaches them as changes too.
import type { SnapshotSource } from '../controller/source.ts';
import type { RoutingState } from '../controller/state.ts';
import { applyRoutingState } from '../controller/routing-state.ts';
import { IncrementalBuild } from '../routing/incremental/incremental-build.ts';
import type { ObjectChange } from '../routing/incremental/object-store.ts';
import { snapshotChanges } from '../routing/incremental/snapshot-changes.ts';
import type { BuildOptions, Snapshot } from '../routing/types.ts';

export type TableMessage =
  | { readonly generation: number; readonly snapshot: Snapshot }
  | { readonly generation: number; readonly changes: readonly ObjectChange[] };

/** The primary's side: the message for each published state, in publication order. */
export class TableMessages {
  readonly #source: Pick<SnapshotSource, 'snapshot'>;
  #sentSnapshot = false;

  constructor(source: Pick<SnapshotSource, 'snapshot'>) {
    this.#source = source;
  }

  next(state: RoutingState): TableMessage {
    if (this.#sentSnapshot && state.changes !== undefined) {
      return { generation: state.generation, changes: state.changes };
    }
    this.#sentSnapshot = true;
    return { generation: state.generation, snapshot: ingressKinds(this.#source.snapshot()) };
  }
}

/** The lists a worker reads (not the Gateway API ones: they would cross the pipe for nothing). */
function ingressKinds(snapshot: Snapshot): Snapshot {
  const { ingressClasses, ingresses, services, endpointSlices, secrets, configMaps } = snapshot;
  return {
    ingressClasses,
    ingresses,
    services,
    endpointSlices,
    secrets,
    ...(configMaps === undefined ? {} : { configMaps }),
  };
}

/** A worker's side: the state each message leads to. */
export class WorkerTables {
  readonly #options: BuildOptions;
  #builder: IncrementalBuild | null = null;
  #state: RoutingState | null = null;

  constructor(options: BuildOptions) {
    this.#options = options;
  }

  apply(message: TableMessage): RoutingState {
    if ('snapshot' in message) {
      const { snapshot } = message;
      this.#builder = new IncrementalBuild(this.#options);
      this.#state = applyRoutingState(this.#builder, snapshotChanges(snapshot), message.generation, null);
    } else {
      if (this.#builder === null) throw new Error('edge worker: table changes before any snapshot');
      this.#state = applyRoutingState(this.#builder, message.changes, message.generation, this.#state);
    }
    return this.#state;
  }
}
