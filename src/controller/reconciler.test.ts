import { snapshotOfKinds } from '../../test/support/routing-kind-snapshot.ts';
import { describe, expect, it } from 'vitest';
import { ingress, service, slice, sluiceClass, testOptions } from '../../test/support/routing-build-fixtures.ts';
import { build } from '../routing/build.ts';
import { dumpBuild } from '../routing/dump.ts';
import type { ObjectChange } from '../routing/incremental/object-store.ts';
import type { KubeObject, Snapshot } from '../routing/types.ts';
import { silentLogger } from '../util/logger.ts';
import { createCurrent } from './current.ts';
import { createReconciler } from './reconciler.ts';
import type { SnapshotSource } from './source.ts';

/** A source that tells its changes (as the kube source does), from a list of writes made by the test. */
function changingSource(takeChanges?: () => ObjectChange[]) {
  const stored = new Map<string, ObjectChange>();
  let pending: ObjectChange[] = [];
  let listener: (() => void) | null = null;
  const of = (kind: ObjectChange['kind']) =>
    [...stored.values()].filter((c) => c.kind === kind && c.object !== null).map((c) => c.object as KubeObject);
  const source: SnapshotSource = {
    name: 'test',
    async start(onChange) {
      listener = onChange;
      onChange();
    },
    synced: () => true,
    snapshot(): Snapshot {
      return snapshotOfKinds(of);
    },
    takeChanges:
      takeChanges ??
      (() => {
        const taken = pending;
        pending = [];
        return taken;
      }),
    async stop() {},
  };
  const write = (change: ObjectChange) => {
    stored.set(`${change.kind}|${change.id}`, change);
    pending.push(change);
    listener?.();
  };
  return { source, write };
}

const web = (name: string, host: string): ObjectChange => ({
  kind: 'ingresses',
  id: `default/${name}`,
  object: ingress({ name, host, paths: [{ path: '/', service: 'web' }] }),
});

describe('reconciler', () => {
  it('builds from the changes a source tells, each table equal to a full build, the matcher following', async () => {
    const { source, write } = changingSource();
    write({ kind: 'ingressClasses', id: 'sluice', object: sluiceClass });
    write({ kind: 'services', id: 'default/web', object: service('web') });
    write({ kind: 'endpointSlices', id: 'default/web-abc', object: slice('web', ['10.0.0.1']) });
    write(web('a', 'a.example.com'));
    const current = createCurrent();
    const reconciler = createReconciler({ source, buildOptions: testOptions, current, sinks: [], log: silentLogger });
    await reconciler.start();
    reconciler.flush();
    expect(dumpBuild(current.get()!.result)).toBe(dumpBuild(build(source.snapshot(), testOptions)));
    write(web('b', 'b.example.com'));
    write({ kind: 'endpointSlices', id: 'default/web-abc', object: slice('web', ['10.0.0.1', '10.0.0.2']) });
    reconciler.flush();
    const state = current.get()!;
    expect(state.generation).toBe(2);
    expect(dumpBuild(state.result)).toBe(dumpBuild(build(source.snapshot(), testOptions)));
    expect(state.matcher.match('b.example.com', '/')?.target.backend).toBe('default/web:80');
    expect(state.matcher.match('a.example.com', '/x')?.target.backend).toBe('default/web:80');
    await reconciler.stop();
  });

  it('falls back to full builds if the incremental build ever throws', async () => {
    const { source, write } = changingSource(() => null as unknown as ObjectChange[]);
    write({ kind: 'ingressClasses', id: 'sluice', object: sluiceClass });
    write(web('a', 'a.example.com'));
    const errors: string[] = [];
    const log = { ...silentLogger, error: (_: unknown, message?: string) => errors.push(message ?? '') };
    const current = createCurrent();
    const reconciler = createReconciler({ source, buildOptions: testOptions, current, sinks: [], log });
    await reconciler.start();
    reconciler.flush();
    expect(errors).toEqual(['incremental build failed; building in full from now on']);
    expect(dumpBuild(current.get()!.result)).toBe(dumpBuild(build(source.snapshot(), testOptions)));
    await reconciler.stop();
  });
});
