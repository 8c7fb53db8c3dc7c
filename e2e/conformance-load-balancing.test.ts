/**
 * Conformance feature `load_balancing` (kubernetes-sigs/ingress-controller-conformance, features/load_balancing.feature)
 * through the real binary: a rules-less Ingress whose default backend is scaled to 10 pods; 100 sequential requests
 * all answer 200 and reach all 10 pods. routing-semantics §5.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiEmulator } from './support/api-emulator.ts';
import type { RunningController } from './support/controller.ts';
import { setEndpoints } from './support/endpoint-slices.ts';
import { edgeRequest } from './support/http-client.ts';
import type { EchoReply } from './support/pods.ts';
import {
  PUBLISHED_ADDRESS,
  conformanceBackend,
  ingress,
  startConformance,
  tally,
  waitIngressStatus,
  waitRoutes,
  type Scenario,
} from './fixtures.ts';

const NS = 'conformance-load-balancing';

let scenario: Scenario;
let api: ApiEmulator;
let controller: RunningController;

beforeAll(async () => {
  // The deployment starts with one replica (of the 10 pods started); the scenario scales it to 10 once the Ingress
  // is exposed.
  scenario = await startConformance(NS, { 'echo-service': { pods: 10, endpoints: 1 } }, [
    ingress(NS, 'load-balancing', { defaultBackend: conformanceBackend('echo-service') }),
  ]);
  ({ api, controller } = scenario);
});

afterAll(() => scenario?.close());

/** Ready endpoints of the echo-service backend in the routes API (the key names the port as the Ingress does). */
function readyEndpoints(routes: any): number {
  const entry = Object.values(routes.backends as Record<string, any>).find(
    (b: any) => b.namespace === NS && b.service === 'echo-service',
  ) as any;
  return entry === undefined ? 0 : entry.endpoints.filter((e: any) => e.health === 'ready').length;
}

async function send(count: number, concurrency: number): Promise<string[]> {
  const pods: string[] = [];
  let next = 0;
  const client = async () => {
    while (next < count) {
      next++;
      const reply = await edgeRequest(controller.httpUrl, { host: 'load-balancing' });
      expect(reply.status, reply.body).toBe(200);
      const echo = reply.json<EchoReply>();
      expect(echo.service).toBe('echo-service');
      pods.push(echo.pod);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, client));
  return pods;
}

describe('conformance load_balancing', () => {
  it('the Ingress status shows the IP address where it is exposed', async () => {
    expect(await waitIngressStatus(api, NS, 'load-balancing')).toEqual([PUBLISHED_ADDRESS]);
  });

  it('with one replica, every request reaches it', async () => {
    expect(new Set(await send(10, 1))).toEqual(new Set(['echo-service-0']));
  });

  it('scaled to 10: 100 sequential requests answer 200 and reach all 10 pods', async () => {
    const started = performance.now();
    setEndpoints(api, NS, 'echo-service', scenario.pods);
    await waitRoutes(controller, (r) => readyEndpoints(r) === 10, '10 ready endpoints', 10_000);
    const visibleMs = performance.now() - started;
    const pods = await send(100, 1);
    const counts = tally(pods);
    console.log(`load_balancing: scale-up visible in the admin API after ${visibleMs.toFixed(0)} ms`);
    console.log('load_balancing: 100 sequential requests per pod', counts);
    expect(pods).toHaveLength(100);
    expect(Object.keys(counts)).toHaveLength(10);
    expect(new Set(pods)).toEqual(new Set(scenario.pods.map((p) => p.name)));
    // Round robin spreads evenly; allow some slack for the order the table lists endpoints in.
    expect(Math.min(...Object.values(counts))).toBeGreaterThanOrEqual(5);
    expect(Math.max(...Object.values(counts))).toBeLessThanOrEqual(15);
    expect(visibleMs).toBeLessThan(5000);
  });

  it('100 requests from 10 concurrent clients also reach all 10 pods', async () => {
    const counts = tally(await send(100, 10));
    console.log('load_balancing: 100 requests, 10 concurrent clients, per pod', counts);
    expect(Object.keys(counts)).toHaveLength(10);
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(100);
  });
});
