// The routing core alone, in one process (issue 11): full build + compile against the incremental builder at
// 1k / 10k / 50k Ingresses (the change-latency bench's shape, bench/support/scale-ingresses.ts): the first
// apply, then one Ingress change and one EndpointSlice change, each applied and the matcher recompiled.
// Times are CPU time of this process (user + system), so other load on the machine distorts them less.
// A script, never a test: `node bench/incremental.ts` (SLUICE_BENCH_SIZES=1000,10000 to choose sizes).

import { build } from '../src/routing/build.ts';
import { IncrementalBuild } from '../src/routing/incremental/incremental-build.ts';
import type { ObjectChange } from '../src/routing/incremental/object-store.ts';
import { compileMatcher, recompileMatcher } from '../src/routing/matcher.ts';
import type { BuildOptions, KubeObject, Snapshot } from '../src/routing/types.ts';
import { scaleIngress } from './support/scale-ingresses.ts';

const SIZES = (process.env.SLUICE_BENCH_SIZES ?? '1000,10000,50000').split(',').map(Number);
const NS = 'bench';

const options: BuildOptions = {
  controllerClass: 'sluice.dev/ingress-controller',
  ingressClass: 'sluice',
  watchIngressWithoutClass: false,
  defaultBackendService: null,
  defaultSslCertificate: null,
  sslRedirect: true,
  inspectCertificate: () => ({ ok: false, error: 'not used by this benchmark' }),
};

const ingressClass: KubeObject = {
  kind: 'IngressClass',
  metadata: { name: 'sluice' },
  spec: { controller: options.controllerClass },
};
const service: KubeObject = {
  kind: 'Service',
  metadata: { namespace: NS, name: 'web' },
  spec: { ports: [{ name: 'http', port: 80 }] },
};
function slice(addresses: readonly string[]): KubeObject {
  return {
    kind: 'EndpointSlice',
    metadata: { namespace: NS, name: 'web-abc', labels: { 'kubernetes.io/service-name': 'web' } },
    ports: [{ name: 'http', port: 8080 }],
    endpoints: addresses.map((address) => ({ addresses: [address], conditions: { ready: true } })),
  };
}

function cpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

function timed<T>(run: () => T): [T, number] {
  const started = cpuMs();
  const value = run();
  return [value, cpuMs() - started];
}

function median(values: number[]): number {
  return values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
}

const rows: string[] = [];
for (const count of SIZES) {
  const ingresses = Array.from({ length: count }, (_, i) => scaleIngress(i, count, NS, 'web'));
  const snapshot: Snapshot = {
    ingressClasses: [ingressClass],
    ingresses,
    services: [service],
    endpointSlices: [slice(['10.0.0.1'])],
    secrets: [],
  };
  const [full, fullMs] = timed(() => compileMatcher(build(snapshot, options).table));
  void full;
  const builder = new IncrementalBuild(options);
  const all: ObjectChange[] = [
    { kind: 'ingressClasses', id: 'sluice', object: ingressClass },
    { kind: 'services', id: `${NS}/web`, object: service },
    { kind: 'endpointSlices', id: `${NS}/web-abc`, object: slice(['10.0.0.1']) },
    ...ingresses.map((object, i) => ({ kind: 'ingresses' as const, id: `${NS}/scale-${i}`, object })),
  ];
  let [matcher, firstMs] = timed(() => compileMatcher(builder.apply(all).table));
  const ingressMs: number[] = [];
  const sliceMs: number[] = [];
  for (let k = 0; k < 200; k++) {
    const i = (k * 7919) % count;
    const changed = { ...ingresses[i], metadata: { namespace: NS, name: `scale-${i}`, labels: { k: String(k) } } };
    const ingressChange: ObjectChange = { kind: 'ingresses', id: `${NS}/scale-${i}`, object: changed };
    let ms: number;
    [matcher, ms] = timed(() => recompileMatcher(matcher, builder.apply([ingressChange]).table, builder.hostChanges()));
    ingressMs.push(ms);
    const sliceChange: ObjectChange = {
      kind: 'endpointSlices',
      id: `${NS}/web-abc`,
      object: slice(['10.0.0.1', `10.0.1.${k % 250}`]),
    };
    [matcher, ms] = timed(() => recompileMatcher(matcher, builder.apply([sliceChange]).table, builder.hostChanges()));
    sliceMs.push(ms);
  }
  rows.push(
    `${String(count).padStart(7)} ${fullMs.toFixed(0).padStart(12)} ${firstMs.toFixed(0).padStart(12)} ${median(ingressMs).toFixed(2).padStart(12)} ${median(sliceMs).toFixed(2).padStart(12)}`,
  );
}
process.stdout.write(
  `${'ingresses'.padStart(7)} ${'full build ms'.padStart(12)} ${'first apply'.padStart(12)} ${'Ingress chg'.padStart(12)} ${'Slice chg'.padStart(12)}\n${rows.join('\n')}\n` +
    'CPU ms: full build + compile; incremental first apply + compile; one change applied + matcher recompiled (median of 200)\n',
);
