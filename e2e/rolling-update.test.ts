/**
 * Rolling updates under steady load through the real binary (docs/reliability.md fault 4, issue 4 "Retries"): a
 * backend's endpoints are replaced one by one as a Deployment with maxSurge 1 / maxUnavailable 0 does (new pod
 * not ready, then ready; old pod terminating, then removed) while several clients send requests in a bounded loop.
 *  - harsh: each old pod is killed (every connection dropped) the moment its endpoint is marked terminating,
 *    before the controller has even seen that change: zero failed requests;
 *  - plain: terminating pods keep serving until their endpoint is removed, then stop gracefully: zero failed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiEmulator } from './support/api-emulator.ts';
import type { RunningController } from './support/controller.ts';
import { rollingUpdate, setEndpoints, slicesOf, type RollingStep } from './support/endpoint-slices.ts';
import { edgeRequest } from './support/http-client.ts';
import type { EchoReply } from './support/pods.ts';
import { delay, ingress, metricSum, pathRule, routesOf, startScenario, tally, type Scenario } from './fixtures.ts';
import { startLoad, type LoadReport, type RunningLoad } from './load-support.ts';

const NS = 'rolling';
const CLIENTS = 4;
/** The longest a load run may last: the loop is bounded. */
const MAX_LOAD_MS = 45_000;
/** Requests that must complete after each rollout step before the next one. */
const REQUESTS_PER_STEP = 80;

let scenario: Scenario;
let api: ApiEmulator;
let controller: RunningController;

interface PodLoad {
  readonly load: RunningLoad;
  /** Answers by pod name so far. */
  readonly perPod: Record<string, number>;
  /** Resolves once `count` more requests have completed (bounded by the load's own duration). */
  waitServed(count: number): Promise<void>;
}

/** `CLIENTS` clients, each sending GET requests one after another over keep-alive connections; answers counted by pod. */
function startPodLoad(host: string): PodLoad {
  const perPod: Record<string, number> = {};
  const load = startLoad({
    baseUrl: controller.httpUrl,
    target: (sequence) => ({ host, path: `/r/${sequence}` }),
    concurrency: CLIENTS,
    maxDurationMs: MAX_LOAD_MS,
    pauseAfterFailureMs: 5, // a failing run must not spin
    ok: (status, body) => {
      if (status !== 200) return false;
      const pod = (JSON.parse(body) as EchoReply).pod;
      perPod[pod] = (perPod[pod] ?? 0) + 1;
      return true;
    },
  });
  return { load, perPod, waitServed: (count) => load.waitRequests(count, MAX_LOAD_MS) };
}

/**
 * The endpoints of a Service as its slices list them (address → expected health in the routes API) and the
 * backend state that follows (routing-semantics §5: ready ones, else serving-terminating ones, else none).
 */
function expectedView(service: string): { health: Map<string, string>; state: string } {
  const health = new Map<string, string>();
  let ready = 0;
  let servingTerminating = 0;
  for (const slice of slicesOf(api, NS, service)) {
    for (const e of slice.endpoints ?? []) {
      const c = e.conditions ?? {};
      const isReady = c.ready !== false;
      const serving = c.serving ?? isReady;
      if (isReady) ready++;
      if (serving && c.terminating) servingTerminating++;
      health.set(e.addresses[0], c.terminating ? 'terminating' : isReady ? 'ready' : 'not-ready');
    }
  }
  return { health, state: ready + servingTerminating > 0 ? 'ok' : 'no-endpoints' };
}

/**
 * Waits until the routes API shows the Service's endpoints and backend state as the slices have them (an endpoint
 * ejected by passive health counts as shown). Returns how long that took.
 */
async function waitControllerSees(service: string, timeoutMs = 10_000): Promise<number> {
  const started = performance.now();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const expected = expectedView(service);
    const routes = await routesOf(controller);
    const entry = Object.values(routes.backends as Record<string, any>).find(
      (b: any) => b.namespace === NS && b.service === service,
    ) as any;
    const shown = new Map<string, string>((entry?.endpoints ?? []).map((e: any) => [e.address, e.health]));
    const same =
      entry?.state === expected.state &&
      shown.size === expected.health.size &&
      [...expected.health].every(
        ([address, health]) => shown.get(address) === health || shown.get(address) === 'ejected',
      );
    if (same) return performance.now() - started;
    if (Date.now() > deadline) {
      throw new Error(
        `controller does not show ${service}'s endpoints after ${timeoutMs} ms: expected ${expected.state} ` +
          `${JSON.stringify([...expected.health])}, shown ${entry?.state} ${JSON.stringify([...shown])}`,
      );
    }
    await delay(10);
  }
}

async function edgeCounters(): Promise<Record<string, number>> {
  return {
    retries: await metricSum(controller, 'sluice_retries_total'),
    upstreamErrors: await metricSum(controller, 'sluice_upstream_errors_total'),
    ejections: await metricSum(controller, 'sluice_endpoint_ejections_total'),
  };
}

function difference(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - (before[k] ?? 0)]));
}

/** Counts by pod name, sorted by name for printing. */
const sortedCounts = (perPod: Record<string, number>) =>
  tally(Object.entries(perPod).flatMap(([p, n]) => Array<string>(n).fill(p)));

function report(name: string, r: LoadReport, perPod: Record<string, number>, propagation: number[]): void {
  const sorted = [...propagation].sort((a, b) => a - b);
  console.log(
    `${name}: ${r.succeeded} requests served, ${r.failed} failed, ${CLIENTS} clients, ${(r.durationMs / 1000).toFixed(1)} s ` +
      `(${((r.succeeded / r.durationMs) * 1000).toFixed(0)} req/s); endpoint change visible in the admin API: ` +
      `max ${sorted.at(-1)?.toFixed(0)} ms, median ${sorted[Math.floor(sorted.length / 2)]?.toFixed(0)} ms`,
  );
  console.log(`${name}: requests per pod`, sortedCounts(perPod));
  if (r.failed > 0) console.log(`${name}: first failures`, r.firstFailures.slice(0, 10));
}

beforeAll(async () => {
  scenario = await startScenario({
    namespace: NS,
    backends: { web: { pods: 3, prefix: 'web-v1' }, shop: { pods: 3, prefix: 'shop-v1' } },
    objects: [
      ingress(NS, 'rolling', {
        rules: [
          { host: 'web.example', http: { paths: [pathRule('/', 'Prefix', 'web')] } },
          { host: 'shop.example', http: { paths: [pathRule('/', 'Prefix', 'shop')] } },
        ],
      }),
    ],
    args: ['--log-level', 'warn'],
  });
  ({ api, controller } = scenario);
});

afterAll(() => scenario?.close());

describe('rolling update under load', () => {
  it('each old pod killed the moment it is marked terminating: zero failed requests', async () => {
    const old = scenario.backends.get('web')!;
    const fresh = await scenario.addPods(3, { prefix: 'web-v2', service: 'web', port: old[0].port });
    const byIp = new Map(old.map((p) => [p.ip, p]));
    const propagation: number[] = [];
    const steps: RollingStep[] = [];
    const countersBefore = await edgeCounters();
    const { load, perPod, waitServed } = startPodLoad('web.example');
    await waitServed(REQUESTS_PER_STEP);
    await rollingUpdate(api, NS, 'web', old, fresh, {
      showNotReady: true,
      afterStep: async (step, endpoint) => {
        steps.push(step);
        // The pod dies as its endpoint turns terminating, before sluice has seen the change.
        if (step === 'old-terminating') await byIp.get(endpoint.ip)!.kill();
        propagation.push(await waitControllerSees('web'));
        await waitServed(REQUESTS_PER_STEP);
      },
    });
    await waitServed(REQUESTS_PER_STEP);
    const result = await load.stop();
    report('rolling update, old pods killed when terminating', result, perPod, propagation);
    const counters = difference(await edgeCounters(), countersBefore);
    // How much the kills cost sluice inside (the client saw none of it): tries on another endpoint, ejections.
    console.log('rolling update, old pods killed when terminating: edge counters during the run', counters);

    expect(steps.filter((s) => s === 'old-terminating')).toHaveLength(3);
    expect(result.firstFailures).toEqual([]);
    expect(result.failed).toBe(0);
    expect(result.succeeded).toBeGreaterThanOrEqual(REQUESTS_PER_STEP * (steps.length + 2));
    // Traffic moved from the old pods to the new ones, and every new pod took a share.
    for (const pod of fresh) expect(perPod[pod.name] ?? 0, pod.name).toBeGreaterThan(0);
    expect(Object.keys(perPod).every((name) => name.startsWith('web-v1') || name.startsWith('web-v2'))).toBe(true);
    expect(Math.max(...propagation)).toBeLessThan(5000);

    // Afterwards only the new pods answer.
    const after = new Set<string>();
    for (let i = 0; i < 12; i++)
      after.add((await edgeRequest(controller.httpUrl, { host: 'web.example' })).json<EchoReply>().pod);
    expect([...after].sort()).toEqual(fresh.map((p) => p.name).sort());
  });

  it('plain rolling update, terminating pods keep serving until removed: zero failed requests', async () => {
    const old = scenario.backends.get('shop')!;
    const fresh = await scenario.addPods(3, { prefix: 'shop-v2', service: 'shop', port: old[0].port });
    const byIp = new Map(old.map((p) => [p.ip, p]));
    const propagation: number[] = [];
    const { load, perPod, waitServed } = startPodLoad('shop.example');
    await waitServed(REQUESTS_PER_STEP);
    await rollingUpdate(api, NS, 'shop', old, fresh, {
      showNotReady: true,
      afterStep: async (step, endpoint) => {
        propagation.push(await waitControllerSees('shop'));
        // Once sluice no longer lists it, the old pod shuts down gracefully (in-flight requests finish).
        if (step === 'old-removed') await byIp.get(endpoint.ip)!.stop();
        await waitServed(REQUESTS_PER_STEP);
      },
    });
    await waitServed(REQUESTS_PER_STEP);
    const result = await load.stop();
    report('rolling update, terminating pods keep serving', result, perPod, propagation);

    expect(result.firstFailures).toEqual([]);
    expect(result.failed).toBe(0);
    for (const pod of [...old, ...fresh]) expect(perPod[pod.name] ?? 0, pod.name).toBeGreaterThan(0);
    expect(Math.max(...propagation)).toBeLessThan(5000);
  });

  it('when every endpoint is terminating but still serving, they keep receiving traffic', async () => {
    const pods = await scenario.addBackend('drain', 2);
    api.apply(
      ingress(NS, 'drain', { rules: [{ host: 'drain.example', http: { paths: [pathRule('/', 'Prefix', 'drain')] } }] }),
    );
    await waitControllerSees('drain');
    setEndpoints(
      api,
      NS,
      'drain',
      pods.map((p) => ({ ...p, ready: false, serving: true, terminating: true })),
    );
    await waitControllerSees('drain');
    const seen: string[] = [];
    for (let i = 0; i < 10; i++) {
      const reply = await edgeRequest(controller.httpUrl, { host: 'drain.example' });
      expect(reply.status, reply.body).toBe(200);
      seen.push(reply.json<EchoReply>().pod);
    }
    expect(new Set(seen)).toEqual(new Set(['drain-0', 'drain-1']));
    // Not serving any more: no usable endpoint, 503 (never a fall-through elsewhere).
    setEndpoints(
      api,
      NS,
      'drain',
      pods.map((p) => ({ ...p, ready: false, serving: false, terminating: true })),
    );
    await waitControllerSees('drain');
    const reply = await edgeRequest(controller.httpUrl, { host: 'drain.example' });
    expect(reply.status).toBe(503);
  });
});
