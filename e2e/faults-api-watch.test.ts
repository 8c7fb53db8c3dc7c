// Fault scenarios (docs/reliability.md faults 2, 3): watches expire (410) and the API server answers 500s under load; an
// informer crash-loop (every list fails for a while) restarts with growing backoff, then recovers. Throughout, no
// client request fails and the table is never empty.
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { ApiEmulator } from './support/api-emulator.ts';
import type { RunningController } from './support/controller.ts';
import { edgeRequest } from './support/http-client.ts';
import { hostIngress, informers, startScenario, timeUntil, totalRestarts, type Scenario } from './fixtures.ts';
import { describeLoad, startLoad, type LoadReport } from './load-support.ts';

let scenario: Scenario;
let api: ApiEmulator;
let controller: RunningController;

beforeAll(async () => {
  scenario = await startScenario({ objects: [hostIngress('shop', 'web', 'shop.example', 'web')] });
  ({ api, controller } = scenario);
});

afterAll(() => scenario?.close());

/** Runs `fault` under load on shop.example, then times until `host` (added by the fault) is served. */
async function underLoad(
  name: string,
  host: string,
  fault: () => Promise<void> | void,
): Promise<{ report: LoadReport; convergeMs: number }> {
  const load = startLoad({
    baseUrl: controller.httpUrl,
    target: { host: 'shop.example', path: '/' },
    concurrency: 4,
    pauseMs: 5,
  });
  let report: LoadReport;
  let convergeMs: number;
  try {
    await load.waitRequests(50);
    const faultAt = Date.now();
    await fault();
    await timeUntil(
      `${host} served`,
      async () => (await edgeRequest(controller.httpUrl, { host, timeoutMs: 2000 })).status === 200,
      20_000,
    );
    convergeMs = Date.now() - faultAt;
    // Keep the load running a little past convergence: a relist must not leave an empty table behind.
    await load.waitRequests(50);
  } finally {
    report = await load.stop();
  }
  console.log(describeLoad(name, report));
  console.log(`[${name}] converged ${convergeMs} ms after the fault`);
  return { report, convergeMs };
}

test('watch expiry (compaction, 410 on open watches) under load: relist, no failed request, convergence', async () => {
  const before = await controller.status();
  const listsBefore = api.callsOf('list').length;
  const { report, convergeMs } = await underLoad('watch-expiry', 'expiry.example', () => {
    api.apply(hostIngress('shop', 'expiry', 'expiry.example', 'web'));
    api.compact({ expireOpenWatches: true });
  });
  const after = await controller.waitFor((s) => informers(s).every((i) => i.synced), { what: 'informers synced' });
  const relists = api.callsOf('list').length - listsBefore;
  console.log(`[watch-expiry] relists: ${relists}; generation ${before.generation} → ${after.generation}`);
  expect(report.failed, JSON.stringify(report.firstFailures)).toBe(0);
  expect(report.succeeded).toBeGreaterThan(50);
  expect(relists).toBeGreaterThanOrEqual(5); // every informer relisted
  expect(convergeMs).toBeLessThan(10_000);
  expect(after.generation).toBeGreaterThan(before.generation);
  expect(after.counts).toMatchObject({ ingresses: 2 });
});

test('watch expiry answered with HTTP 410 on re-watch: relist and convergence', async () => {
  const { report, convergeMs } = await underLoad('watch-410', 'gone.example', () => {
    api.compact({ answer: 'status' });
    api.closeWatches();
    api.apply(hostIngress('shop', 'gone', 'gone.example', 'web'));
  });
  expect(report.failed, JSON.stringify(report.firstFailures)).toBe(0);
  expect(convergeMs).toBeLessThan(10_000);
});

test('API errors (the next 12 requests answer 500) under load: informers restart, no failed request, convergence', async () => {
  const before = await controller.status();
  const { report, convergeMs } = await underLoad('api-500', 'errors.example', () => {
    api.failNext(12, 500);
    api.closeWatches();
    api.apply(hostIngress('shop', 'errors', 'errors.example', 'web'));
  });
  const after = await controller.waitFor((s) => informers(s).every((i) => i.synced), { what: 'informers synced' });
  const restarts = totalRestarts(after) - totalRestarts(before);
  console.log(`[api-500] informer restarts: ${restarts}`);
  expect(report.failed, JSON.stringify(report.firstFailures)).toBe(0);
  expect(restarts).toBeGreaterThan(0);
  expect(convergeMs).toBeLessThan(15_000);
});

test('informer crash-loop (every list fails for 4 s): restarts counted with growing backoff, then recovery', async () => {
  const LOOP_MS = 4000;
  const before = await controller.status();
  const outputFrom = controller.output.length;
  const load = startLoad({
    baseUrl: controller.httpUrl,
    target: { host: 'shop.example', path: '/' },
    concurrency: 4,
    pauseMs: 5,
  });
  let report: LoadReport;
  let recoverMs: number;
  try {
    await load.waitRequests(50);
    const until = Date.now() + LOOP_MS;
    api.failNext(100_000, 500, (call) => call.verb === 'list' && Date.now() < until);
    // Expire every watch: each informer relists, and every list fails until the window ends. The change made
    // after that can only arrive through a list that succeeds.
    api.compact({ expireOpenWatches: true });
    await timeUntil('the ingresses informer failing', async () =>
      controller.output
        .slice(outputFrom)
        .some((line) => /"informer":"ingresses".*informer failed; restarting/.test(line)),
    );
    api.apply(hostIngress('shop', 'loop', 'loop.example', 'web'));
    await new Promise((done) => setTimeout(done, Math.max(0, until - Date.now())));
    const loopEnded = Date.now();
    api.clearFaults();
    await timeUntil(
      'loop.example served',
      async () => (await edgeRequest(controller.httpUrl, { host: 'loop.example', timeoutMs: 2000 })).status === 200,
      30_000,
    );
    recoverMs = Date.now() - loopEnded;
  } finally {
    report = await load.stop();
  }
  const after = await controller.waitFor((s) => informers(s).every((i) => i.synced), { what: 'informers synced' });
  // The controller logs every restart with its delay: collect the ingresses informer's delays in order.
  const delays = controller.output
    .slice(outputFrom)
    .filter((line) => line.includes('informer failed; restarting') && line.includes('"informer":"ingresses"'))
    .map((line) => (JSON.parse(line) as { restartInMs: number }).restartInMs);
  const restarts = totalRestarts(after) - totalRestarts(before);
  console.log(describeLoad('crash-loop', report));
  console.log(
    `[crash-loop] ${LOOP_MS} ms of failing lists: ${restarts} informer restarts (all informers), ingresses informer backoff ${delays.join(' → ')} ms; recovered ${recoverMs} ms after the lists came back`,
  );
  expect(report.failed, JSON.stringify(report.firstFailures)).toBe(0);
  expect(restarts).toBeGreaterThanOrEqual(15); // 5 informers, ≥ 3 restarts each in 4 s
  expect(delays.length).toBeGreaterThanOrEqual(3);
  for (let i = 1; i < delays.length; i++) expect(delays[i]).toBeGreaterThanOrEqual(delays[i - 1]);
  expect(delays.at(-1)!).toBeGreaterThanOrEqual(delays[0] * 2);
  expect(recoverMs).toBeLessThan(15_000);
  expect(after.counts).toMatchObject({ ingresses: 5 });
}, 40_000);
