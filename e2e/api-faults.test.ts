// API server faults end to end (issue 3, docs/reliability.md faults 1-3): the real controller against the API emulator
// while it answers 500 to watches and lists, refuses connections, or is down for 10 s under load. client-node's
// informer stops for good on such errors; sluice must restart it (proved by the informer stats on /api/v1/status and
// the log), keep serving the last table with /readyz at 200, and converge on every change made meanwhile.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ApiEmulator } from './support/api-emulator.ts';
import type { ControllerStatus, RunningController } from './support/controller.ts';
import { setEndpoints } from './support/endpoint-slices.ts';
import type { EdgeResponse } from './support/http-client.ts';
import type { Pod } from './support/pods.ts';
import {
  INFORMER_NAMES as INFORMERS,
  WATCHED_KINDS as KINDS,
  delay,
  hostIngress,
  informers,
  startScenario,
  timeUntil,
  totalRestarts,
  tryEdge,
  waitEdge,
  type Scenario,
} from './fixtures.ts';
import { describeLoad, startLoad, watchReadyz, type LoadReport, type ReadyzSample } from './load-support.ts';

const NS = 'faults';
const OUTAGE_MS = 10_000;

let scenario: Scenario;
let api: ApiEmulator;
let pods: Pod[];
let controller: RunningController;

const ingress = (name: string, host: string) => hostIngress(NS, name, host, 'web');

function restartsByName(status: ControllerStatus): Record<string, number> {
  return Object.fromEntries(informers(status).map((i) => [i.name, i.restarts]));
}

/** Polls the edge until `accept` holds for host; bounded. */
const waitAnswer = (host: string, accept: (r: EdgeResponse) => boolean, timeoutMs: number, what: string) =>
  waitEdge(controller, host, '/', accept, what, timeoutMs);

/** One client sending requests to a known route in a loop, `pauseMs` apart, until stopped; every answer must be 200. */
const steadyTraffic = (host: string, pauseMs: number) =>
  startLoad({ baseUrl: controller.httpUrl, target: { host }, concurrency: 1, pauseMs, timeoutMs: 2000 });

/** Informers per API resource: Secrets have two (TLS, and Opaque ones kept when an Ingress names them). */
const informersOf = (resource: string) => (resource === 'secrets' ? 2 : 1);

const failuresOf = (report: LoadReport) => JSON.stringify(report.firstFailures);

beforeAll(async () => {
  // Two pods, only web-0 listed at first: web-1 joins while the API is down.
  scenario = await startScenario({
    namespace: NS,
    backends: { web: { pods: 2, endpoints: 1 } },
    objects: [ingress('shop', 'shop.example')],
  });
  ({ api, pods, controller } = scenario);
}, 60_000);

afterAll(() => scenario?.close());

describe('API faults', () => {
  test('watches answered 500 → every informer restarts, resumes and converges', async () => {
    const before = await controller.status();
    const restartsBefore = restartsByName(before);
    const traffic = steadyTraffic('shop.example', 5);
    // The next watch of each informer answers 500 (once per informer, whatever order they come back in; Secrets
    // have two informers, TLS and Opaque).
    const failedWatches = new Map<string, number>();
    api.failNext(INFORMERS.length, 500, (call) => {
      const failed = failedWatches.get(call.resource) ?? 0;
      if (call.verb !== 'watch' || failed >= informersOf(call.resource)) return false;
      failedWatches.set(call.resource, failed + 1);
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
    const { requests, failed, ...report } = await traffic.stop();
    console.log(
      `watch 500s: restarts ${JSON.stringify(restartsBefore)} → ${JSON.stringify(restartsByName(status))}; ` +
        `${requests} requests meanwhile, ${failed} failed`,
    );
    expect(failed, JSON.stringify(report.firstFailures)).toBe(0);
    expect(informers(status).every((i) => i.lastError !== null && i.synced)).toBe(true);
    await controller.waitForOutput('informer failed; restarting', 1000);
  });

  test('relists answered 500 (after a compaction) → restarts with backoff, relists, never an empty table', async () => {
    const before = await controller.status();
    const listsBefore = api.callsOf('list').length;
    const traffic = steadyTraffic('shop.example', 5);
    api.failNext(2 * INFORMERS.length, 500, { verb: 'list' });
    api.compact({ expireOpenWatches: true }); // every informer must relist, and its first relists fail
    api.apply(ingress('after-relist', 'after-relist.example'));
    const started = Date.now();
    const status = await controller.waitFor((s) => totalRestarts(s) >= totalRestarts(before) + 2 * INFORMERS.length, {
      what: `${2 * INFORMERS.length} more restarts`,
      timeoutMs: 15_000,
    });
    // Every kind relists once more after its two failures, then watches again.
    const listDeadline = Date.now() + 15_000;
    while (api.callsOf('list').length < listsBefore + 3 * INFORMERS.length && Date.now() < listDeadline)
      await delay(20);
    for (const kind of KINDS) await api.waitForWatches(kind, 1, 10_000);
    await waitAnswer(
      'after-relist.example',
      (r) => r.status === 200,
      10_000,
      'the Ingress written during the failing relists',
    );
    const convergedMs = Date.now() - started;
    const { requests, failed, ...report } = await traffic.stop();
    const lists = api.callsOf('list').length - listsBefore;
    console.log(
      `list 500s: ${totalRestarts(status) - totalRestarts(before)} restarts, ${lists} lists, converged in ${convergedMs} ms; ` +
        `${requests} requests meanwhile, ${failed} failed`,
    );
    expect(failed, JSON.stringify(report.firstFailures)).toBe(0);
    expect(lists).toBeGreaterThanOrEqual(3 * INFORMERS.length); // 2 failed + 1 good per kind
    expect(convergedMs).toBeLessThan(10_000);
    expect((await controller.status()).synced).toBe(true);
  });

  // docs/reliability.md fault 1 (this scenario also replaces the former faults-api-outage file).
  test('API down for 10 s under load: last table served (the Ingress deleted meanwhile too), /readyz 200 throughout, changes made meanwhile converge', async () => {
    api.apply(ingress('doomed', 'doomed.example'));
    await waitAnswer('doomed.example', (r) => r.status === 200, 5000, 'doomed.example before the outage');
    const before = await controller.status();
    const readyz = watchReadyz(controller.adminUrl);
    const load = startLoad({
      baseUrl: controller.httpUrl,
      target: { host: 'shop.example' },
      concurrency: 4,
      pauseMs: 5,
    });
    const doomedWhileDown = steadyTraffic('doomed.example', 100);
    let report: LoadReport;
    let served: LoadReport | undefined;
    let samples: ReadyzSample[];
    let during: ControllerStatus;
    let bornMidway: number;
    let downAt = 0;
    let upAt = 0;
    let bornMs: number;
    let convergedMs: number;
    try {
      await load.waitRequests(50);
      await api.stop();
      downAt = Date.now();
      // Changes made while the API is down (directly in its store, as other clients would have).
      api.apply(ingress('born-in-outage', 'born.example'));
      api.remove('Ingress', NS, 'doomed');
      setEndpoints(api, NS, 'web', [pods[0], pods[1]]);
      // Half-way through, the old table still serves and the new host is not there yet.
      await delay(OUTAGE_MS / 2);
      bornMidway = (await tryEdge(controller, 'born.example'))?.status ?? 0;
      await delay(OUTAGE_MS - (Date.now() - downAt)); // the outage itself is the condition under test: it lasts 10 s
      during = await controller.status();
      served = await doomedWhileDown.stop();
      await api.restart();
      upAt = Date.now();

      // Convergence: the new Ingress answers, the deleted one is gone, the new endpoint gets traffic.
      bornMs = await timeUntil(
        'born.example served',
        async () => (await tryEdge(controller, 'born.example'))?.status === 200,
        35_000,
      );
      await waitAnswer('doomed.example', (r) => r.status === 404, 35_000, 'doomed.example gone after the outage');
      await waitAnswer(
        'shop.example',
        (r) => r.status === 200 && r.json().pod === 'web-1',
        35_000,
        'web-1 in the rotation',
      );
      convergedMs = Date.now() - upAt;
    } finally {
      report = await load.stop();
      served ??= await doomedWhileDown.stop();
      samples = await readyz.stop();
    }
    const after = await controller.status();
    const notReady = samples.filter((s) => s.status !== 200);
    const restarts = totalRestarts(after) - totalRestarts(before);
    const duringRestarts = totalRestarts(during) - totalRestarts(before);
    console.log(describeLoad('api-outage', report));
    console.log(
      `[api-outage] API down ${upAt - downAt} ms: /readyz ${samples.length} polls, ${notReady.length} not 200; ` +
        `the deleted Ingress answered ${served.succeeded}/${served.requests} times during the outage; born.example ${bornMidway} half-way; ` +
        `born.example served ${bornMs} ms and all converged ${convergedMs} ms after the API came back; generation ${before.generation} → ${after.generation}; ` +
        `informer restarts ${duringRestarts} during the outage, ${restarts} in all`,
    );
    expect(samples.length).toBeGreaterThan(OUTAGE_MS / 200);
    expect(notReady).toEqual([]);
    expect(report.requests).toBeGreaterThan(50);
    expect(report.succeeded).toBeGreaterThan(100);
    expect(report.failed, failuresOf(report)).toBe(0);
    expect(served.failed, failuresOf(served)).toBe(0); // the last table still had it
    expect(served.succeeded).toBeGreaterThan(20);
    expect(bornMidway).toBe(404);
    expect(duringRestarts).toBeGreaterThan(0);
    expect(restarts).toBeGreaterThanOrEqual(INFORMERS.length); // refused connections restarted every informer
    expect(bornMs).toBeLessThan(20_000);
    expect(convergedMs).toBeLessThan(35_000);
    expect(after.generation).toBeGreaterThan(before.generation);
    expect(after.synced).toBe(true);
    expect(informers(after).every((i) => i.synced)).toBe(true);
  }, 90_000);

  test('lists refused, then answered 500, at start-up → not ready, informers restart, ready once the API answers', async () => {
    await api.stop();
    const late = await scenario.startController();
    try {
      const status = await late.waitFor(
        (s) => informers(s).length === INFORMERS.length && informers(s).every((i) => i.restarts >= 1),
        {
          what: 'every informer restarted after a refused list',
          timeoutMs: 20_000,
        },
      );
      expect(status.ready).toBe(false);
      expect(status.synced).toBe(false);
      const readyz = await fetch(`${late.adminUrl}/readyz`, { signal: AbortSignal.timeout(2000) });
      expect(readyz.status).toBe(503);
      await readyz.body?.cancel();
      expect(informers(status).every((i) => !i.synced && i.lastError !== null)).toBe(true);

      const refusedRestarts = totalRestarts(status);
      api.failNext(INFORMERS.length, 500, { verb: 'list' });
      await api.restart();
      const upAt = Date.now();
      await late.waitReady(40_000);
      const readyMs = Date.now() - upAt;
      const ready = await late.status();
      const reply = await tryEdge(late, 'shop.example');
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
