// Routing table scale: build time, heap and match time for 100 … 50k Ingresses (issue 2).
// A script, never a test: `npm run bench:routing`. Prints a plain table.

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { performance } from 'node:perf_hooks';
import { build } from '../src/routing/build.ts';
import { compileMatcher } from '../src/routing/matcher.ts';
import { normalizeRequestHost } from '../src/routing/request-host.ts';
import { normalizeRequestPath, splitTarget } from '../src/routing/request-path.ts';
import type { BuildOptions, KubeObject, Matcher, Snapshot } from '../src/routing/types.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const SIZES = (process.env.SLUICE_BENCH_SIZES ?? '100,1000,10000,50000').split(',').map(Number);
const CREATED = '2024-01-01T00:00:00Z';

const options: BuildOptions = {
  controllerClass: 'sluice.dev/ingress-controller',
  ingressClass: 'sluice',
  watchIngressWithoutClass: false,
  defaultBackendService: 'sluice-system/fallback',
  defaultSslCertificate: null,
  sslRedirect: true,
  inspectCertificate: () => ({ ok: false, error: 'not used by this benchmark' }),
};

type HostStyle = 'distinct' | 'shared' | 'wildcard' | 'none';

/** 60% own host, 25% a host shared by ~10 Ingresses, 12% wildcard, 3% host-less. */
function hostStyle(i: number): HostStyle {
  const r = i % 100;
  return r < 60 ? 'distinct' : r < 85 ? 'shared' : r < 97 ? 'wildcard' : 'none';
}

function hostOf(i: number, count: number): string {
  const team = `team-${i % Math.max(1, Math.ceil(count / 200))}`;
  switch (hostStyle(i)) {
    case 'distinct':
      return `app-${i}.${team}.example.com`;
    case 'shared':
      return `portal-${i % Math.max(1, Math.ceil(count / 40))}.example.com`;
    case 'wildcard':
      return `*.tenant-${i}.example.org`;
    case 'none':
      return '';
  }
}

function pathsOf(i: number): Array<[string, string, string | number]> {
  switch (hostStyle(i)) {
    case 'distinct':
      return [
        ['/', 'Prefix', 80],
        ['/api/v1', 'Prefix', 'http'],
        ['/healthz', 'Exact', 80],
      ];
    case 'shared':
    case 'none':
      return [
        [`/svc-${i}`, 'Prefix', 80],
        [`/svc-${i}/api`, 'Prefix', 'http'],
        [`/svc-${i}/status`, 'Exact', 80],
      ];
    case 'wildcard':
      return [
        ['/', 'Prefix', 80],
        ['/api', 'Prefix', 'http'],
        ['/static', 'ImplementationSpecific', 80],
      ];
  }
}

function snapshotOf(count: number): Snapshot {
  const ingresses: KubeObject[] = [];
  const services: KubeObject[] = [];
  const endpointSlices: KubeObject[] = [];
  for (let i = 0; i < count; i++) {
    const namespace = `ns-${i % Math.max(1, Math.ceil(count / 50))}`;
    const service = `svc-${i}`;
    const host = hostOf(i, count);
    const paths = pathsOf(i).map(([path, pathType, port]) => ({
      path,
      pathType,
      backend: { service: { name: service, port: typeof port === 'number' ? { number: port } : { name: port } } },
    }));
    ingresses.push({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: `ing-${i}`, namespace, uid: `ing-${i}`, creationTimestamp: CREATED, resourceVersion: '1' },
      spec: { ingressClassName: 'sluice', rules: [host === '' ? { http: { paths } } : { host, http: { paths } }] },
    });
    services.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: service, namespace, uid: `svc-${i}` },
      spec: {
        type: 'ClusterIP',
        clusterIP: `10.96.${(i >> 8) & 255}.${i & 255}`,
        ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }],
      },
    });
    endpointSlices.push({
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: `${service}-abcde`, namespace, labels: { 'kubernetes.io/service-name': service } },
      addressType: 'IPv4',
      ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
      endpoints: [0, 1, 2].map((e) => ({
        addresses: [`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${(i & 255) ^ e}`],
        conditions: { ready: e !== 2, serving: true, terminating: e === 2 },
        targetRef: { kind: 'Pod', namespace, name: `${service}-pod-${e}` },
      })),
    });
  }
  services.push({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'fallback', namespace: 'sluice-system', uid: 'fallback' },
    spec: { type: 'ClusterIP', ports: [{ name: 'http', port: 80 }] },
  });
  endpointSlices.push({
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: 'fallback-xyz',
      namespace: 'sluice-system',
      labels: { 'kubernetes.io/service-name': 'fallback' },
    },
    addressType: 'IPv4',
    ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    endpoints: [{ addresses: ['10.255.0.1'], conditions: { ready: true } }],
  });
  const ingressClasses: KubeObject[] = [
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'IngressClass',
      metadata: { name: 'sluice' },
      spec: { controller: options.controllerClass },
    },
  ];
  return { ingressClasses, ingresses, services, endpointSlices, secrets: [] };
}

interface RawRequest {
  readonly host: string;
  readonly url: string;
}

/** A mixed request set: hits, wildcard hits, known host with unknown path, unknown hosts. */
function requestsOf(count: number, total: number, hot: number): RawRequest[] {
  const out: RawRequest[] = [];
  let seed = 12345;
  const next = (n: number): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
    return seed % n;
  };
  for (let k = 0; k < total; k++) {
    const i = Math.floor((next(hot) * count) / hot);
    const host = hostOf(i, count);
    const kind = next(100);
    const named = host.startsWith('*.') ? `user${next(1000)}${host.slice(1)}` : host;
    const shownHost = next(10) === 0 ? `${named.toUpperCase()}:443` : named;
    const [[first], [second], [third]] = pathsOf(i);
    if (kind < 35) out.push({ host: shownHost, url: `${second}/items/${next(100000)}?page=${next(10)}` });
    else if (kind < 55) out.push({ host: shownHost, url: third });
    else if (kind < 70) out.push({ host: shownHost, url: `${first === '/' ? '' : first}/deep/er/path/index.html` });
    else if (kind < 85) out.push({ host: shownHost, url: `/not-a-route-${next(1000)}/x` });
    else out.push({ host: `unknown-${next(100000)}.example.net`, url: '/' });
  }
  return out;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function time<T>(runs: number, work: () => T): { ms: number; result: T } {
  const times: number[] = [];
  let result = work(); // warm-up, also the value returned
  for (let r = 0; r < runs; r++) {
    gc();
    const start = performance.now();
    result = work();
    times.push(performance.now() - start);
  }
  return { ms: median(times), result };
}

let sink = 0;

function matchLoop(matcher: Matcher, hosts: string[], paths: string[], rounds: number): number {
  const start = performance.now();
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < hosts.length; k++) {
      const m = matcher.match(hosts[k], paths[k]);
      if (m !== null) sink += m.kind.length;
    }
  }
  return ((performance.now() - start) * 1e6) / (rounds * hosts.length);
}

function normaliseAndMatchLoop(matcher: Matcher, requests: RawRequest[], rounds: number): number {
  const start = performance.now();
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < requests.length; k++) {
      const request = requests[k];
      const host = normalizeRequestHost(request.host);
      const target = splitTarget(request.url);
      if (host === null || target === null) continue;
      const path = normalizeRequestPath(target.path);
      if (path === null) continue;
      const m = matcher.match(host, path);
      if (m !== null) sink += m.kind.length;
    }
  }
  return ((performance.now() - start) * 1e6) / (rounds * requests.length);
}

const MiB = 1024 * 1024;

interface MatchFigures {
  readonly matchNs: number;
  readonly fullNs: number;
  readonly hitPercent: number;
}

function measureMatch(matcher: Matcher, requests: RawRequest[]): MatchFigures {
  const hosts: string[] = [];
  const paths: string[] = [];
  for (const request of requests) {
    const target = splitTarget(request.url);
    hosts.push(normalizeRequestHost(request.host) ?? '');
    paths.push(normalizeRequestPath(target === null ? '/' : target.path) ?? '/');
  }
  let hits = 0;
  for (let k = 0; k < hosts.length; k++) if (matcher.match(hosts[k], paths[k])?.kind === 'path') hits++;
  matchLoop(matcher, hosts, paths, 3); // warm
  const matchNs = median([1, 2, 3].map(() => matchLoop(matcher, hosts, paths, 5)));
  normaliseAndMatchLoop(matcher, requests, 3); // warm
  const fullNs = median([1, 2, 3].map(() => normaliseAndMatchLoop(matcher, requests, 5)));
  return { matchNs, fullNs, hitPercent: (100 * hits) / hosts.length };
}

const HOT_INGRESSES = 1000;

/** One table size; a function of its own so nothing of the previous size stays reachable. */
function measureSize(count: number): string[] {
  const snapshot = snapshotOf(count);
  const runs = count >= 50000 ? 3 : 5;
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  const built = time(runs, () => build(snapshot, options));
  const compiled = time(runs, () => compileMatcher(built.result.table));
  gc();
  const heapAfter = process.memoryUsage().heapUsed;
  const problems = built.result.problems.length;
  if (problems > 0)
    console.error(
      `note: ${count} Ingresses gave ${problems} problems, first: ${JSON.stringify(built.result.problems[0])}`,
    );

  const spread = measureMatch(compiled.result, requestsOf(count, 200_000, count));
  const hot = measureMatch(compiled.result, requestsOf(count, 200_000, Math.min(count, HOT_INGRESSES)));
  return [
    String(count),
    String(count * 3),
    built.ms.toFixed(1),
    compiled.ms.toFixed(1),
    (heapAfter / MiB).toFixed(1),
    ((heapAfter - heapBefore) / MiB).toFixed(1),
    spread.matchNs.toFixed(0),
    hot.matchNs.toFixed(0),
    spread.fullNs.toFixed(0),
    spread.hitPercent.toFixed(0),
  ];
}

const rows: string[][] = [
  [
    'ingresses',
    'paths',
    'build ms',
    'compile ms',
    'heap MiB',
    'table MiB',
    'match ns',
    'match ns (hot 1k)',
    'norm+match ns',
    'hit %',
  ],
];
for (const count of SIZES) rows.push(measureSize(count));

const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
for (const row of rows) console.log(row.map((cell, c) => cell.padStart(widths[c])).join('  '));
console.log(`
build, compile: median of ${'3-5'} runs after a warm-up. heap: heap used after build + compile (snapshot included);
table: what the BuildResult and the matcher add. match: per request, normalised host and path, 200k mixed requests
(path hits, wildcard hits, known host with unknown path, unknown host) spread over every Ingress, warm, median of 3;
hot 1k: the same mix drawn from 1,000 Ingresses only (a cache-resident working set, as real traffic is skewed).
norm+match: normalizeRequestHost + splitTarget + normalizeRequestPath + match on the raw strings.`);
if (sink === 42) console.log('');
