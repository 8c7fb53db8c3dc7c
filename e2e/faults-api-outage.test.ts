// Fault scenario (reliability.md 1): the API server goes away for 10 s under load. sluice keeps serving the last
// good table, /readyz stays 200, and the change made meanwhile converges once the API server is back.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startApiEmulator, type ApiEmulator } from './support/api-emulator.ts';
import { startController, type RunningController } from './support/controller.ts';
import { writeBackend } from './support/endpoint-slices.ts';
import { edgeRequest } from './support/http-client.ts';
import { writeKubeconfig } from './support/kubeconfig.ts';
import { startPods, type Pod } from './support/pods.ts';
import { hostIngress as ingress, ingressClass, timeUntil } from './fixtures.ts';
import { describeLoad, startLoad, watchReadyz } from './load-support.ts';

const OUTAGE_MS = 10_000;

let api: ApiEmulator;
let pods: Pod[];
let controller: RunningController;

beforeAll(async () => {
  api = await startApiEmulator();
  pods = await startPods(2, { namePrefix: 'web', namespace: 'shop', service: 'web' });
  writeBackend(api, { namespace: 'shop', name: 'web', ports: [{ name: 'http', port: 80, targetPort: pods[0].port }], endpoints: pods });
  api.apply(ingressClass());
  api.apply(ingress('shop', 'web', 'shop.example', 'web'));
  controller = await startController(['--kubeconfig', writeKubeconfig(api.url), '--access-log', 'off']);
  await controller.waitReady();
});

afterAll(async () => {
  await controller?.stop();
  await Promise.all((pods ?? []).map((p) => p.kill()));
  await api?.close();
});

interface InformerView {
  name: string;
  restarts: number;
  synced: boolean;
}

function informers(status: Record<string, unknown>): InformerView[] {
  const sources = status.sources as { detail?: { informers?: InformerView[] } }[];
  return sources.flatMap((s) => s.detail?.informers ?? []);
}

test('API server outage under load: no failed request, /readyz 200 throughout, converges after the API returns', async () => {
  const before = await controller.status();
  const load = startLoad({ baseUrl: controller.httpUrl, target: { host: 'shop.example', path: '/' }, concurrency: 4, pauseMs: 5 });
  const readyz = watchReadyz(controller.adminUrl);
  let convergeMs = -1;
  let report;
  let samples;
  try {
    await load.waitRequests(50);
    await api.stop();
    const outageStarted = Date.now();
    // The change made while the API is down: a new Ingress, seen only once the watch is back.
    api.apply(ingress('shop', 'late', 'late.example', 'web'));
    // Half-way through, the old table still serves and the new host is not there yet.
    await new Promise((done) => setTimeout(done, OUTAGE_MS / 2));
    expect((await edgeRequest(controller.httpUrl, { host: 'late.example' })).status).toBe(404);
    await new Promise((done) => setTimeout(done, OUTAGE_MS - (Date.now() - outageStarted)));
    const during = await controller.status();
    await api.restart();
    convergeMs = await timeUntil(
      'late.example served',
      async () => (await edgeRequest(controller.httpUrl, { host: 'late.example', timeoutMs: 2000 })).status === 200,
      30_000,
    );
    const duringRestarts = informers(during).reduce((sum, i) => sum + i.restarts, 0);
    console.log(`[api-outage] informer restarts during the ${OUTAGE_MS} ms outage: ${duringRestarts}`);
    expect(duringRestarts).toBeGreaterThan(0);
  } finally {
    report = await load.stop();
    samples = await readyz.stop();
  }
  const after = await controller.status();
  const notReady = samples.filter((s) => s.status !== 200);
  console.log(describeLoad('api-outage', report));
  console.log(
    `[api-outage] outage ${OUTAGE_MS} ms; converged ${convergeMs} ms after the API returned; generation ${before.generation} → ${after.generation}; /readyz polled ${samples.length} times, ${notReady.length} not 200`,
  );
  expect(report.failed, JSON.stringify(report.firstFailures)).toBe(0);
  expect(report.succeeded).toBeGreaterThan(100);
  expect(samples.length).toBeGreaterThan(OUTAGE_MS / 200);
  expect(notReady).toEqual([]);
  expect(convergeMs).toBeGreaterThanOrEqual(0);
  expect(convergeMs).toBeLessThan(20_000);
  expect(after.generation).toBeGreaterThan(before.generation);
  expect(informers(after).every((i) => i.synced)).toBe(true);
}, 60_000);
