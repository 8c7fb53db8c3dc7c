// Cost of each request pipeline stage (src/proxy/pipeline/), in ns per request, measured in-process on the
// embedded example table with synthetic request objects: no sockets, no upstream, so the figures are the
// stages' own CPU cost. A script, never a test: `npm run bench:pipeline` (SLUICE_BENCH_ITERATIONS=N).
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildOptionsFrom } from '../src/app/build-options.ts';
import { EMBEDDED_MANIFESTS } from '../src/app/choose-source.ts';
import { parseConfig } from '../src/config.ts';
import { buildRoutingState } from '../src/controller/routing-state.ts';
import { createEdgeContext } from '../src/proxy/handler.ts';
import {
  appendForwardedHeaders,
  filterRequestHeaders,
  filterResponseHeaders,
  RequestHeadScan,
  ResponseHeadScan,
} from '../src/proxy/headers.ts';
import { Exchange } from '../src/proxy/pipeline/exchange.ts';
import { prepare } from '../src/proxy/pipeline/prepare.ts';
import { emptyRecord } from '../src/proxy/pipeline/record.ts';
import type { RouteRequest } from '../src/proxy/pipeline/route-decision.ts';
import { ANSWERED } from '../src/proxy/pipeline/steps.ts';
import { createManifestSource } from '../src/source/manifest-directory.ts';
import { silentLogger } from '../src/util/logger.ts';

const ITERATIONS = Number(process.env.SLUICE_BENCH_ITERATIONS ?? 200_000);
// SLUICE_BENCH_POLICY=1: the same request on a route with a typical ingress-nginx policy set (a regex
// rewrite, CORS and a source allowlist) instead of the plain embedded route.
const WITH_POLICY = process.env.SLUICE_BENCH_POLICY === '1';
const HOST = WITH_POLICY ? 'policy.localhost' : 'hello.localhost';
const POLICY_INGRESS = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: policy
  namespace: demo
  annotations:
    nginx.ingress.kubernetes.io/use-regex: "true"
    nginx.ingress.kubernetes.io/rewrite-target: /$2
    nginx.ingress.kubernetes.io/enable-cors: "true"
    nginx.ingress.kubernetes.io/whitelist-source-range: 10.0.0.0/8, 127.0.0.0/8
spec:
  ingressClassName: sluice
  rules:
    - host: policy.localhost
      http:
        paths:
          - path: /greeting(/|$)(.*)
            pathType: ImplementationSpecific
            backend:
              service:
                name: hello
                port:
                  name: http
`;
const URL_TARGET = '/greeting/world?lang=en';

const parsed = parseConfig([], {});
if (parsed.ok !== true) throw new Error('default config does not parse');
const manifests = mkdtempSync(join(tmpdir(), 'sluice-bench-pipeline-'));
cpSync(EMBEDDED_MANIFESTS, manifests, { recursive: true });
writeFileSync(join(manifests, 'policy.yaml'), POLICY_INGRESS);
const source = createManifestSource({ dir: manifests, log: silentLogger, watch: false });
await source.start(() => {});
const state = buildRoutingState(source.snapshot(), buildOptionsFrom(parsed.config), 1);
await source.stop();
rmSync(manifests, { recursive: true, force: true });

const context = createEdgeContext({
  getState: () => state,
  trustedProxies: [],
  balancer: 'round-robin',
  timeouts: { connectMs: 5_000, responseHeadersMs: 60_000, bodyIdleMs: 60_000 },
  retry: { maxTries: 3, budgetMs: 10_000 },
  maxBodyBytes: 1024 * 1024,
  httpsPort: 443,
  onRequestDone: null,
  log: silentLogger,
});

const rawHeaders = [
  'Host',
  HOST,
  'User-Agent',
  'wrk/4.2',
  'Accept',
  '*/*',
  'Accept-Encoding',
  'gzip, br',
  'Connection',
  'keep-alive',
  'Cookie',
  'session=abc123; theme=dark',
];
const req = {
  method: 'GET',
  url: URL_TARGET,
  httpVersionMajor: 1,
  httpVersionMinor: 1,
  rawHeaders,
  socket: { remoteAddress: '127.0.0.1', localPort: 8080 },
} as unknown as IncomingMessage;
const res = { headersSent: false } as unknown as ServerResponse;
const upstreamHead = [
  'Server',
  'nginx',
  'Date',
  'Sun, 06 Dec 2026 23:00:00 GMT',
  'Content-Type',
  'text/plain',
  'Content-Length',
  '19',
  'Connection',
  'keep-alive',
  'Cache-Control',
  'no-cache',
];

let sink: unknown = null;

function measure(name: string, run: () => void): void {
  for (let i = 0; i < ITERATIONS / 10; i++) run(); // warm-up
  const started = process.hrtime.bigint();
  for (let i = 0; i < ITERATIONS; i++) run();
  const ns = Number(process.hrtime.bigint() - started) / ITERATIONS;
  console.log(`${name.padEnd(28)} ${ns.toFixed(0).padStart(6)} ns`);
}

const probe = new Exchange(context, req, res, false);
if (!prepare(probe)) throw new Error(`${HOST}${URL_TARGET} does not forward in the embedded table`);
const route = probe.route;
const out: RouteRequest = { host: '', path: '', query: '' };

const what = WITH_POLICY ? 'a route with rewrite + CORS + allowlist' : 'the embedded table';
console.log(
  `pipeline stages, ${ITERATIONS} iterations each, ${what} (${HOST}${URL_TARGET}); steps: ${route.route.requestSteps.map((s) => s.name).join(', ')}`,
);
measure('exchange (allocation)', () => {
  sink = new Exchange(context, req, res, false);
});
measure('read request headers', () => {
  const scan = new RequestHeadScan();
  sink = filterRequestHeaders(rawHeaders, scan, false, false);
  sink = context.ids.next();
});
measure('route decision', () => {
  sink = context.router.decide(state, HOST, URL_TARGET, false, false, out);
});
measure('forwarded headers', () => {
  const headers = probe.headers;
  const length = headers.length;
  appendForwardedHeaders(headers, new RequestHeadScan(), '127.0.0.1', false, 8080, 'id-1');
  headers.length = length;
});
measure('request steps', () => {
  const steps = route.route.requestSteps;
  for (let i = 0; i < steps.length; i++) if (steps[i].apply(probe) === ANSWERED) throw new Error('answered');
});
for (const step of route.route.requestSteps) {
  measure(`  step ${step.name}`, () => {
    if (step.apply(probe) === ANSWERED) throw new Error('answered');
  });
}
measure('prepare (all of the above)', () => {
  const exchange = new Exchange(context, req, res, false);
  sink = prepare(exchange);
});
measure('pick + acquire/release', () => {
  const balance = context.balancer.balanceFor(route.backend);
  const endpoint = context.balancer.pick(balance, Date.now(), null)!;
  context.balancer.acquire(endpoint, 0);
  context.balancer.release(endpoint);
});
measure('response head', () => {
  const scan = new ResponseHeadScan();
  sink = filterResponseHeaders(upstreamHead, 'id-1', scan);
});
measure('record (allocation)', () => {
  sink = emptyRecord();
});
if (sink === undefined) console.log('');
