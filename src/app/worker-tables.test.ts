import * as fc from 'fast-check';
import { snapshotOfKinds } from '../../test/support/routing-kind-snapshot.ts';
import { describe, expect, it } from 'vitest';
import { changeBatches } from '../../test/support/routing-incremental-arbitraries.ts';
import { testOptions } from '../../test/support/routing-build-fixtures.ts';
import { applyRoutingState, buildRoutingState } from '../controller/routing-state.ts';
import type { RoutingState } from '../controller/state.ts';
import { build } from '../routing/build.ts';
import { dumpBuild } from '../routing/dump.ts';
import { IncrementalBuild } from '../routing/incremental/incremental-build.ts';
import type { ObjectChange, ObjectKind } from '../routing/incremental/object-store.ts';
import { INCREMENTAL_KINDS, objectKey } from '../routing/incremental/snapshot-changes.ts';
import type { KubeObject, Snapshot } from '../routing/types.ts';
import { TableMessages, WorkerTables, type TableMessage } from './worker-tables.ts';

/** The primary's store, keyed as the informers key it (objectKey), and its snapshot. */
class Store {
  readonly #byKind = new Map<ObjectKind, Map<string, KubeObject>>(INCREMENTAL_KINDS.map((kind) => [kind, new Map()]));
  /** The key each generated id last stood for, so that a removal by id removes that object. */
  readonly #keyOfId = new Map<string, string>();

  /** `change` as the kube source would record it: its id is the object's key. */
  write(change: ObjectChange): ObjectChange | null {
    const objects = this.#byKind.get(change.kind);
    const idKey = `${change.kind}|${change.id}`;
    if (change.object === null) {
      const key = this.#keyOfId.get(idKey);
      if (key === undefined) return null;
      objects?.delete(key);
      return { kind: change.kind, id: key, object: null };
    }
    const key = objectKey(change.object);
    this.#keyOfId.set(idKey, key);
    objects?.set(key, change.object);
    return { kind: change.kind, id: key, object: change.object };
  }

  snapshot(): Snapshot {
    const of = (kind: ObjectKind) => [...(this.#byKind.get(kind)?.values() ?? [])];
    return snapshotOfKinds(of);
  }
}

describe('edge worker tables (--workers)', () => {
  it('a worker fed the first snapshot, then changes (or a snapshot after a full build), routes as a full build', () => {
    fc.assert(
      fc.property(changeBatches, fc.array(fc.boolean(), { minLength: 30, maxLength: 30 }), (batches, fullBuilds) => {
        const store = new Store();
        const primary = new IncrementalBuild(testOptions);
        const messages = new TableMessages(store);
        const worker = new WorkerTables(testOptions);
        let previous: RoutingState | null = null;
        const sent: TableMessage[] = [];
        batches.forEach((batch, at) => {
          const changes = batch.map((change) => store.write(change)).filter((change) => change !== null);
          const generation = at + 1;
          // A primary whose incremental build failed builds in full: its state then carries no changes.
          previous = fullBuilds[at]
            ? buildRoutingState(store.snapshot(), testOptions, generation)
            : applyRoutingState(primary, changes, generation, previous);
          if (fullBuilds[at]) primary.apply(changes);
          // The message crosses a process boundary: structured clone, as the IPC channel does.
          const message = structuredClone(messages.next(previous));
          sent.push(message);
          const state = worker.apply(message);
          expect(state.generation).toBe(generation);
          expect(dumpBuild(state.result)).toBe(dumpBuild(build(store.snapshot(), testOptions)));
        });
        expect('snapshot' in sent[0]).toBe(true);
        sent.slice(1).forEach((message, at) => expect('snapshot' in message).toBe(fullBuilds[at + 1]));
      }),
      { numRuns: 300 },
    );
  });

  it('while the Gateway API is served: changes still travel as changes, and no Gateway list crosses the pipe', () => {
    // Gateway listeners run in the primary only (docs/gateway-api.md): a worker never builds that side.
    const withGateway: Snapshot = {
      ...snapshotOfKinds(() => []),
      namespaces: [],
      gatewayClasses: [{ kind: 'GatewayClass', metadata: { name: 'sluice' }, spec: { controllerName: 'x' } }],
      gateways: [],
      httpRoutes: [],
      grpcRoutes: [],
      referenceGrants: [],
    };
    const messages = new TableMessages({ snapshot: () => withGateway });
    const first = buildRoutingState(withGateway, testOptions, 1);
    expect(first.gateway).toBeDefined();
    const opening = messages.next(first);
    expect('snapshot' in opening && Object.keys(opening.snapshot).sort()).toEqual(
      ['configMaps', 'endpointSlices', 'ingressClasses', 'ingresses', 'secrets', 'services'].sort(),
    );
    const primary = new IncrementalBuild(testOptions);
    applyRoutingState(primary, [], 1, null);
    const change: ObjectChange = {
      kind: 'services',
      id: 'default/web',
      object: { kind: 'Service', metadata: { namespace: 'default', name: 'web' }, spec: { ports: [{ port: 80 }] } },
    };
    const second = applyRoutingState(primary, [change], 2, first, () => first.gateway);
    expect(second.gateway).toBeDefined();
    expect(messages.next(second)).toEqual({ generation: 2, changes: [change] });
    const worker = new WorkerTables(testOptions);
    expect(worker.apply(structuredClone(opening)).gateway).toBeUndefined();
    expect(worker.apply({ generation: 2, changes: [change] }).gateway).toBeUndefined();
  });

  it('refuses changes before any snapshot', () => {
    const worker = new WorkerTables(testOptions);
    expect(() => worker.apply({ generation: 1, changes: [] })).toThrow(/before any snapshot/);
  });
});
