import {
  KubeConfig,
  NetworkingV1Api,
  makeInformer,
  type Informer,
  type ObjectCache,
  type V1Ingress,
} from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startApiEmulator, type ApiEmulator, type KubeObject } from './api-emulator.ts';
import { writeKubeconfig } from './kubeconfig.ts';

function ingress(namespace: string, name: string, host = `${name}.example`): KubeObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { namespace, name },
    spec: { rules: [{ host }] },
  };
}

type IngressInformer = Informer<V1Ingress> & ObjectCache<V1Ingress>;

/** Resolves with the next `count` informer callbacks of `verb`. */
function nextEvents(informer: IngressInformer, verb: 'add' | 'update' | 'delete' | 'error' | 'connect', count = 1) {
  return new Promise<unknown[]>((resolve) => {
    const seen: unknown[] = [];
    const handler = (object: unknown) => {
      seen.push(object);
      if (seen.length === count) {
        informer.off(verb as 'add', handler as (o: V1Ingress) => void);
        resolve(seen);
      }
    };
    informer.on(verb as 'add', handler as (o: V1Ingress) => void);
  });
}

async function waitUntil(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('api emulator with the real client-node informer', () => {
  let emulator: ApiEmulator;
  let informer: IngressInformer;

  beforeEach(async () => {
    emulator = await startApiEmulator();
    const kc = new KubeConfig();
    kc.loadFromFile(writeKubeconfig(emulator.url));
    const api = kc.makeApiClient(NetworkingV1Api);
    informer = makeInformer(kc, '/apis/networking.k8s.io/v1/ingresses', () => api.listIngressForAllNamespaces());
  });

  afterEach(async () => {
    await informer.stop();
    await emulator.close();
  });

  it('lists initially, then streams add, update and delete', async () => {
    emulator.apply(ingress('default', 'a'));
    emulator.apply(ingress('team', 'b'));
    const initial = nextEvents(informer, 'add', 2);
    await informer.start();
    const added = (await initial) as V1Ingress[];
    expect(added.map((i) => `${i.metadata?.namespace}/${i.metadata?.name}`).sort()).toEqual(['default/a', 'team/b']);
    await emulator.waitForWatches('ingresses');

    const add = nextEvents(informer, 'add');
    emulator.apply(ingress('default', 'c'));
    expect(((await add)[0] as V1Ingress).metadata?.name).toBe('c');

    const update = nextEvents(informer, 'update');
    emulator.modify('Ingress', 'default', 'a', (o) => {
      o.spec.rules[0].host = 'changed.example';
    });
    const updated = (await update)[0] as V1Ingress;
    expect(updated.spec?.rules?.[0].host).toBe('changed.example');
    expect(updated.metadata?.generation).toBe(2);

    const removal = nextEvents(informer, 'delete');
    expect(emulator.remove('ingresses', 'team', 'b')).toBe(true);
    expect(((await removal)[0] as V1Ingress).metadata?.name).toBe('b');
    expect(
      informer
        .list()
        .map((i) => i.metadata?.name)
        .sort(),
    ).toEqual(['a', 'c']);
    expect(emulator.callsOf('list', 'Ingress')).toHaveLength(1);
    expect(emulator.callsOf('watch', 'Ingress').length).toBeGreaterThanOrEqual(1);
  });

  it('resumes after the server closes the watch, without relisting, and replays what it missed', async () => {
    emulator.apply(ingress('default', 'a'));
    await informer.start();
    await emulator.waitForWatches('ingresses');
    emulator.closeWatches();
    // Written while no watch is open: the re-watch replays it from history.
    const add = nextEvents(informer, 'add');
    emulator.apply(ingress('default', 'missed'));
    expect(((await add)[0] as V1Ingress).metadata?.name).toBe('missed');
    await emulator.waitForWatches('ingresses');
    expect(emulator.callsOf('list', 'Ingress')).toHaveLength(1);
    expect(emulator.callsOf('watch', 'Ingress')).toHaveLength(2);
  });

  it('relists after compaction (410 as an ERROR event) and sees deletes made meanwhile', async () => {
    emulator.apply(ingress('default', 'a'));
    emulator.apply(ingress('default', 'b'));
    await informer.start();
    await emulator.waitForWatches('ingresses');
    await emulator.stop();
    emulator.remove('Ingress', 'default', 'b');
    emulator.compact();
    await emulator.restart();
    // A restart drops the watch; the informer may see the drop as an error (connection reset) or a close.
    const deleted = nextEvents(informer, 'delete');
    const errored = nextEvents(informer, 'error');
    const first = await Promise.race([deleted.then(() => 'deleted'), errored.then(() => 'error')]);
    if (first === 'error') {
      // client-node stops for good on a connection error: restart it, as sluice's informers do.
      await informer.start();
    }
    await waitUntil(() => informer.list().length === 1, 'the informer to drop b');
    expect(informer.list()[0].metadata?.name).toBe('a');
    expect(emulator.callsOf('list', 'Ingress').length).toBeGreaterThanOrEqual(2);
  });

  it('relists on a watch answered 410 Gone, and sees what changed', async () => {
    emulator.apply(ingress('default', 'a'));
    await informer.start();
    await emulator.waitForWatches('ingresses');
    emulator.compact({ answer: 'status' });
    emulator.apply(ingress('default', 'b'));
    const add = nextEvents(informer, 'add');
    // The open watch still delivers b; closing it makes the informer re-watch from b's (compacted) version.
    expect(((await add)[0] as V1Ingress).metadata?.name).toBe('b');
    emulator.compact({ answer: 'status' });
    const reconnected = nextEvents(informer, 'connect');
    emulator.closeWatches();
    await reconnected;
    await waitUntil(() => emulator.callsOf('list', 'Ingress').length === 2, 'a relist after 410');
    await emulator.waitForWatches('ingresses');
    expect(
      informer
        .list()
        .map((i) => i.metadata?.name)
        .sort(),
    ).toEqual(['a', 'b']);
  });

  it('expires open watches on demand, and the informer relists', async () => {
    emulator.apply(ingress('default', 'a'));
    await informer.start();
    await emulator.waitForWatches('ingresses');
    emulator.compact({ expireOpenWatches: true });
    await waitUntil(() => emulator.callsOf('list', 'Ingress').length === 2, 'a relist after the ERROR 410 event');
    await emulator.waitForWatches('ingresses');
    expect(informer.list().map((i) => i.metadata?.name)).toEqual(['a']);
  });

  it('a watch failing with 500 stops the informer with an error event', async () => {
    emulator.failNext(1, 500, { verb: 'watch' });
    const errored = nextEvents(informer, 'error');
    await informer.start();
    const [error] = (await errored) as { statusCode?: number }[];
    expect(error.statusCode).toBe(500);
    expect(emulator.openWatches()).toBe(0);
    // Restarted by hand, it recovers.
    const add = nextEvents(informer, 'add');
    await informer.start();
    emulator.apply(ingress('default', 'after'));
    expect(((await add)[0] as V1Ingress).metadata?.name).toBe('after');
  });

  it('a list failing with 503 reaches the error handler', async () => {
    emulator.failNext(1, 503, { verb: 'list', resource: 'ingresses' });
    const errored = nextEvents(informer, 'error');
    await informer.start();
    const [error] = (await errored) as { code?: number }[];
    expect(error.code).toBe(503);
  });
});
