// Gateway API build cost: the Gateway side is built in full from the snapshot on every change while the
// Gateway API is served (the Ingress side is incremental). This prints what one full Gateway build costs for
// 100 … 10k HTTPRoutes on one Gateway (one hostname each, two rules, one Service each), so the cost of that
// choice is a figure. A script, never a test: `npm run bench:gateway` (SLUICE_BENCH_SIZES=100,1000 to pick).

import { performance } from 'node:perf_hooks';
import { buildGateway } from '../src/routing/gateway/build-gateway.ts';
import { GatewayMemo } from '../src/controller/gateway-memo.ts';
import { compileMatcher } from '../src/routing/matcher.ts';
import type { BuildOptions, KubeObject, Snapshot } from '../src/routing/types.ts';

const SIZES = (process.env.SLUICE_BENCH_SIZES ?? '100,1000,10000').split(',').map(Number);
const CONTROLLER = 'sluice.dev/gateway-controller';
const NS = 'apps';
const ROUNDS = 7;

function snapshotWith(routes: number): Snapshot {
  const services: KubeObject[] = [];
  const endpointSlices: KubeObject[] = [];
  const httpRoutes: KubeObject[] = [];
  for (let i = 0; i < routes; i++) {
    const name = `svc-${i}`;
    services.push({
      kind: 'Service',
      metadata: { name, namespace: NS },
      spec: { ports: [{ name: 'http', port: 80 }] },
    });
    endpointSlices.push({
      kind: 'EndpointSlice',
      metadata: { name: `${name}-1`, namespace: NS, labels: { 'kubernetes.io/service-name': name } },
      addressType: 'IPv4',
      ports: [{ name: 'http', port: 8080 }],
      endpoints: [{ addresses: [`10.${(i >> 8) & 255}.${i & 255}.1`], conditions: { ready: true } }],
    });
    httpRoutes.push({
      kind: 'HTTPRoute',
      metadata: { name: `route-${i}`, namespace: NS, generation: 1, creationTimestamp: '2026-01-01T00:00:00Z' },
      spec: {
        parentRefs: [{ name: 'edge' }],
        hostnames: [`host-${i}.example.com`],
        rules: [
          { matches: [{ path: { type: 'PathPrefix', value: '/api' } }], backendRefs: [{ name, port: 80 }] },
          { backendRefs: [{ name, port: 80 }] },
        ],
      },
    });
  }
  const gatewayClass = {
    kind: 'GatewayClass',
    metadata: { name: 'sluice', generation: 1 },
    spec: { controllerName: CONTROLLER },
  };
  const gateway = {
    kind: 'Gateway',
    metadata: { name: 'edge', namespace: NS, generation: 1 },
    spec: { gatewayClassName: 'sluice', listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }] },
  };
  return {
    ingressClasses: [],
    ingresses: [],
    services,
    endpointSlices,
    secrets: [],
    configMaps: [],
    namespaces: [],
    gatewayClasses: [gatewayClass],
    gateways: [gateway],
    httpRoutes,
    grpcRoutes: [],
    referenceGrants: [],
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

const options = { controllerName: CONTROLLER, inspectCertificate: () => ({ ok: false as const, error: 'unused' }) };
/** One EndpointSlice of the snapshot replaced by a moved copy (a pod rescheduled): what a rollout sends. */
function withMovedSlice(snapshot: Snapshot, index: number, round: number): Snapshot {
  const endpointSlices = [...snapshot.endpointSlices];
  const moved = endpointSlices[index] as { endpoints: { addresses: string[] }[] };
  endpointSlices[index] = {
    ...endpointSlices[index],
    endpoints: [
      { addresses: [`10.255.${round & 255}.${index & 255}`], conditions: { ready: true } },
      ...moved.endpoints,
    ],
  };
  return { ...snapshot, endpointSlices };
}

const buildOptions: BuildOptions = {
  controllerClass: 'k8s.io/ingress-nginx',
  ingressClass: 'nginx',
  watchIngressWithoutClass: false,
  defaultBackendService: null,
  defaultSslCertificate: null,
  sslRedirect: true,
  inspectCertificate: options.inspectCertificate,
};
console.log(
  '| HTTPRoutes | full build (median of 7) | matcher compile | EndpointSlice change (GatewayMemo) | routes served |',
);
console.log('|---:|---:|---:|---:|---:|');
for (const size of SIZES) {
  const snapshot = snapshotWith(size);
  const builds: number[] = [];
  const compiles: number[] = [];
  const sliceChanges: number[] = [];
  let served = 0;
  const memo = new GatewayMemo();
  let current = snapshot;
  memo.build(current, buildOptions, CONTROLLER);
  for (let round = 0; round < ROUNDS; round++) {
    const start = performance.now();
    const result = buildGateway(snapshot, options);
    const built = performance.now();
    for (const listener of result.listeners) compileMatcher(listener.table);
    compiles.push(performance.now() - built);
    builds.push(built - start);
    served = result.listeners.reduce((sum, l) => sum + l.table.hosts.reduce((n, h) => n + h.routes.length, 0), 0);
    current = withMovedSlice(current, (round * 7919) % size, round);
    const changeStart = performance.now();
    memo.build(current, buildOptions, CONTROLLER);
    sliceChanges.push(performance.now() - changeStart);
  }
  if (memo.builds !== 1) throw new Error(`an EndpointSlice change rebuilt the Gateway side (${memo.builds} builds)`);
  console.log(
    `| ${size} | ${median(builds).toFixed(1)} ms | ${median(compiles).toFixed(1)} ms | ${median(sliceChanges).toFixed(2)} ms | ${served} |`,
  );
}
