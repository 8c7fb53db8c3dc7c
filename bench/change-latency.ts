// Change latency (docs/performance.md, issue 3): from an API write to the first request routed by the new table.
// The real controller (`npm start -- --kubeconfig …`) watches the API emulator; each change is written into the
// emulator's store (which sends the watch event at once, as the API server does after a write), and a tight loop
// of requests on one keep-alive connection polls the edge until the new table answers.
//
// 100 changes, alternating:
//   - Ingress write: a new path /c<i> on host bench.example (404 before, 200 after);
//   - EndpointSlice write: the first endpoint of Service e<j>, whose route on eps.example/e<j> exists but has no
//     endpoint (503 before, 200 after). Each endpoint change gets its own Service so that the first 200 is exactly
//     the first request routed by the new table (with several endpoints the balancer could pick an old one).
//
// With --ingresses N, N more Ingresses (bench/support/scale-ingresses.ts) are present before the controller
// starts: it then also reports the time to ready (spawn → the last of them routed) and RSS and heap after a
// full GC (bench/support/gc-probe.ts), after ready and after the changes. --profile FILE writes a CPU profile
// of the changes phase only (summarise it with bench/profile-summary.ts); --heap-snapshot FILE writes a heap
// snapshot once ready; --profile-startup DIR profiles the whole controller run (node --cpu-prof, at exit).
//
// With --httproutes N, the Gateway API is served too, with N HTTPRoutes on one Gateway (one hostname each,
// bench/support/scale-httproutes.ts), and two more kinds of change join the cycle, polled through the
// Gateway's own listener: the first endpoint of a Service behind an HTTPRoute, and a new HTTPRoute.
//
// Usage: npm run bench:latency [-- --changes N] [--ingresses N] [--httproutes N] [--profile FILE]
//        [--heap-snapshot FILE] [--profile-startup DIR] [--workers N]
import { performance } from 'node:perf_hooks';
import { resolve } from 'node:path';
import { Pool } from 'undici';
import { startApiEmulator, type KubeObject } from '../e2e/support/api-emulator.ts';
import { startController } from '../e2e/support/controller.ts';
import { setEndpoints, writeService } from '../e2e/support/endpoint-slices.ts';
import { writeKubeconfig } from '../e2e/support/kubeconfig.ts';
import { startPods } from '../e2e/support/pods.ts';
import {
  GATEWAY_ENDPOINT_HOST,
  GATEWAY_NEW_ROUTE_HOST,
  GATEWAY_POOL,
  GATEWAY_PORT,
  gatewayAddress,
  gatewayEndpointRoutes,
  gatewayObjects,
  httpRouteHostOf,
  newHttpRoute,
} from './support/scale-httproutes.ts';
import { ownPathOf, requestHostOf, scaleIngress } from './support/scale-ingresses.ts';

const NS = 'bench';
function flag(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : undefined;
}
const CHANGES = Number(flag('--changes') ?? 100);
const PRESENT = Number(flag('--ingresses') ?? 0);
const HTTPROUTES = flag('--httproutes') === undefined ? null : Number(flag('--httproutes'));
const KINDS = HTTPROUTES === null ? 2 : 4;
const PROFILE = flag('--profile');
const HEAP = flag('--heap-snapshot');
const STARTUP_PROFILE = flag('--profile-startup');
/** --workers N: the controller runs N edge worker processes (each applies the primary's changes). */
const WORKERS = flag('--workers');
const POLL_LIMIT_MS = 10_000;

function path(p: string, service: string) {
  return { path: p, pathType: 'Prefix', backend: { service: { name: service, port: { name: 'http' } } } };
}

function ingress(name: string, host: string, paths: ReturnType<typeof path>[]): KubeObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { namespace: NS, name },
    spec: { ingressClassName: 'sluice', rules: [{ host, http: { paths } }] },
  };
}

const api = await startApiEmulator();
const pods = await startPods(4, { namePrefix: 'pod', namespace: NS, service: 'web' });
const port = pods[0].port;
const endpointChanges = Math.ceil(CHANGES / KINDS);
api.apply({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'IngressClass',
  metadata: { name: 'sluice' },
  spec: { controller: 'sluice.dev/ingress-controller' },
});
writeService(api, { namespace: NS, name: 'web', ports: [{ name: 'http', port: 80, targetPort: port }] });
setEndpoints(api, NS, 'web', pods);
api.apply(ingress('bench', 'bench.example', [path('/base', 'web')]));
const epsPaths = [];
for (let j = 0; j < endpointChanges; j++) {
  writeService(api, { namespace: NS, name: `e${j}`, ports: [{ name: 'http', port: 80, targetPort: port }] });
  setEndpoints(api, NS, `e${j}`, []);
  epsPaths.push(path(`/e${j}`, `e${j}`));
}
api.apply(ingress('eps', 'eps.example', epsPaths));
for (let i = 0; i < PRESENT; i++) api.apply(scaleIngress(i, PRESENT, NS, 'web'));
if (HTTPROUTES !== null) {
  api.installGatewayApi();
  for (const object of gatewayObjects(NS, 'web', HTTPROUTES)) api.apply(object);
  for (let j = 0; j < endpointChanges; j++) {
    writeService(api, { namespace: NS, name: `g${j}`, ports: [{ name: 'http', port: 80, targetPort: port }] });
    setEndpoints(api, NS, `g${j}`, []);
  }
  for (const route of gatewayEndpointRoutes(NS, endpointChanges)) api.apply(route);
}

const spawnedAt = performance.now();
const probeEnv: Record<string, string> = {};
if (PROFILE !== undefined) probeEnv.GC_PROBE_PROFILE = resolve(PROFILE);
if (HEAP !== undefined) probeEnv.GC_PROBE_HEAP = resolve(HEAP);
if (process.env.GC_PROBE_DETAIL !== undefined) probeEnv.GC_PROBE_DETAIL = resolve(process.env.GC_PROBE_DETAIL);
const startupProfile = STARTUP_PROFILE === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', resolve(STARTUP_PROFILE)];
const controller = await startController(
  [
    '--kubeconfig',
    writeKubeconfig(api.url),
    '--access-log',
    'off',
    '--log-level',
    'warn',
    ...(WORKERS === undefined ? [] : ['--workers', WORKERS]),
    ...(HTTPROUTES === null ? [] : ['--gateway-address-pool', GATEWAY_POOL]),
  ],
  probeEnv,
  {
    command: [
      'node',
      '--max-semi-space-size=16',
      ...startupProfile,
      '--import',
      './bench/support/gc-probe.ts',
      'src/main.ts',
    ],
  },
);
const edge = new Pool(controller.httpUrl, { connections: 1, pipelining: 1 });
let gatewayEdge: Pool | null = null;

async function status(host: string, target: string, through: Pool = edge): Promise<number> {
  const response = await through.request({ method: 'GET', path: target, headers: { host } });
  await response.body.dump();
  return response.statusCode;
}

/** Requests host+target back to back until it answers `wanted`; returns the time of that answer and the count. */
async function pollUntil(
  host: string,
  target: string,
  wanted: number,
  through: Pool = edge,
): Promise<{ at: number; requests: number }> {
  const deadline = performance.now() + POLL_LIMIT_MS;
  for (let requests = 1; ; requests++) {
    const code = await status(host, target, through);
    if (code === wanted) return { at: performance.now(), requests };
    if (performance.now() > deadline)
      throw new Error(`${host}${target} did not answer ${wanted} within ${POLL_LIMIT_MS} ms (last ${code})`);
  }
}

interface Sample {
  kind: 'Ingress' | 'EndpointSlice' | 'Gateway EndpointSlice' | 'HTTPRoute';
  ms: number;
  requests: number;
}

const fmt = (n: number) => n.toFixed(1).padStart(7);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

let probes = 0;
/** Full GC in the controller, then its RSS and heap. */
async function memory(): Promise<{ rssMiB: number; heapUsedMiB: number }> {
  probes += 1;
  controller.signal('SIGUSR2');
  const line = await controller.waitForOutput(`gc-probe#${probes} `, 60_000);
  return JSON.parse(line.slice(line.indexOf('{')));
}

let readyzMs = 0;
let addressMs = 0;
let statusesMs = 0;
try {
  await controller.waitReady(120_000);
  readyzMs = performance.now() - spawnedAt;
  if (PRESENT > 0) await pollUntil(requestHostOf(PRESENT - 1, PRESENT), ownPathOf(PRESENT - 1), 200);
  if (HTTPROUTES !== null) {
    gatewayEdge = new Pool(`http://${await gatewayAddress(api, NS, 120_000)}:${GATEWAY_PORT}`, {
      connections: 1,
      pipelining: 1,
    });
    addressMs = performance.now() - spawnedAt;
    if (HTTPROUTES > 0) await pollUntil(httpRouteHostOf(HTTPROUTES - 1), '/', 200, gatewayEdge);
  }
  const readyMs = performance.now() - spawnedAt;
  if (HTTPROUTES !== null) {
    // The leader writes every route's status after start; the changes are measured once that is over.
    const routes = HTTPROUTES + endpointChanges;
    while (api.callsOf('patch', 'httproutes').length < routes) await new Promise((done) => setTimeout(done, 100));
    statusesMs = performance.now() - spawnedAt;
  }
  const afterReady = await memory();
  // Warm up the connection and measure the polling resolution: one idle round trip through the edge.
  const rtts: number[] = [];
  for (let i = 0; i < 200; i++) {
    const started = performance.now();
    const code = await status('bench.example', '/base');
    if (code !== 200) throw new Error(`bench.example/base answered ${code}`);
    rtts.push(performance.now() - started);
  }
  rtts.sort((a, b) => a - b);

  const samples: Sample[] = [];
  const benchPaths = [path('/base', 'web')];
  let endpointIndex = 0;
  let gatewayIndex = 0;
  for (let i = 0; i < CHANGES; i++) {
    // A short random gap so that changes do not phase-lock with any periodic timer in the controller.
    await new Promise((done) => setTimeout(done, 5 + Math.random() * 20));
    if (i % KINDS === 3 && gatewayEdge !== null) {
      const target = `/n${i}`;
      if ((await status(GATEWAY_NEW_ROUTE_HOST, target, gatewayEdge)) !== 404)
        throw new Error(`${target} answered before its HTTPRoute`);
      const written = performance.now();
      api.apply(newHttpRoute(NS, `new-${i}`, target, 'web'));
      const { at, requests } = await pollUntil(GATEWAY_NEW_ROUTE_HOST, target, 200, gatewayEdge);
      samples.push({ kind: 'HTTPRoute', ms: at - written, requests });
    } else if (i % KINDS === 2 && gatewayEdge !== null) {
      const j = gatewayIndex++;
      const target = `/g${j}`;
      if ((await status(GATEWAY_ENDPOINT_HOST, target, gatewayEdge)) === 200)
        throw new Error(`${target} had an endpoint before its write`);
      const written = performance.now();
      setEndpoints(api, NS, `g${j}`, [pods[j % pods.length]]);
      const { at, requests } = await pollUntil(GATEWAY_ENDPOINT_HOST, target, 200, gatewayEdge);
      samples.push({ kind: 'Gateway EndpointSlice', ms: at - written, requests });
    } else if (i % KINDS === 0) {
      const target = `/c${i}`;
      if ((await status('bench.example', target)) !== 404) throw new Error(`${target} answered before its write`);
      benchPaths.push(path(target, 'web'));
      const written = performance.now();
      api.modify('Ingress', NS, 'bench', (o) => {
        o.spec.rules[0].http.paths = benchPaths;
      });
      const { at, requests } = await pollUntil('bench.example', target, 200);
      samples.push({ kind: 'Ingress', ms: at - written, requests });
    } else {
      const j = endpointIndex++;
      const target = `/e${j}`;
      if ((await status('eps.example', target)) !== 503) throw new Error(`${target} had an endpoint before its write`);
      const written = performance.now();
      setEndpoints(api, NS, `e${j}`, [pods[j % pods.length]]);
      const { at, requests } = await pollUntil('eps.example', target, 200);
      samples.push({ kind: 'EndpointSlice', ms: at - written, requests });
    }
  }
  const afterChanges = await memory();
  const final = await controller.status();

  const rows: [string, Sample[]][] = [
    ['Ingress write (new path)', samples.filter((s) => s.kind === 'Ingress')],
    ['EndpointSlice write (+1 endpoint)', samples.filter((s) => s.kind === 'EndpointSlice')],
    ...(HTTPROUTES === null
      ? []
      : [
          ['the same behind an HTTPRoute', samples.filter((s) => s.kind === 'Gateway EndpointSlice')] as [
            string,
            Sample[],
          ],
          ['HTTPRoute write (new route)', samples.filter((s) => s.kind === 'HTTPRoute')] as [string, Sample[]],
        ]),
    ['all changes', samples],
  ];
  const lines = [
    `change latency: API write → first request routed by the new table (${samples.length} changes, generation ${final.generation})`,
    `${PRESENT} more Ingresses${HTTPROUTES === null ? '' : ` and ${HTTPROUTES} HTTPRoutes`} present; ready (spawn → all routed) ${readyMs.toFixed(0)} ms (/readyz ${readyzMs.toFixed(0)} ms${HTTPROUTES === null ? '' : `, the Gateway's address in its status ${addressMs.toFixed(0)} ms, every route's status written ${statusesMs.toFixed(0)} ms`}); after GC: RSS ${afterReady.rssMiB} MiB, heap ${afterReady.heapUsedMiB} MiB after ready, RSS ${afterChanges.rssMiB} MiB, heap ${afterChanges.heapUsedMiB} MiB after the changes`,
    `polling: one keep-alive connection, back-to-back requests; idle round trip p50 ${rtts[100].toFixed(2)} ms, p99 ${percentile(rtts, 99).toFixed(2)} ms`,
    '',
    `${'change'.padEnd(34)} ${'n'.padStart(4)} ${'p50 ms'.padStart(7)} ${'p90 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'max ms'.padStart(7)} ${'polls/chg'.padStart(9)}`,
  ];
  for (const [label, group] of rows) {
    const sorted = group.map((s) => s.ms).sort((a, b) => a - b);
    const polls = group.reduce((sum, s) => sum + s.requests, 0) / group.length;
    lines.push(
      `${label.padEnd(34)} ${String(group.length).padStart(4)} ${fmt(percentile(sorted, 50))} ${fmt(percentile(sorted, 90))} ${fmt(percentile(sorted, 99))} ${fmt(sorted[sorted.length - 1])} ${polls.toFixed(1).padStart(9)}`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  await edge.close();
  await gatewayEdge?.close();
  await controller.stop();
  await Promise.all(pods.map((p) => p.kill()));
  await api.close();
}
