// Fault scenarios (docs/reliability.md faults 5, 6): an endpoint that refuses connections while still listed ready is retried
// around and ejected, then comes back; a hung backend answers 504 after --upstream-response-timeout on its own
// route while another route keeps serving at the same time.
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { RunningController } from './support/controller.ts';
import { edgeRequest } from './support/http-client.ts';
import type { Pod } from './support/pods.ts';
import { hostIngress, metricSum, pollUntil, startScenario, timeUntil, type Scenario } from './fixtures.ts';
import { describeLoad, startLoad, type LoadReport } from './load-support.ts';

let scenario: Scenario;
let apiPods: Pod[];
let controller: RunningController;

beforeAll(async () => {
  scenario = await startScenario({
    backends: { api: 3, slow: 1 },
    objects: [hostIngress('shop', 'api', 'api.example', 'api'), hostIngress('shop', 'slow', 'slow.example', 'slow')],
    args: ['--upstream-response-timeout', '1s'],
  });
  controller = scenario.controller;
  apiPods = scenario.backends.get('api')!;
});

afterAll(() => scenario?.close());

interface EndpointView {
  address: string;
  port: number;
  requests: number;
  failures: number;
  ejectedUntil: number | null;
}

async function edgeEndpoint(backend: string, address: string): Promise<EndpointView | undefined> {
  const status = await controller.status();
  const edge = status.edge as { backends?: Record<string, EndpointView[]> } | undefined;
  return edge?.backends?.[backend]?.find((e) => e.address === address);
}

test('an endpoint that refuses connections while listed ready: zero failed requests, ejected, back after it returns', async () => {
  const dead = apiPods[1];
  const retriesBefore = await metricSum(controller, 'sluice_retries_total');
  const load = startLoad({
    baseUrl: controller.httpUrl,
    target: { host: 'api.example', path: '/' },
    concurrency: 4,
    pauseMs: 2,
  });
  let report: LoadReport;
  let ejectMs: number;
  let recoverMs: number;
  let deadRequests: number;
  try {
    await load.waitRequests(100);
    const stoppedAt = Date.now();
    await dead.stop();
    // The whole endpoint view is the probe's value, so a timeout shows its counters and the load's progress.
    await pollUntil(
      'the dead endpoint ejected',
      async () => ({
        view: await edgeEndpoint('shop/api:http', dead.ip),
        load: load.completed,
        at: Date.now() - stoppedAt,
      }),
      (seen) => seen.view?.ejectedUntil != null,
      { timeoutMs: 10_000, controller },
    );
    ejectMs = Date.now() - stoppedAt;
    const deadCountWhileDown = dead.requestCount;
    await load.waitRequests(600);
    deadRequests = dead.requestCount - deadCountWhileDown;
    const restartedAt = Date.now();
    await dead.restart();
    await timeUntil(
      'the endpoint back in rotation',
      async () => {
        const view = await edgeEndpoint('shop/api:http', dead.ip);
        return dead.requestCount > deadCountWhileDown && view?.failures === 0 && view.ejectedUntil === null;
      },
      40_000,
    );
    recoverMs = Date.now() - restartedAt;
    await load.waitRequests(100);
  } finally {
    report = await load.stop();
  }
  const retries = (await metricSum(controller, 'sluice_retries_total')) - retriesBefore;
  const share = Math.round((100 * (await edgeEndpoint('shop/api:http', dead.ip))!.requests) / report.requests);
  console.log(describeLoad('endpoint-refuses', report));
  console.log(
    `[endpoint-refuses] ejected ${ejectMs} ms after it stopped accepting; ${retries} retries; back in rotation ${recoverMs} ms after it listened again`,
  );
  expect(report.failed, JSON.stringify(report.firstFailures)).toBe(0);
  expect(report.succeeded).toBeGreaterThan(700);
  expect(deadRequests).toBe(0); // nothing reached it while it was down
  expect(retries).toBeGreaterThan(0);
  expect(ejectMs).toBeLessThan(5000);
  expect(recoverMs).toBeLessThan(35_000);
  expect(share).toBeGreaterThan(0);
  // Its own bounded waits (ejection 10 s, 600 requests 10 s, recovery 40 s: the ejection backoff doubles per
  // failed probe, up to its cap, while the pod is down) add up to more than 60 s on a loaded machine: each wait
  // fails with its own message before this timeout does.
}, 90_000);

test('a hung backend answers 504 after the response timeout on its route only; another route is unaffected', async () => {
  const HUNG = 4;
  const load = startLoad({
    baseUrl: controller.httpUrl,
    target: { host: 'api.example', path: '/' },
    concurrency: 4,
    pauseMs: 2,
  });
  let report: LoadReport;
  let hung: { status: number; ms: number }[];
  let inTime: { status: number; ms: number };
  try {
    await load.waitRequests(50);
    const timed = async (path: string) => {
      const started = Date.now();
      const reply = await edgeRequest(controller.httpUrl, { host: 'slow.example', path, timeoutMs: 10_000 });
      return { status: reply.status, ms: Date.now() - started };
    };
    [hung, inTime] = await Promise.all([
      Promise.all(Array.from({ length: HUNG }, () => timed('/slow?ms=5000'))),
      timed('/slow?ms=200'),
    ]);
    await load.waitRequests(50);
  } finally {
    report = await load.stop();
  }
  console.log(describeLoad('hung-backend other route', report));
  console.log(
    `[hung-backend] ${HUNG} hung requests: ${hung.map((h) => `${h.status} in ${h.ms} ms`).join(', ')}; a 200 ms request: ${inTime.status} in ${inTime.ms} ms`,
  );
  for (const h of hung) {
    expect(h.status).toBe(504);
    expect(h.ms).toBeGreaterThanOrEqual(950);
    expect(h.ms).toBeLessThan(3000); // one timeout, not one per retry
  }
  expect(inTime.status).toBe(200);
  expect(report.failed, JSON.stringify(report.firstFailures)).toBe(0);
  // The other route kept serving through the whole second: many answers, none of them held up by the hung one.
  expect(report.requests).toBeGreaterThan(100);
  expect(report.p99Ms).toBeLessThan(500);
  expect(report.maxMs).toBeLessThan(900);
}, 30_000);
