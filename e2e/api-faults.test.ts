// API server faults end to end (issue 3, reliability.md items 1-3): the real controller against the API emulator
// while it answers 500 to watches and lists, refuses connections, or is down for 10 s. client-node's informer
// stops for good on such errors; sluice must restart it (proved by the informer stats on /api/v1/status and the
// log), keep serving the last table with /readyz at 200, and converge on every change made meanwhile.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startApiEmulator, type ApiEmulator, type KubeObject } from './support/api-emulator.ts';
import { startController, type ControllerStatus, type RunningController } from './support/controller.ts';
import { setEndpoints, writeBackend } from './support/endpoint-slices.ts';
import { edgeRequest, type EdgeResponse } from './support/http-client.ts';
import { writeKubeconfig } from './support/kubeconfig.ts';
import { startPods, type Pod } from './support/pods.ts';

const NS = 'faults';
const KINDS = ['endpointslices', 'ingressclasses', 'ingresses', 'secrets', 'services'];

let api: ApiEmulator;
let pods: Pod[];
let kubeconfig: string;
let controller: RunningController;

interface InformerStats {
  name: string;
  synced: boolean;
  objects: number;
  restarts: number;
  lastError: string | null;
}

function ingress(name: string, host: string, service = 'web'): KubeObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { namespace: NS, name },
    spec: {
      ingressClassName: 'sluice',
      rules: [{ host, http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: service, port: { name: 'http' } } } }] } }],
    },
  };
}

function informers(status: ControllerStatus): InformerStats[] {
  return (status.sources as { detail: { informers: InformerStats[] } }[])[0].detail.informers;
}

function restartsByName(status: ControllerStatus): Record<string, number> {
  return Object.fromEntries(informers(status).map((i) => [i.name, i.restarts]));
}

const totalRestarts = (status: ControllerStatus) => informers(status).reduce((sum, i) => sum + i.restarts, 0);
const delay = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

async function answer(target: RunningController, host: string, path = '/'): Promise<EdgeResponse | null> {
  try {
    return await edgeRequest(target.httpUrl, { host, path, timeoutMs: 2000 });
  } catch {
    return null;
  }
}

/** Polls the edge until `accept` holds for host; bounded. */
async function waitAnswer(host: string, accept: (r: EdgeResponse) => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const reply = await answer(controller, host);
    if (reply !== null && accept(reply)) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${controller.outputTail(20)}`);
    await delay(20);
  }
}

/** Requests to a known route in a loop until stopped; every answer must be 200. */
function steadyTraffic(target: RunningController, host: string, intervalMs: number) {
  const state = { stop: false, requests: 0, failures: [] as string[] };
  const deadline = Date.now() + 60_000;
  const done = (async () => {
    while (!state.stop && Date.now() < deadline) {
      const reply = await answer(target, host);
      state.requests++;
      if (reply === null || reply.status !== 200) state.failures.push(reply === null ? 'no answer' : `${reply.status}`);
      if (intervalMs > 0) await delay(intervalMs);
    }
  })();
  return {
    state,
    async finish() {
      state.stop = true;
      await done;
      return state;
    },
  };
}

beforeAll(async () => {
  api = await startApiEmulator();
  pods = await startPods(2, { namePrefix: 'web', namespace: NS, service: 'web' });
  api.apply({ apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name: 'sluice' }, spec: { controller: 'sluice.dev/ingress-controller' } });
  writeBackend(api, { namespace: NS, name: 'web', ports: [{ name: 'http', port: 80, targetPort: pods[0].port }], endpoints: [pods[0]] });
  api.apply(ingress('shop', 'shop.example'));
  kubeconfig = writeKubeconfig(api.url);
  controller = await startController(['--kubeconfig', kubeconfig, '--access-log', 'off']);
  await controller.waitReady(30_000);
}, 60_000);

afterAll(async () => {
  await controller?.stop();
  await Promise.all((pods ?? []).map((p) => p.kill()));
  await api?.close();
});

describe('API faults', () => {
  test('watches answered 500 → every informer restarts, resumes and converges', async () => {
    const before = await controller.status();
    const restartsBefore = restartsByName(before);
    const traffic = steadyTraffic(controller, 'shop.example', 5);
    // The next watch of each kind answers 500 (once per kind, whatever order the informers come back in).
    const failedKinds = new Set<string>();
    api.failNext(KINDS.length, 500, (call) => {
      if (call.verb !== 'watch' || failedKinds.has(call.resource)) return false;
      failedKinds.add(call.resource);
      return true;
    });
    api.closeWatches(); // every re-watch meets a 500: client-node's informer stops for good on it
    const status = await controller.waitFor((s) => informers(s).every((i) => i.restarts > restartsBefore[i.name]), {
      what: 'a restart of every informer',
      timeoutMs: 10_000,
    });
    for (const kind of KINDS) await api.waitForWatches(kind, 1, 10_000);
    api.apply(ingress('after-500', 'after-500.example'));
    await waitAnswer('after-500.example', (r) => r.status === 200, 5000, 'the Ingress written after the 500s');
    const { requests, failures } = await traffic.finish();
    console.log(
      `watch 500s: restarts ${JSON.stringify(restartsBefore)} → ${JSON.stringify(restartsByName(status))}; ` +
        `${requests} requests meanwhile, ${failures.length} failed`,
    );
    expect(failures).toEqual([]);
    expect(informers(status).every((i) => i.lastError !== null && i.synced)).toBe(true);
    await controller.waitForOutput('informer failed; restarting', 1000);
  });

  test('relists answered 500 (after a compaction) → restarts with backoff, relists, never an empty table', async () => {
    const before = await controller.status();
    const listsBefore = api.callsOf('list').length;
    const traffic = steadyTraffic(controller, 'shop.example', 5);
    api.failNext(2 * KINDS.length, 500, { verb: 'list' });
    api.compact({ expireOpenWatches: true }); // every informer must relist, and its first relists fail
    api.apply(ingress('after-relist', 'after-relist.example'));
    const started = Date.now();
    const status = await controller.waitFor((s) => totalRestarts(s) >= totalRestarts(before) + 2 * KINDS.length, {
      what: `${2 * KINDS.length} more restarts`,
      timeoutMs: 15_000,
    });
    // Every kind relists once more after its two failures, then watches again.
    const listDeadline = Date.now() + 15_000;
    while (api.callsOf('list').length < listsBefore + 3 * KINDS.length && Date.now() < listDeadline) await delay(20);
    for (const kind of KINDS) await api.waitForWatches(kind, 1, 10_000);
    await waitAnswer('after-relist.example', (r) => r.status === 200, 10_000, 'the Ingress written during the failing relists');
    const convergedMs = Date.now() - started;
    const { requests, failures } = await traffic.finish();
    const lists = api.callsOf('list').length - listsBefore;
    console.log(
      `list 500s: ${totalRestarts(status) - totalRestarts(before)} restarts, ${lists} lists, converged in ${convergedMs} ms; ` +
        `${requests} requests meanwhile, ${failures.length} failed`,
    );
    expect(failures).toEqual([]);
    expect(lists).toBeGreaterThanOrEqual(3 * KINDS.length); // 2 failed + 1 good per kind
    expect(convergedMs).toBeLessThan(10_000);
    expect((await controller.status()).synced).toBe(true);
  });

  test('API down for 10 s: last table served, /readyz 200 throughout, changes made meanwhile converge', async () => {
    api.apply(ingress('doomed', 'doomed.example'));
    await waitAnswer('doomed.example', (r) => r.status === 200, 5000, 'doomed.example before the outage');
    const before = await controller.status();

    const probes = { stop: false, polls: 0, notReady: [] as string[] };
    const probeDeadline = Date.now() + 60_000;
    const readyLoop = (async () => {
      while (!probes.stop && Date.now() < probeDeadline) {
        probes.polls++;
        try {
          const response = await fetch(`${controller.adminUrl}/readyz`, { signal: AbortSignal.timeout(2000) });
          const body = await response.text();
          if (response.status !== 200) probes.notReady.push(`${response.status} ${body}`);
        } catch (error) {
          probes.notReady.push((error as Error).message);
        }
        await delay(100);
      }
    })();
    const traffic = steadyTraffic(controller, 'shop.example', 50);
    const doomedWhileDown = steadyTraffic(controller, 'doomed.example', 100);

    await api.stop();
    const downAt = Date.now();
    // Changes made while the API is down (directly in its store, as other clients would have).
    api.apply(ingress('born-in-outage', 'born.example'));
    api.remove('Ingress', NS, 'doomed');
    setEndpoints(api, NS, 'web', [pods[0], pods[1]]);
    await delay(10_000 - (Date.now() - downAt)); // the outage itself is the condition under test: it lasts 10 s
    const served = await doomedWhileDown.finish();
    await api.restart();
    const upAt = Date.now();

    // Convergence: the new Ingress answers, the deleted one is gone, the new endpoint gets traffic.
    await waitAnswer('born.example', (r) => r.status === 200, 35_000, 'born.example after the outage');
    await waitAnswer('doomed.example', (r) => r.status === 404, 35_000, 'doomed.example gone after the outage');
    await waitAnswer('shop.example', (r) => r.status === 200 && r.json().pod === 'web-1', 35_000, 'web-1 in the rotation');
    const convergedMs = Date.now() - upAt;
    const { requests, failures } = await traffic.finish();
    probes.stop = true;
    await readyLoop;
    const after = await controller.status();
    const restarts = totalRestarts(after) - totalRestarts(before);
    console.log(
      `API down ${upAt - downAt} ms: /readyz ${probes.polls} polls, ${probes.notReady.length} not 200; ` +
        `edge ${requests} requests, ${failures.length} failed; the deleted Ingress answered ${served.requests - served.failures.length}/${served.requests} ` +
        `times during the outage; converged ${convergedMs} ms after the API came back; ${restarts} informer restarts`,
    );
    expect(probes.polls).toBeGreaterThan(50);
    expect(probes.notReady).toEqual([]);
    expect(requests).toBeGreaterThan(50);
    expect(failures).toEqual([]);
    expect(served.failures).toEqual([]); // the last table still had it
    expect(restarts).toBeGreaterThanOrEqual(KINDS.length); // refused connections restarted every informer
    expect(convergedMs).toBeLessThan(35_000);
    expect(after.synced).toBe(true);
    expect(informers(after).every((i) => i.synced)).toBe(true);
  }, 90_000);

  test('lists refused, then answered 500, at start-up → not ready, informers restart, ready once the API answers', async () => {
    await api.stop();
    const late = await startController(['--kubeconfig', kubeconfig, '--access-log', 'off']);
    try {
      const status = await late.waitFor((s) => informers(s).length === KINDS.length && informers(s).every((i) => i.restarts >= 1), {
        what: 'every informer restarted after a refused list',
        timeoutMs: 20_000,
      });
      expect(status.ready).toBe(false);
      expect(status.synced).toBe(false);
      const readyz = await fetch(`${late.adminUrl}/readyz`, { signal: AbortSignal.timeout(2000) });
      expect(readyz.status).toBe(503);
      await readyz.body?.cancel();
      expect(informers(status).every((i) => !i.synced && i.lastError !== null)).toBe(true);

      const refusedRestarts = totalRestarts(status);
      api.failNext(KINDS.length, 500, { verb: 'list' });
      await api.restart();
      const upAt = Date.now();
      await late.waitReady(40_000);
      const readyMs = Date.now() - upAt;
      const ready = await late.status();
      const reply = await answer(late, 'shop.example');
      console.log(
        `start-up against a down API: ${refusedRestarts} restarts while refused, ${totalRestarts(ready)} in all; ` +
          `ready ${readyMs} ms after the API came back`,
      );
      expect(reply?.status).toBe(200);
      expect(totalRestarts(ready)).toBeGreaterThanOrEqual(refusedRestarts + 1);
      expect(readyMs).toBeLessThan(40_000);
      expect(ready.synced).toBe(true);
    } finally {
      await late.stop();
    }
  }, 90_000);
});
