// Fault scenario (docs/reliability.md fault 8): a burst of 1,000 Ingress writes. Builds are coalesced (the generation grows
// far less than 1,000), a fixed route hammered during the burst never fails, a host once served never disappears
// again (no request sees a partial table), and the final table has all 1,000.
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { ApiEmulator } from './support/api-emulator.ts';
import type { RunningController } from './support/controller.ts';
import { edgeRequest } from './support/http-client.ts';
import { hostIngress, startScenario, type Scenario } from './fixtures.ts';
import { describeLoad, startLoad, type LoadReport } from './load-support.ts';

const COUNT = 1000;
const BATCH = 25;

let scenario: Scenario;
let api: ApiEmulator;
let controller: RunningController;

beforeAll(async () => {
  scenario = await startScenario({ objects: [hostIngress('shop', 'web', 'shop.example', 'web')] });
  ({ api, controller } = scenario);
});

afterAll(() => scenario?.close());

const burstHost = (i: number) => `b-${i}.example`;

test(`a burst of ${COUNT} Ingress writes: coalesced builds, no partial table seen, all ${COUNT} served at the end`, async () => {
  const before = await controller.status();
  // A fixed route hammered during the burst.
  const fixed = startLoad({
    baseUrl: controller.httpUrl,
    target: { host: 'shop.example', path: '/' },
    concurrency: 4,
    pauseMs: 1,
  });
  // One sequential client walking the burst hosts: 404 until a host appears, then 200 for good.
  const served = new Set<string>();
  const walker = startLoad({
    baseUrl: controller.httpUrl,
    target: (sequence) => ({ host: burstHost((sequence * 7) % COUNT), path: '/' }),
    concurrency: 1,
    ok: (status, _body, target) => {
      if (status === 200) {
        served.add(target.host);
        return true;
      }
      return status === 404 && !served.has(target.host);
    },
  });
  let fixedReport: LoadReport;
  let walkerReport: LoadReport;
  let writeMs: number;
  let convergeMs: number;
  let after;
  try {
    await Promise.all([fixed.waitRequests(100), walker.waitRequests(20)]);
    const started = Date.now();
    for (let i = 0; i < COUNT; i += BATCH) {
      for (let j = i; j < Math.min(COUNT, i + BATCH); j++)
        api.apply(hostIngress('shop', `b-${j}`, burstHost(j), 'web'));
      // Let the watch stream flush between batches, as a real burst arrives over time.
      await new Promise((done) => setTimeout(done, 5));
    }
    writeMs = Date.now() - started;
    after = await controller.waitFor((s) => (s.counts as { ingresses: number }).ingresses === COUNT + 1, {
      timeoutMs: 20_000,
      what: `${COUNT + 1} ingresses in the table`,
    });
    convergeMs = Date.now() - started;
    await Promise.all([fixed.waitRequests(100), walker.waitRequests(50)]);
  } finally {
    fixedReport = await fixed.stop();
    walkerReport = await walker.stop();
  }
  const builds = after.generation - before.generation;
  console.log(describeLoad('burst fixed route', fixedReport));
  console.log(describeLoad('burst host walker', walkerReport));
  console.log(
    `[burst] ${COUNT} Ingress writes in ${writeMs} ms → ${builds} builds (generation ${before.generation} → ${after.generation}); all in the table ${convergeMs} ms after the first write; last build ${Math.round(Number(after.buildMs))} ms; ${served.size} hosts seen appearing, none disappearing`,
  );
  expect(fixedReport.failed, JSON.stringify(fixedReport.firstFailures)).toBe(0);
  expect(fixedReport.succeeded).toBeGreaterThanOrEqual(200);
  expect(walkerReport.failed, JSON.stringify(walkerReport.firstFailures)).toBe(0);
  expect(builds).toBeGreaterThanOrEqual(1);
  expect(builds).toBeLessThan(COUNT / 10);
  expect(convergeMs).toBeLessThan(20_000);
  expect(after.counts).toMatchObject({ ingresses: COUNT + 1, hosts: COUNT + 1, problems: 0 });

  // Every one of the 1,000 hosts answers from the final table.
  const statuses = new Map<number, number>();
  for (let i = 0; i < COUNT; i += 20) {
    const replies = await Promise.all(
      Array.from({ length: Math.min(20, COUNT - i) }, (_, k) =>
        edgeRequest(controller.httpUrl, { host: burstHost(i + k) }),
      ),
    );
    for (const reply of replies) statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1);
  }
  expect(Object.fromEntries(statuses)).toEqual({ 200: COUNT });
}, 60_000);
