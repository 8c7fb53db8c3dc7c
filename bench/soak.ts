// Soak (issue 7, part 4): the real binary against the API emulator for SOAK_SECONDS (default 300) under mixed
// load, with endpoint churn (rolling updates between two pod sets) and Ingress churn (Ingresses created, edited
// and deleted). Every 10 s: requests, failures, p99 and the controller's RSS; at the end a summary with RSS at
// start and end (a leak shows as growth). A script, not a test: `npm run soak` (SOAK_SECONDS=60 npm run soak).
//
// Env: SOAK_SECONDS (300), SOAK_CLIENTS (8), SOAK_REPORT_SECONDS (10).

import { Agent, request } from 'undici';
import { startApiEmulator, type ApiEmulator } from '../e2e/support/api-emulator.ts';
import { startController, type RunningController } from '../e2e/support/controller.ts';
import { rollingUpdate, writeBackend, type EndpointSpec } from '../e2e/support/endpoint-slices.ts';
import { writeKubeconfig } from '../e2e/support/kubeconfig.ts';
import { startPods, type Pod } from '../e2e/support/pods.ts';

const SECONDS = Number(process.env.SOAK_SECONDS ?? 300);
const CLIENTS = Number(process.env.SOAK_CLIENTS ?? 8);
const REPORT_SECONDS = Number(process.env.SOAK_REPORT_SECONDS ?? 10);
const NS = 'soak';
const SERVICES = ['web', 'api', 'img'] as const;
const ROUTES = [
  { host: 'shop.soak', path: '/', service: 'web' },
  { host: 'shop.soak', path: '/api/items?page=2', service: 'api' },
  { host: 'img.soak', path: '/bytes/4096', service: 'img' },
  { host: 'img.soak', path: '/slow?ms=5', service: 'img' },
] as const;

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

function ingress(
  name: string,
  host: string,
  paths: { path: string; service: string; type?: string }[],
  generation = 0,
): Record<string, unknown> {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { namespace: NS, name, annotations: { 'soak/revision': String(generation) } },
    spec: {
      ingressClassName: 'sluice',
      rules: [
        {
          host,
          http: {
            paths: paths.map((p) => ({
              path: p.path,
              pathType: p.type ?? 'Prefix',
              backend: { service: { name: p.service, port: { name: 'http' } } },
            })),
          },
        },
      ],
    },
  };
}

async function controllerRss(controller: RunningController): Promise<number> {
  const response = await fetch(`${controller.adminUrl}/metrics`, { signal: AbortSignal.timeout(5000) });
  const text = await response.text();
  const match = /^process_resident_memory_bytes (\d+(?:\.\d+)?(?:e\+\d+)?)$/m.exec(text);
  if (match === null) throw new Error('no process_resident_memory_bytes on /metrics');
  return Number(match[1]);
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

interface Window {
  requests: number;
  failures: number;
  latencies: number[];
  failureKinds: Map<string, number>;
}

const newWindow = (): Window => ({ requests: 0, failures: 0, latencies: [], failureKinds: new Map() });

async function main(): Promise<void> {
  const api: ApiEmulator = await startApiEmulator();
  // Two pod sets per Service: endpoint churn rolls each Service from one set to the other and back.
  const podSets = new Map<string, [Pod[], Pod[]]>();
  for (const service of SERVICES) {
    const blue = await startPods(2, { namePrefix: `${service}-blue`, namespace: NS, service });
    const green = await startPods(2, { namePrefix: `${service}-green`, namespace: NS, service, port: blue[0].port });
    podSets.set(service, [blue, green]);
    writeBackend(api, {
      namespace: NS,
      name: service,
      ports: [{ name: 'http', port: 80, targetPort: blue[0].port }],
      endpoints: blue,
    });
  }
  api.apply({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'IngressClass',
    metadata: { name: 'sluice' },
    spec: { controller: 'sluice.dev/ingress-controller' },
  });
  api.apply(
    ingress('shop', 'shop.soak', [
      { path: '/', service: 'web' },
      { path: '/api', service: 'api' },
    ]),
  );
  api.apply(ingress('img', 'img.soak', [{ path: '/', service: 'img' }]));

  const controller = await startController([
    '--kubeconfig',
    writeKubeconfig(api.url),
    '--access-log',
    'off',
    '--log-level',
    'warn',
  ]);
  const run = { stopping: false };
  const cleanup = async () => {
    run.stopping = true;
    await controller.stop().catch(() => undefined);
    for (const [blue, green] of podSets.values()) await Promise.all([...blue, ...green].map((p) => p.kill()));
    await api.close();
  };
  process.once('SIGINT', () => void cleanup().then(() => process.exit(130)));

  await controller.waitReady();
  await controller.waitFor((s) => ((s.counts as { routes?: number } | undefined)?.routes ?? 0) >= 3, {
    what: 'the soak routes',
  });
  const rssStart = await controllerRss(controller);
  console.log(
    `soak: ${SECONDS} s, ${CLIENTS} clients over ${ROUTES.length} routes, endpoint churn and Ingress churn; controller pid ${controller.pid}, RSS at start ${mib(rssStart)}`,
  );
  console.log('   t(s)   requests   failures   req/s    p50 ms   p99 ms   RSS        gen   churn(endpoints/ingress)');

  const loadStarted = performance.now();
  const deadline = loadStarted + SECONDS * 1000;
  let window = newWindow();
  const all = { requests: 0, failures: 0, latencies: [] as number[], failureKinds: new Map<string, number>() };
  const record = (ms: number, failure: string | null) => {
    window.requests++;
    all.requests++;
    window.latencies.push(ms);
    if (all.latencies.length < 2_000_000) all.latencies.push(ms);
    if (failure !== null) {
      window.failures++;
      all.failures++;
      window.failureKinds.set(failure, (window.failureKinds.get(failure) ?? 0) + 1);
      all.failureKinds.set(failure, (all.failureKinds.get(failure) ?? 0) + 1);
    }
  };

  // ---- load ----
  const agent = new Agent({ connections: CLIENTS, keepAliveTimeout: 10_000 });
  const client = async (index: number) => {
    let sequence = index;
    while (!run.stopping && performance.now() < deadline) {
      const route = ROUTES[sequence++ % ROUTES.length];
      const t0 = performance.now();
      try {
        const response = await request(`${controller.httpUrl}${route.path}`, {
          headers: { host: route.host },
          dispatcher: agent,
          headersTimeout: 5000,
          bodyTimeout: 5000,
        });
        const body = await response.body.arrayBuffer();
        const pod = response.headers['x-pod-name'];
        const fromRightService = typeof pod === 'string' && pod.startsWith(`${route.service}-`);
        record(
          performance.now() - t0,
          response.statusCode !== 200
            ? `status ${response.statusCode}`
            : !fromRightService
              ? `wrong backend ${String(pod)}`
              : body.byteLength === 0
                ? 'empty body'
                : null,
        );
      } catch (error) {
        record(performance.now() - t0, (error as { code?: string }).code ?? (error as Error).name);
      }
    }
  };

  // ---- endpoint churn: roll one Service at a time between its blue and green pods ----
  let endpointRolls = 0;
  const endpointChurn = async () => {
    const live = new Map<string, 0 | 1>(SERVICES.map((s) => [s, 0]));
    for (let i = 0; !run.stopping && performance.now() < deadline - 2000; i++) {
      const service = SERVICES[i % SERVICES.length];
      const sets = podSets.get(service)!;
      const from = live.get(service)!;
      const to = from === 0 ? 1 : 0;
      const spec = (pods: Pod[]): EndpointSpec[] => pods.map((p) => ({ ip: p.ip, name: p.name, namespace: NS }));
      await rollingUpdate(api, NS, service, spec(sets[from]), spec(sets[to]), {
        showNotReady: true,
        afterStep: () => delay(150),
      });
      live.set(service, to);
      endpointRolls++;
      await delay(500);
    }
  };

  // ---- Ingress churn: side Ingresses come and go, the live ones are edited (annotations, an extra path) ----
  let ingressWrites = 0;
  const ingressChurn = async () => {
    for (let i = 0; !run.stopping && performance.now() < deadline - 1000; i++) {
      const side = `side-${i % 20}`;
      if (i % 3 === 2) api.remove('Ingress', NS, `side-${(i + 10) % 20}`);
      api.apply(
        ingress(
          side,
          `${side}.soak`,
          [
            { path: '/', service: SERVICES[i % SERVICES.length] },
            { path: `/v${i}`, service: 'api', type: 'Exact' },
          ],
          i,
        ),
      );
      // The live Ingresses are rewritten with the same routes plus a changing extra path: never a gap.
      api.apply(
        ingress(
          'shop',
          'shop.soak',
          [
            { path: '/', service: 'web' },
            { path: '/api', service: 'api' },
            { path: `/extra-${i}`, service: 'img', type: 'Exact' },
          ],
          i,
        ),
      );
      ingressWrites += i % 3 === 2 ? 3 : 2;
      await delay(200);
    }
  };

  // ---- reporting ----
  const rssSeries: number[] = [rssStart];
  let windowStarted = performance.now();
  const report = async () => {
    while (!run.stopping && performance.now() < deadline) {
      const next = Math.min(deadline, performance.now() + REPORT_SECONDS * 1000);
      while (!run.stopping && performance.now() < next) await delay(Math.min(250, next - performance.now()));
      const w = window;
      window = newWindow();
      const windowSeconds = (performance.now() - windowStarted) / 1000;
      windowStarted = performance.now();
      const sorted = w.latencies.sort((a, b) => a - b);
      let rss = Number.NaN;
      let generation = 0;
      try {
        rss = await controllerRss(controller);
        generation = (await controller.status()).generation;
      } catch (error) {
        console.log(`   admin API not answering: ${(error as Error).message}`);
      }
      rssSeries.push(rss);
      const t = (performance.now() - loadStarted) / 1000;
      const kinds = [...w.failureKinds].map(([k, n]) => `${k}×${n}`).join(' ');
      console.log(
        `${t.toFixed(0).padStart(7)} ${String(w.requests).padStart(10)} ${String(w.failures).padStart(10)} ${(w.requests / windowSeconds).toFixed(0).padStart(7)} ` +
          `${percentile(sorted, 50).toFixed(1).padStart(9)} ${percentile(sorted, 99).toFixed(1).padStart(8)}   ${mib(rss).padEnd(10)} ${String(generation).padStart(5)}   ${endpointRolls}/${ingressWrites}${kinds === '' ? '' : `   failures: ${kinds}`}`,
      );
    }
  };

  await Promise.all([
    ...Array.from({ length: CLIENTS }, (_, i) => client(i)),
    endpointChurn(),
    ingressChurn(),
    report(),
  ]);
  run.stopping = true;
  await agent.close();
  const rssEnd = await controllerRss(controller);
  const finalStatus = await controller.status();
  const sorted = all.latencies.sort((a, b) => a - b);
  const elapsed = (performance.now() - loadStarted) / 1000;
  const kinds = [...all.failureKinds].map(([k, n]) => `${k}×${n}`).join(', ') || 'none';
  console.log('');
  console.log(
    `summary: ${elapsed.toFixed(0)} s, ${all.requests} requests (${(all.requests / elapsed).toFixed(0)}/s), ${all.failures} failed (${((all.failures / Math.max(1, all.requests)) * 100).toFixed(3)} %; ${kinds})`,
  );
  console.log(
    `latency: p50 ${percentile(sorted, 50).toFixed(1)} ms, p99 ${percentile(sorted, 99).toFixed(1)} ms, max ${(sorted.at(-1) ?? 0).toFixed(1)} ms`,
  );
  console.log(
    `churn: ${endpointRolls} rolling updates (2 endpoints each), ${ingressWrites} Ingress writes; final generation ${finalStatus.generation}`,
  );
  const minRss = Math.min(...rssSeries.filter(Number.isFinite));
  const maxRss = Math.max(...rssSeries.filter(Number.isFinite));
  console.log(
    `RSS: start ${mib(rssStart)}, end ${mib(rssEnd)} (${rssEnd >= rssStart ? '+' : ''}${mib(rssEnd - rssStart)}), min ${mib(minRss)}, max ${mib(maxRss)}`,
  );
  await cleanup();
  process.exitCode = all.failures === 0 ? 0 : 1;
}

await main();
