/**
 * Rolling updates under steady load through the real binary (reliability.md item 4, issue 4 "Retries"): a
 * backend's endpoints are replaced one by one as a Deployment with maxSurge 1 / maxUnavailable 0 does (new pod
 * not ready, then ready; old pod terminating, then removed) while several clients send requests in a bounded loop.
 *  - harsh: each old pod is killed (every connection dropped) the moment its endpoint is marked terminating,
 *    before the controller has even seen that change: zero failed requests;
 *  - plain: terminating pods keep serving until their endpoint is removed, then stop gracefully: zero failed.
 */
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiEmulator, type ApiEmulator } from './support/api-emulator.ts';
import type { RunningController } from './support/controller.ts';
import { rollingUpdate, setEndpoints, slicesOf, writeBackend, type RollingStep } from './support/endpoint-slices.ts';
import { closeHttpClients, edgeRequest } from './support/http-client.ts';
import { startPods, type EchoReply, type Pod } from './support/pods.ts';
import { SERVICE_PORT, ingress, pathRule, routesOf, startSluice, tally, writeOurClass } from './conformance-support.ts';

const NS = 'rolling';
const CLIENTS = 4;
/** Requests every load run may send at most, and the longest it may run: the loop is bounded either way. */
const MAX_REQUESTS = 40_000;
const MAX_LOAD_MS = 45_000;
/** Requests that must complete after each rollout step before the next one. */
const REQUESTS_PER_STEP = 80;

const delay = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

let api: ApiEmulator;
let controller: RunningController;
const allPods: Pod[] = [];

async function podGroup(count: number, prefix: string, service: string, port = 0): Promise<Pod[]> {
  const pods = await startPods(count, { namePrefix: prefix, namespace: NS, service, port });
  allPods.push(...pods);
  return pods;
}

interface LoadReport {
  served: number;
  failed: number;
  failures: string[];
  perPod: Record<string, number>;
  durationMs: number;
}

interface Load {
  readonly served: number;
  /** Resolves once `count` more requests have completed (bounded by the load's own deadline). */
  waitServed(count: number): Promise<void>;
  stop(): Promise<LoadReport>;
}

/** `CLIENTS` clients, each sending GET requests one after another over keep-alive connections. */
function startLoad(host: string): Load {
  const dispatcher = new Agent({ connections: CLIENTS, keepAliveTimeout: 10_000 });
  const started = performance.now();
  const perPod: Record<string, number> = {};
  const failures: string[] = [];
  let served = 0;
  let sent = 0;
  let stopping = false;
  const mayRun = (): boolean => !stopping && sent < MAX_REQUESTS && performance.now() - started < MAX_LOAD_MS;
  const running = async (): Promise<void> => {
    while (mayRun()) {
      sent++;
      try {
        const reply = await edgeRequest(controller.httpUrl, { host, path: `/r/${sent}`, dispatcher, timeoutMs: 5000 });
        if (reply.status === 200) {
          const pod = reply.json<EchoReply>().pod;
          perPod[pod] = (perPod[pod] ?? 0) + 1;
          served++;
        } else {
          failures.push(`status ${reply.status}: ${reply.body.slice(0, 200)}`);
          await delay(5); // a failing run must not spin
        }
      } catch (error) {
        failures.push(`error: ${(error as Error).message}`);
        await delay(5);
      }
    }
  };
  const clients = Promise.all(Array.from({ length: CLIENTS }, running));
  return {
    get served() {
      return served;
    },
    async waitServed(count) {
      const target = served + count;
      const reached = (): boolean => served >= target;
      while (!reached()) {
        if (!mayRun()) {
          throw new Error(`load ended before ${count} more requests were served (served ${served}, failed ${failures.length}: ${failures.slice(0, 3).join(" | ")})`);
        }
        await delay(5);
      }
    },
    async stop() {
      stopping = true;
      await clients;
      await dispatcher.close();
      return { served, failed: failures.length, failures, perPod: tally(Object.entries(perPod).flatMap(([p, n]) => Array(n).fill(p))), durationMs: performance.now() - started };
    },
  };
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
    const entry = Object.values(routes.backends as Record<string, any>).find((b: any) => b.namespace === NS && b.service === service) as any;
    const shown = new Map<string, string>((entry?.endpoints ?? []).map((e: any) => [e.address, e.health]));
    const same =
      entry?.state === expected.state &&
      shown.size === expected.health.size &&
      [...expected.health].every(([address, health]) => shown.get(address) === health || shown.get(address) === 'ejected');
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

/** The sum of every sample of a metric family on /metrics (labels ignored). */
async function metricSum(name: string): Promise<number> {
  const text = await (await fetch(`${controller.adminUrl}/metrics`, { signal: AbortSignal.timeout(5000) })).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(`${name}{`) || line.startsWith(`${name} `)) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

async function edgeCounters(): Promise<Record<string, number>> {
  return {
    retries: await metricSum('sluice_retries_total'),
    upstreamErrors: await metricSum('sluice_upstream_errors_total'),
    ejections: await metricSum('sluice_endpoint_ejections_total'),
  };
}

function difference(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - (before[k] ?? 0)]));
}

function report(name: string, r: LoadReport, propagation: number[]): void {
  const sorted = [...propagation].sort((a, b) => a - b);
  console.log(
    `${name}: ${r.served} requests served, ${r.failed} failed, ${CLIENTS} clients, ${(r.durationMs / 1000).toFixed(1)} s ` +
      `(${((r.served / r.durationMs) * 1000).toFixed(0)} req/s); endpoint change visible in the admin API: ` +
      `max ${sorted.at(-1)?.toFixed(0)} ms, median ${sorted[Math.floor(sorted.length / 2)]?.toFixed(0)} ms`,
  );
  console.log(`${name}: requests per pod`, r.perPod);
  if (r.failed > 0) console.log(`${name}: first failures`, r.failures.slice(0, 10));
}

beforeAll(async () => {
  api = await startApiEmulator();
  writeOurClass(api);
  const web = await podGroup(3, 'web-v1', 'web');
  const shop = await podGroup(3, 'shop-v1', 'shop');
  for (const [service, pods] of [['web', web], ['shop', shop]] as const) {
    writeBackend(api, { namespace: NS, name: service, ports: [{ name: 'http', port: SERVICE_PORT, targetPort: pods[0].port }], endpoints: pods });
  }
  api.apply(
    ingress(NS, 'rolling', {
      rules: [
        { host: 'web.example', http: { paths: [pathRule('/', 'Prefix', 'web')] } },
        { host: 'shop.example', http: { paths: [pathRule('/', 'Prefix', 'shop')] } },
      ],
    }),
  );
  controller = await startSluice(api);
});

afterAll(async () => {
  await controller?.stop();
  await Promise.all(allPods.map((p) => p.kill()));
  await api?.close();
  await closeHttpClients();
});

describe('rolling update under load', () => {
  it('each old pod killed the moment it is marked terminating: zero failed requests', async () => {
    const old = allPods.filter((p) => p.name.startsWith('web-v1'));
    const fresh = await podGroup(3, 'web-v2', 'web', old[0].port);
    const byIp = new Map(old.map((p) => [p.ip, p]));
    const propagation: number[] = [];
    const steps: RollingStep[] = [];
    const countersBefore = await edgeCounters();
    const load = startLoad('web.example');
    await load.waitServed(REQUESTS_PER_STEP);
    await rollingUpdate(api, NS, 'web', old, fresh, {
      showNotReady: true,
      afterStep: async (step, endpoint) => {
        steps.push(step);
        // The pod dies as its endpoint turns terminating, before sluice has seen the change.
        if (step === 'old-terminating') await byIp.get(endpoint.ip)!.kill();
        propagation.push(await waitControllerSees('web'));
        await load.waitServed(REQUESTS_PER_STEP);
      },
    });
    await load.waitServed(REQUESTS_PER_STEP);
    const result = await load.stop();
    report('rolling update, old pods killed when terminating', result, propagation);
    const counters = difference(await edgeCounters(), countersBefore);
    // How much the kills cost sluice inside (the client saw none of it): tries on another endpoint, ejections.
    console.log('rolling update, old pods killed when terminating: edge counters during the run', counters);

    expect(steps.filter((s) => s === 'old-terminating')).toHaveLength(3);
    expect(result.failures).toEqual([]);
    expect(result.failed).toBe(0);
    expect(result.served).toBeGreaterThanOrEqual(REQUESTS_PER_STEP * (steps.length + 2));
    // Traffic moved from the old pods to the new ones, and every new pod took a share.
    for (const pod of fresh) expect(result.perPod[pod.name] ?? 0, pod.name).toBeGreaterThan(0);
    expect(Object.keys(result.perPod).every((name) => name.startsWith('web-v1') || name.startsWith('web-v2'))).toBe(true);
    expect(Math.max(...propagation)).toBeLessThan(5000);

    // Afterwards only the new pods answer.
    const after = new Set<string>();
    for (let i = 0; i < 12; i++) after.add((await edgeRequest(controller.httpUrl, { host: 'web.example' })).json<EchoReply>().pod);
    expect([...after].sort()).toEqual(fresh.map((p) => p.name).sort());
  });

  it('plain rolling update, terminating pods keep serving until removed: zero failed requests', async () => {
    const old = allPods.filter((p) => p.name.startsWith('shop-v1'));
    const fresh = await podGroup(3, 'shop-v2', 'shop', old[0].port);
    const byIp = new Map(old.map((p) => [p.ip, p]));
    const propagation: number[] = [];
    const load = startLoad('shop.example');
    await load.waitServed(REQUESTS_PER_STEP);
    await rollingUpdate(api, NS, 'shop', old, fresh, {
      showNotReady: true,
      afterStep: async (step, endpoint) => {
        propagation.push(await waitControllerSees('shop'));
        // Once sluice no longer lists it, the old pod shuts down gracefully (in-flight requests finish).
        if (step === 'old-removed') await byIp.get(endpoint.ip)!.stop();
        await load.waitServed(REQUESTS_PER_STEP);
      },
    });
    await load.waitServed(REQUESTS_PER_STEP);
    const result = await load.stop();
    report('rolling update, terminating pods keep serving', result, propagation);

    expect(result.failures).toEqual([]);
    expect(result.failed).toBe(0);
    for (const pod of [...old, ...fresh]) expect(result.perPod[pod.name] ?? 0, pod.name).toBeGreaterThan(0);
    expect(Math.max(...propagation)).toBeLessThan(5000);
  });

  it('when every endpoint is terminating but still serving, they keep receiving traffic', async () => {
    const pods = await podGroup(2, 'drain', 'drain');
    writeBackend(api, { namespace: NS, name: 'drain', ports: [{ name: 'http', port: SERVICE_PORT, targetPort: pods[0].port }], endpoints: pods });
    api.apply(ingress(NS, 'drain', { rules: [{ host: 'drain.example', http: { paths: [pathRule('/', 'Prefix', 'drain')] } }] }));
    await waitControllerSees('drain');
    setEndpoints(api, NS, 'drain', pods.map((p) => ({ ...p, ready: false, serving: true, terminating: true })));
    await waitControllerSees('drain');
    const seen: string[] = [];
    for (let i = 0; i < 10; i++) {
      const reply = await edgeRequest(controller.httpUrl, { host: 'drain.example' });
      expect(reply.status, reply.body).toBe(200);
      seen.push(reply.json<EchoReply>().pod);
    }
    expect(new Set(seen)).toEqual(new Set(['drain-0', 'drain-1']));
    // Not serving any more: no usable endpoint, 503 (never a fall-through elsewhere).
    setEndpoints(api, NS, 'drain', pods.map((p) => ({ ...p, ready: false, serving: false, terminating: true })));
    await waitControllerSees('drain');
    const reply = await edgeRequest(controller.httpUrl, { host: 'drain.example' });
    expect(reply.status).toBe(503);
  });
});
