// The HTTP/2 and gRPC scenarios of `npm run bench` (issue 13), driven by h2load (nghttp2-client):
//  - h2: GET / over h2 (TLS, ALPN) on the HTTPS port, h2load -c1 -m100 (100 concurrent streams on one connection),
//    to the same HTTP/1.1 nginx backend as the wrk scenarios; sluice vs nginx (http2), HAProxy and Caddy.
//  - grpc: a unary gRPC call (POST /bench.Echo/Unary, a 5-byte-prefixed message, te: trailers) over h2c prior
//    knowledge on the plain HTTP port, to one h2c gRPC echo backend (grpc-echo-server.ts); sluice
//    (backend-protocol GRPC) vs nginx grpc_pass, HAProxy (proto h2) and Caddy (h2c).
// h2load rather than a Node client, so that the load generator is not the bottleneck.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpuTimeMs, loadAverage, stopProcess } from './peers/process.ts';
import { type H2loadResult, h2loadArgs, runH2load } from './peers/h2load.ts';
import {
  h2Request,
  startCaddyH2,
  startGrpcBackend,
  startHaproxyH2,
  startNginxH2,
  startSluiceH2,
  writeCertificate,
} from './peers/h2-servers.ts';
import { renderTemplate, type Server } from './peers/servers.ts';

export const H2_SCENARIO_KEYS = ['h2', 'grpc'] as const;
export type H2ScenarioKey = (typeof H2_SCENARIO_KEYS)[number];
/** 'backend': h2load straight to the gRPC backend, the ceiling (gRPC only: the h2 scenario's backend speaks HTTP/1.1). */
export const H2_TARGETS = ['backend', 'nginx', 'haproxy', 'caddy', 'sluice'] as const;
type H2Target = (typeof H2_TARGETS)[number];

export interface H2BenchOptions {
  readonly dir: string;
  readonly host: string;
  readonly backendHost: string;
  /** The wrk scenarios' HTTP/1.1 nginx backend (the h2 scenario's upstream). */
  readonly backend: Server;
  readonly seconds: number;
  readonly warmup: number;
  readonly rounds: number;
  /** BENCH_ONLY: targets not listed are skipped. */
  readonly only: readonly string[];
  readonly log: (line: string) => void;
}

const STREAMS = 100;
const CLIENTS = 1;
const GRPC_PATH = '/bench.Echo/Unary';
const GRPC_HEADERS = ['content-type: application/grpc', 'te: trailers'];
const LABEL: Record<H2ScenarioKey, Record<H2Target, string>> = {
  h2: {
    backend: '',
    nginx: 'nginx 1.22, 1 worker, listen ssl http2',
    haproxy: 'HAProxy, 1 thread, bind ssl alpn h2',
    caddy: 'Caddy, GOMAXPROCS=1, tls',
    sluice: 'sluice, 1 worker, HTTPS port',
  },
  grpc: {
    backend: 'backend direct (ceiling), node:http2 h2c',
    nginx: 'nginx 1.22, 1 worker, listen http2 + grpc_pass',
    haproxy: 'HAProxy, 1 thread, proto h2 both sides',
    caddy: 'Caddy, GOMAXPROCS=1, h2c both sides',
    sluice: 'sluice, 1 worker, backend-protocol GRPC',
  },
};

interface Run {
  readonly round: number;
  readonly result: H2loadResult;
  readonly cpuUsPerRequest: number | null;
  readonly load: number;
}

/** A unary gRPC request body: one uncompressed message (protobuf field 1 = "hello sluice"), 5-byte prefixed. */
export function grpcMessage(): Buffer {
  const payload = Buffer.concat([Buffer.from([0x0a, 12]), Buffer.from('hello sluice')]);
  const prefix = Buffer.alloc(5);
  prefix.writeUInt32BE(payload.length, 1);
  return Buffer.concat([prefix, payload]);
}

async function startTargets(key: H2ScenarioKey, options: H2BenchOptions, grpcBackend: Server | null) {
  const { dir, host } = options;
  const servers = new Map<H2Target, Server>();
  const wanted = H2_TARGETS.filter(
    (target) => options.only.includes(target) && (key === 'grpc' || target !== 'backend'),
  );
  if (key === 'h2') {
    const cert = writeCertificate(dir);
    const backend = `${options.backend.host}:${options.backend.port}`;
    const values = { BACKEND: backend, CERT: cert.cert, KEY: cert.key, PEM: cert.pem };
    const manifests = join(options.dir, 'manifests');
    for (const target of wanted) {
      options.log(`h2: starting ${target}`);
      if (target === 'nginx')
        servers.set(target, await startNginxH2('nginx-h2', dir, host, 'nginx-h2.conf', values, 'https'));
      if (target === 'haproxy')
        servers.set(target, await startHaproxyH2('haproxy-h2', dir, host, 'haproxy-h2.cfg', values, 'https'));
      if (target === 'caddy')
        servers.set(target, await startCaddyH2('Caddyfile-h2', dir, host, 'Caddyfile-h2', values, 'https'));
      if (target === 'sluice') servers.set(target, await startSluiceH2('sluice-h2', dir, host, manifests, 'https'));
    }
    return servers;
  }
  const backend = `${grpcBackend!.host}:${grpcBackend!.port}`;
  const manifests = join(dir, 'grpc-manifests');
  writeGrpcManifests(manifests, grpcBackend!);
  for (const target of wanted) {
    options.log(`grpc: starting ${target}`);
    const values = { BACKEND: backend };
    if (target === 'backend') servers.set(target, grpcBackend!);
    if (target === 'nginx')
      servers.set(target, await startNginxH2('nginx-grpc', dir, host, 'nginx-grpc.conf', values, 'http'));
    if (target === 'haproxy')
      servers.set(target, await startHaproxyH2('haproxy-grpc', dir, host, 'haproxy-grpc.cfg', values, 'http'));
    if (target === 'caddy')
      servers.set(target, await startCaddyH2('Caddyfile-grpc', dir, host, 'Caddyfile-grpc', values, 'http'));
    if (target === 'sluice') servers.set(target, await startSluiceH2('sluice-grpc', dir, host, manifests, 'http'));
  }
  return servers;
}

function writeGrpcManifests(manifests: string, backend: Server): void {
  mkdirSync(manifests, { recursive: true });
  writeFileSync(
    join(manifests, 'bench.yaml'),
    renderTemplate('sluice-grpc-manifests.yaml', { BACKEND_ADDRESS: backend.host, BACKEND_PORT: backend.port }),
  );
}

/** One request through each target before measuring: the answer must be right (startSluiceH2 checks sluice's Server header). */
async function sanityCheck(key: H2ScenarioKey, target: H2Target, server: Server): Promise<void> {
  const scheme = key === 'h2' ? 'https' : 'http';
  if (key === 'h2') {
    const reply = await h2Request(`${scheme}://${server.host}:${server.port}/`);
    if (reply.status !== 200 || reply.body.toString() !== 'hello from backend\n')
      throw new Error(`h2/${target}: GET / answered ${reply.status} ${JSON.stringify(reply.body.toString())}`);
  } else {
    const body = grpcMessage();
    const reply = await h2Request(`${scheme}://${server.host}:${server.port}${GRPC_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/grpc', te: 'trailers' },
      body,
    });
    if (reply.status !== 200 || String(reply.trailers['grpc-status']) !== '0' || !reply.body.equals(body))
      throw new Error(
        `grpc/${target}: answered ${reply.status}, grpc-status ${String(reply.trailers['grpc-status'] ?? reply.headers['grpc-status'])}, ${reply.body.length} bytes`,
      );
  }
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const fmt = (value: number, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');

function ratioText(a: Run[], b: Run[], pick: (run: Run) => number): string {
  const ratios = a
    .map((run) => {
      const other = b.find((candidate) => candidate.round === run.round);
      return other === undefined ? Number.NaN : pick(run) / pick(other);
    })
    .filter(Number.isFinite);
  if (ratios.length === 0) return 'n/a';
  const spread = ratios.length > 1 ? ` (${fmt(Math.min(...ratios), 2)}–${fmt(Math.max(...ratios), 2)})` : '';
  return `${fmt(median(ratios), 2)}${spread}`;
}

function table(key: H2ScenarioKey, command: string, runs: Map<H2Target, Run[]>, options: H2BenchOptions): string {
  const title =
    key === 'h2'
      ? `### HTTP/2 over TLS, GET / (19-byte body), ${CLIENTS} connection × ${STREAMS} streams`
      : `### gRPC unary call over h2c, ${CLIENTS} connection × ${STREAMS} streams`;
  const lines = [
    title,
    '',
    `\`${command}\` (${options.seconds} s after a ${options.warmup} s warm-up, × ${options.rounds} rounds, targets alternating)`,
    '',
    '| proxy | req/s (median) | req/s min–max | mean ms | max ms | CPU µs/req | errors | sluice/this req/s | sluice/this CPU/req |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  const sluice = runs.get('sluice') ?? [];
  for (const [target, list] of runs) {
    if (list.length === 0) continue;
    const results = list.map((run) => run.result);
    const vs = (pick: (run: Run) => number) =>
      target === 'sluice' || sluice.length === 0 ? '' : ratioText(sluice, list, pick);
    lines.push(
      `| ${LABEL[key][target]} | ${fmt(median(results.map((r) => r.requestsPerSec)))} | ${fmt(Math.min(...results.map((r) => r.requestsPerSec)))}–${fmt(Math.max(...results.map((r) => r.requestsPerSec)))} | ${fmt(median(results.map((r) => r.meanMs)), 2)} | ${fmt(median(results.map((r) => r.maxMs)), 1)} | ${fmt(median(list.map((run) => run.cpuUsPerRequest ?? Number.NaN)), 1)} | ${results.reduce((sum, r) => sum + r.errors, 0)} | ${vs((run) => run.result.requestsPerSec)} | ${vs((run) => run.cpuUsPerRequest ?? Number.NaN)} |`,
    );
  }
  const loads = [...runs.values()].flatMap((list) => list.map((run) => run.load));
  lines.push(
    '',
    `Host load average (1 min) after each run: ${fmt(Math.min(...loads), 1)}–${fmt(Math.max(...loads), 1)}.`,
  );
  return lines.join('\n');
}

function sane(name: string, result: H2loadResult): string | null {
  if (!(result.requests > 0) || !Number.isFinite(result.requestsPerSec)) return `${name}: h2load counted no requests`;
  if (result.errors > result.requests * 0.01)
    return `${name}: ${result.errors} errors in ${result.requests} requests (over 1%)`;
  return null;
}

/** Runs the selected h2/grpc scenarios; returns the report sections and adds what went wrong to `problems`. */
export async function runH2Scenarios(
  keys: readonly H2ScenarioKey[],
  options: H2BenchOptions,
  problems: string[],
): Promise<string[]> {
  const sections: string[] = [];
  for (const key of keys) {
    const grpcBackend = key === 'grpc' ? await startGrpcBackend(options.dir, options.backendHost) : null;
    const servers = await startTargets(key, options, grpcBackend);
    const bodyFile = join(options.dir, 'grpc-request.bin');
    if (key === 'grpc') writeFileSync(bodyFile, grpcMessage());
    const runOf = (server: Server, seconds: number) => ({
      url: `${key === 'h2' ? 'https' : 'http'}://${server.host}:${server.port}${key === 'h2' ? '/' : GRPC_PATH}`,
      clients: CLIENTS,
      streams: STREAMS,
      seconds,
      warmupSeconds: 0,
      ...(key === 'grpc' ? { headers: GRPC_HEADERS, dataFile: bodyFile } : {}),
    });
    const runs = new Map<H2Target, Run[]>();
    for (const [target, server] of servers) {
      await sanityCheck(key, target, server);
      runs.set(target, []);
    }
    for (let round = 1; round <= options.rounds; round++) {
      for (const [target, server] of servers) {
        if (options.warmup > 0) await runH2load(runOf(server, options.warmup));
        const before = cpuTimeMs(server.process.servingPid);
        const result = await runH2load(runOf(server, options.seconds));
        const after = cpuTimeMs(server.process.servingPid);
        const cpuUsPerRequest =
          before === null || after === null || !(result.requests > 0)
            ? null
            : ((after - before) * 1000) / result.requests;
        runs.get(target)!.push({ round, result, cpuUsPerRequest, load: loadAverage() });
        const issue = sane(`${key}/${target} round ${round}`, result);
        if (issue !== null)
          problems.push(`${issue}; h2load said: ${result.output.trim().split('\n').slice(-12).join(' | ')}`);
        options.log(
          `${key} round ${round}/${options.rounds} ${target.padEnd(8)} ${fmt(result.requestsPerSec).padStart(7)} req/s  mean ${fmt(result.meanMs, 2)} ms  max ${fmt(result.maxMs, 1)} ms  CPU ${fmt(cpuUsPerRequest ?? Number.NaN, 1)} µs/req  errors ${result.errors}  load ${loadAverage()}`,
        );
      }
    }
    const shown = runOf({ name: '', host: 'HOST', port: 0, process: null as never }, options.seconds);
    const command = ['h2load', ...h2loadArgs(shown).map((arg) => (arg.includes(' ') ? `'${arg}'` : arg))]
      .join(' ')
      .replace('HOST:0', 'HOST:PORT')
      .replace(bodyFile, 'grpc-request.bin');
    sections.push(table(key, command, runs, options));
    for (const [target, server] of servers) if (target !== 'backend') await stopProcess(server.process, 10_000);
    if (grpcBackend !== null) await stopProcess(grpcBackend.process, 10_000);
  }
  return sections;
}
