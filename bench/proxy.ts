// The proxy benchmark (issues 4 and 10, docs/performance.md): sluice against nginx, HAProxy and Caddy, one worker
// each, on the same nginx backend, measured by wrk (one thread, keep-alive) in alternating rounds; sluice with its
// lean HTTP/1 upstream client and with undici, access log off and on (nginx then logging too, buffered to a file).
// A script, never a test: `npm run bench`. Prints a plain table (medians of the rounds) and writes it to
// bench/out/proxy-<date>.md, then profiles sluice.
//
// Env: BENCH_SECONDS (10), BENCH_WARMUP (3), BENCH_ROUNDS (2), BENCH_ONLY=sluice,nginx (targets; backend, nginx,
// nginx-log, haproxy, caddy, sluice, sluice-log, sluice-undici, sluice-undici-log; sluice = the lean client),
// BENCH_SCENARIOS=small,large,c1000,large-c1000,h2,grpc (h2, grpc: h2load, bench/h2-scenarios.ts), BENCH_PROFILE=0 to
// skip the profile.
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureInstalled } from './peers/install.ts';
import { get, pickLoopbackAddress } from './peers/net.ts';
import { cpuTimeMs, killAllNow, loadAverage, resetPeakRss, statusKiB, stopAll, stopProcess } from './peers/process.ts';
import {
  LARGE_BODY_BYTES,
  REPO_ROOT,
  SMALL_BODY,
  startBackend,
  startCaddy,
  startHaproxy,
  startNginx,
  startSluice,
  sluiceHasClientChoice,
  writeSluiceManifests,
  type Server,
  type UpstreamClientName,
} from './peers/servers.ts';
import { runWrk, type WrkResult } from './peers/wrk.ts';
import { formatSummary, summarizeProfile, type CpuProfile } from './profile-summary.ts';
import { H2_SCENARIO_KEYS, type H2ScenarioKey, runH2Scenarios } from './h2-scenarios.ts';

const TARGETS = [
  'backend',
  'nginx',
  'nginx-log',
  'haproxy',
  'caddy',
  'sluice',
  'sluice-log',
  'sluice-undici',
  'sluice-undici-log',
] as const;
type TargetName = (typeof TARGETS)[number];
const LABEL: Record<TargetName, string> = {
  backend: 'backend direct (ceiling)',
  nginx: 'nginx, 1 worker, access log off',
  'nginx-log': 'nginx, 1 worker, access log on (buffered, file)',
  haproxy: 'HAProxy, 1 thread',
  caddy: 'Caddy, GOMAXPROCS=1',
  sluice: 'sluice, 1 worker, lean client, access log off',
  'sluice-log': 'sluice, 1 worker, lean client, access log on',
  'sluice-undici': 'sluice, 1 worker, undici client, access log off',
  'sluice-undici-log': 'sluice, 1 worker, undici client, access log on',
};
/** The sluice variants: access log, upstream client. */
const SLUICE_VARIANTS: Partial<Record<TargetName, { accessLog: boolean; client: UpstreamClientName }>> = {
  sluice: { accessLog: false, client: 'lean' },
  'sluice-log': { accessLog: true, client: 'lean' },
  'sluice-undici': { accessLog: false, client: 'undici' },
  'sluice-undici-log': { accessLog: true, client: 'undici' },
};
/** Everything but the two peers kept to the small-body scenario at 50 connections. */
const MAIN_TARGETS = TARGETS.filter((target) => target !== 'haproxy' && target !== 'caddy');

interface Scenario {
  readonly key: 'small' | 'large' | 'c1000' | 'large-c1000';
  readonly title: string;
  readonly path: string;
  readonly bodyBytes: number;
  readonly connections: number;
  readonly targets: readonly TargetName[];
}

const HIGH_CONNECTIONS = 1000;
const SCENARIOS: Scenario[] = [
  {
    key: 'small',
    title: '19-byte body, 50 connections',
    path: '/',
    bodyBytes: SMALL_BODY.length,
    connections: 50,
    targets: TARGETS,
  },
  {
    key: 'large',
    title: '64 KiB body, 50 connections',
    path: '/64k',
    bodyBytes: LARGE_BODY_BYTES,
    connections: 50,
    targets: [...MAIN_TARGETS, 'haproxy', 'caddy'],
  },
  {
    key: 'c1000',
    title: `19-byte body, ${HIGH_CONNECTIONS} connections`,
    path: '/',
    bodyBytes: SMALL_BODY.length,
    connections: HIGH_CONNECTIONS,
    targets: [...MAIN_TARGETS, 'haproxy', 'caddy'],
  },
  {
    key: 'large-c1000',
    title: `64 KiB body, ${HIGH_CONNECTIONS} connections`,
    path: '/64k',
    bodyBytes: LARGE_BODY_BYTES,
    connections: HIGH_CONNECTIONS,
    targets: MAIN_TARGETS,
  },
];

function envNumber(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max)
    throw new Error(`${name}=${raw}: want a number from ${min} to ${max}`);
  return value;
}

function envList<T extends string>(name: string, allowed: readonly T[]): T[] {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return [...allowed];
  const list = raw
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
  const bad = list.filter((item) => !(allowed as readonly string[]).includes(item));
  if (bad.length > 0) throw new Error(`${name}: unknown ${bad.join(', ')} (known: ${allowed.join(', ')})`);
  return list as T[];
}

const SECONDS = envNumber('BENCH_SECONDS', 10, 1, 600);
const WARMUP = envNumber('BENCH_WARMUP', 3, 0, 60);
const ROUNDS = envNumber('BENCH_ROUNDS', 2, 1, 20);
const ONLY = envList('BENCH_ONLY', TARGETS);
const SCENARIO_KEYS = envList('BENCH_SCENARIOS', [
  'small',
  'large',
  'c1000',
  'large-c1000',
  ...H2_SCENARIO_KEYS,
] as const);
const H2_KEYS = SCENARIO_KEYS.filter((key): key is H2ScenarioKey =>
  (H2_SCENARIO_KEYS as readonly string[]).includes(key),
);
const PROFILE = process.env.BENCH_PROFILE !== '0';

const log = (line: string) => process.stderr.write(`${line}\n`);

function openFileLimit(): number {
  const limits = readFileSync('/proc/self/limits', 'utf8');
  const match = /^Max open files\s+(\S+)/m.exec(limits);
  return match === null || match[1] === 'unlimited' ? Number.POSITIVE_INFINITY : Number(match[1]);
}

function versionOf(command: string, args: string[]): string {
  // nginx -v answers on stderr, wrk --version exits 1: take the first non-empty line of either stream.
  const run = spawnSync(command, args, {
    encoding: 'utf8',
    env: { ...process.env, PATH: `${process.env.PATH}:/usr/sbin` },
    timeout: 10_000,
  });
  const line = `${run.stdout ?? ''}\n${run.stderr ?? ''}`.split('\n').find((text) => text.trim() !== '');
  return line === undefined ? `${command}: unknown version` : line.trim();
}

interface Measurement {
  readonly round: number;
  readonly result: WrkResult;
  /** CPU time of the serving process per request in the measured run, µs (null when unreadable). */
  readonly cpuUsPerRequest: number | null;
  /** Host 1-minute load average after the run: above the CPU count, other work shared the machine. */
  readonly load: number;
}

interface Cell {
  readonly runs: Measurement[];
  peakRssKiB: number | null;
}

/** Medians of the alternating rounds (issue 10): one disturbed round does not move the figure. */
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const fmt = (value: number, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');
const fmtMs = (value: number) => (Number.isFinite(value) ? (value < 10 ? value.toFixed(2) : value.toFixed(1)) : 'n/a');

function cellFigures(cell: Cell) {
  const results = cell.runs.map((run) => run.result);
  return {
    rps: median(results.map((r) => r.requestsPerSec)),
    rpsMin: Math.min(...results.map((r) => r.requestsPerSec)),
    rpsMax: Math.max(...results.map((r) => r.requestsPerSec)),
    p50: median(results.map((r) => r.p50)),
    p99: median(results.map((r) => r.p99)),
    errors: results.reduce((sum, r) => sum + r.socketErrors + r.non2xx, 0),
    requests: results.reduce((sum, r) => sum + r.requests, 0),
    cpuUs: median(cell.runs.map((run) => run.cpuUsPerRequest ?? Number.NaN)),
  };
}

/** Per-round ratios (same round, same conditions), as "median (min–max)". */
function roundRatios(a: Cell, b: Cell, pick: (r: Measurement) => number): { median: number; text: string } {
  const ratios: number[] = [];
  for (const run of a.runs) {
    const other = b.runs.find((candidate) => candidate.round === run.round);
    if (other !== undefined) ratios.push(pick(run) / pick(other));
  }
  if (ratios.some((ratio) => !Number.isFinite(ratio))) return { median: Number.NaN, text: 'n/a' };
  if (ratios.length === 0) return { median: Number.NaN, text: 'n/a' };
  const m = median(ratios);
  const spread = ratios.length > 1 ? ` (${fmt(Math.min(...ratios), 2)}–${fmt(Math.max(...ratios), 2)})` : '';
  return { median: m, text: `${fmt(m, 2)}${spread}` };
}

function scenarioTable(scenario: Scenario, cells: Map<TargetName, Cell>): string {
  const sluice = cells.get('sluice');
  const lines = [
    `### ${scenario.title} (wrk -t1 -c${scenario.connections}, ${SECONDS} s × ${ROUNDS} rounds, path ${scenario.path})`,
    '',
    '| proxy | req/s (median) | req/s min–max | p50 ms | p99 ms | CPU µs/req | peak RSS MiB | errors | sluice/this req/s | sluice/this p99 | sluice/this CPU/req |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const target of scenario.targets) {
    const cell = cells.get(target);
    if (cell === undefined || cell.runs.length === 0) continue;
    const f = cellFigures(cell);
    const vs = (pick: (r: Measurement) => number) =>
      sluice === undefined || sluice.runs.length === 0 || target === 'sluice'
        ? ''
        : roundRatios(sluice, cell, pick).text;
    const rss = cell.peakRssKiB === null ? 'n/a' : fmt(cell.peakRssKiB / 1024, 1);
    lines.push(
      `| ${LABEL[target]} | ${fmt(f.rps)} | ${fmt(f.rpsMin)}–${fmt(f.rpsMax)} | ${fmtMs(f.p50)} | ${fmtMs(f.p99)} | ${fmt(f.cpuUs, 1)} | ${rss} | ${f.errors} | ${vs((r) => r.result.requestsPerSec)} | ${vs((r) => r.result.p99)} | ${vs((r) => r.cpuUsPerRequest ?? Number.NaN)} |`,
    );
  }
  const loads = [...cells.values()].flatMap((cell) => cell.runs.map((run) => run.load));
  lines.push(
    '',
    `Host load average (1 min) after each run: ${fmt(Math.min(...loads), 1)}–${fmt(Math.max(...loads), 1)} on ${cpuCount} CPUs; the benchmark itself keeps about 3 busy (wrk, proxy, backend)${Math.max(...loads) > 4 ? ': other work shared the machine, so trust the ratios and CPU µs/req over the absolute req/s' : ''}.`,
  );
  return lines.join('\n');
}

interface Verdict {
  readonly what: string;
  readonly value: string;
  readonly ok: boolean | null;
}

const rps = (r: Measurement) => r.result.requestsPerSec;
const p99 = (r: Measurement) => r.result.p99;
const cpu = (r: Measurement) => r.cpuUsPerRequest ?? Number.NaN;

/** The issue 10 targets, from the small-body scenario at 50 connections and the 1,000-connection ones. */
function verdicts(results: Map<Scenario['key'], Map<TargetName, Cell>>): Verdict[] {
  const cells = results.get('small');
  const out: Verdict[] = [];
  const have = (cell: Cell | undefined): cell is Cell => cell !== undefined && cell.runs.length > 0;
  const compare = (
    a: TargetName,
    b: TargetName,
    what: string,
    pick: (r: Measurement) => number,
    ok: (x: number) => boolean | null,
  ) => {
    const left = cells?.get(a);
    const right = cells?.get(b);
    if (!have(left) || !have(right)) return;
    const ratio = roundRatios(left, right, pick);
    out.push({ what, value: `${ratio.text}×`, ok: Number.isFinite(ratio.median) ? ok(ratio.median) : false });
  };
  compare(
    'sluice',
    'nginx',
    'sluice req/s ≥ 0.5× nginx, access logs off (50 connections, small body)',
    rps,
    (x) => x >= 0.5,
  );
  compare('sluice-log', 'nginx-log', 'sluice req/s ≥ 0.45× nginx, both logging', rps, (x) => x >= 0.45);
  compare('sluice', 'nginx', "sluice p99 ≤ 2.5× nginx's", p99, (x) => x <= 2.5);
  compare('sluice', 'caddy', 'sluice req/s ≥ 2× Caddy', rps, (x) => x >= 2);
  compare('sluice', 'sluice-undici', 'lean client relative to undici, req/s (information)', rps, () => null);
  compare('sluice', 'sluice-undici', 'lean client relative to undici, CPU per request (information)', cpu, () => null);
  compare(
    'sluice',
    'nginx',
    'sluice CPU per request relative to nginx (information; 2× ≈ 0.5× req/s on a free core)',
    cpu,
    () => null,
  );
  compare('sluice-log', 'sluice', 'sluice with access log on, relative to off (information)', rps, () => null);
  for (const key of ['c1000', 'large-c1000'] as const) {
    for (const [target, cell] of results.get(key) ?? []) {
      if (!target.startsWith('sluice') || !have(cell)) continue;
      const errors = cellFigures(cell).errors;
      out.push({
        what: `${target}: ${HIGH_CONNECTIONS} connections without errors (${key})`,
        value: String(errors),
        ok: errors === 0,
      });
    }
  }
  return out;
}

async function sanityCheck(name: TargetName, server: Server, path: string, bodyBytes: number): Promise<void> {
  const reply = await get(server.host, server.port, path, 5000);
  if (reply.status !== 200 || reply.body.length !== bodyBytes) {
    throw new Error(
      `${name}: GET ${path} answered ${reply.status} with ${reply.body.length} bytes, want 200 and ${bodyBytes}`,
    );
  }
  if (path === '/' && reply.body.toString() !== SMALL_BODY)
    throw new Error(`${name}: GET / body ${JSON.stringify(reply.body.toString())}`);
  if (name.startsWith('sluice') && !String(reply.headers.server ?? '').includes('sluice')) {
    throw new Error(`${name}: the answer did not come through sluice (Server: ${String(reply.headers.server)})`);
  }
}

function sane(name: string, result: WrkResult): string | null {
  if (!(result.requests > 0) || !Number.isFinite(result.requestsPerSec)) return `${name}: wrk counted no requests`;
  if (!Number.isFinite(result.p50) || !Number.isFinite(result.p99) || result.p99 < result.p50)
    return `${name}: wrk latency figures unreadable`;
  const errors = result.socketErrors + result.non2xx;
  if (errors > result.requests * 0.01) return `${name}: ${errors} errors in ${result.requests} requests (over 1%)`;
  return null;
}

async function profileSluice(dir: string, host: string, manifests: string, problems: string[]): Promise<string> {
  const profileDir = join(dir, 'cpu-profile');
  mkdirSync(profileDir, { recursive: true });
  log(`profile: sluice under wrk -t1 -c50 for ${WARMUP + SECONDS} s with --cpu-prof`);
  const server = await startSluice(dir, host, manifests, {
    name: 'sluice-profiled',
    accessLog: false,
    client: 'lean',
    cpuProfileDir: profileDir,
  });
  const url = `http://${server.host}:${server.port}/`;
  if (WARMUP > 0) await runWrk({ url, connections: 50, seconds: WARMUP });
  // The profile's clock is CLOCK_MONOTONIC in µs, as process.hrtime: keep only the measured run.
  const fromUs = Number(process.hrtime.bigint() / 1000n);
  const result = await runWrk({ url, connections: 50, seconds: SECONDS });
  const toUs = Number(process.hrtime.bigint() / 1000n);
  const issue = sane('sluice-profiled', result);
  if (issue !== null) problems.push(issue);
  await stopProcess(server.process, 15_000);
  const files = readdirSync(profileDir).filter((file) => file.endsWith('.cpuprofile'));
  if (files.length === 0) {
    problems.push('profile: sluice wrote no .cpuprofile (did it exit cleanly on SIGTERM?)');
    return '';
  }
  const source = join(profileDir, files[0]);
  const outDir = join(REPO_ROOT, 'bench', 'out');
  const kept = join(outDir, `sluice-${stamp}.cpuprofile`);
  writeFileSync(kept, readFileSync(source));
  const summary = summarizeProfile(JSON.parse(readFileSync(source, 'utf8')) as CpuProfile, { top: 25, fromUs, toUs });
  return [
    `## Where sluice's time goes (node --cpu-prof, wrk -t1 -c50, ${fmt(result.requestsPerSec)} req/s while profiled)`,
    '',
    `Profile kept at bench/out/sluice-${stamp}.cpuprofile (open in Chrome DevTools or \`node bench/profile-summary.ts FILE\`).`,
    `Only the ${SECONDS} s measured run counts (start-up and warm-up left out); percentages are of busy (non-idle) time.`,
    '',
    formatSummary(summary),
  ].join('\n');
}

const cpuCount = availableParallelism();
const stamp = new Date().toISOString().slice(0, 19).replaceAll(':', '');

async function main(): Promise<void> {
  const started = Date.now();
  const installed = ensureInstalled(log);
  if (installed.length > 0) log(`installed: ${installed.join(', ')}`);

  const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-'));
  chmodSync(dir, 0o755);
  const host = pickLoopbackAddress();
  const backendHost = pickLoopbackAddress();
  log(`bench dir ${dir}; proxies on ${host}, backend on ${backendHost}`);
  const limit = openFileLimit();
  const scenarios = SCENARIOS.filter((s) => (SCENARIO_KEYS as readonly string[]).includes(s.key)).filter((s) => {
    if (s.connections * 2 + 256 <= limit) return true;
    log(`skipping "${s.title}": open-file limit ${limit} is below ${s.connections * 2 + 256} (raise ulimit -n)`);
    return false;
  });

  const backend = await startBackend(dir, backendHost);
  const servers = new Map<TargetName, Server>([['backend', backend]]);
  const manifests = writeSluiceManifests(dir, backend);
  for (const target of scenarios.length === 0 ? [] : ONLY) {
    if (target === 'backend') continue;
    log(`starting ${target}`);
    const variant = SLUICE_VARIANTS[target];
    const server =
      target === 'nginx' || target === 'nginx-log'
        ? await startNginx(dir, host, backend, target === 'nginx-log')
        : target === 'haproxy'
          ? await startHaproxy(dir, host, backend)
          : target === 'caddy'
            ? await startCaddy(dir, host, backend)
            : await startSluice(dir, host, manifests, { name: target, ...variant! });
    servers.set(target, server);
  }

  const problems: string[] = [];
  if (ONLY.some((target) => target.startsWith('sluice-undici')) && !sluiceHasClientChoice()) {
    problems.push('this sluice has no --upstream-client: the lean and undici variants ran the same (default) client');
  }
  const results = new Map<Scenario['key'], Map<TargetName, Cell>>();
  for (const scenario of scenarios) {
    const targets = scenario.targets.filter((t) => ONLY.includes(t));
    const cells = new Map<TargetName, Cell>();
    results.set(scenario.key, cells);
    for (const target of targets) {
      await sanityCheck(target, servers.get(target)!, scenario.path, scenario.bodyBytes);
      const pid = servers.get(target)!.process.servingPid;
      if (!resetPeakRss(pid))
        problems.push(`${target}: could not reset peak RSS (clear_refs); its figure is the lifetime peak`);
      cells.set(target, { runs: [], peakRssKiB: null });
    }
    for (let round = 1; round <= ROUNDS; round++) {
      for (const target of targets) {
        const server = servers.get(target)!;
        const url = `http://${server.host}:${server.port}${scenario.path}`;
        if (WARMUP > 0) await runWrk({ url, connections: scenario.connections, seconds: WARMUP });
        const cpuBefore = cpuTimeMs(server.process.servingPid);
        const result = await runWrk({ url, connections: scenario.connections, seconds: SECONDS });
        const cpuAfter = cpuTimeMs(server.process.servingPid);
        const cpuUsPerRequest =
          cpuBefore === null || cpuAfter === null || !(result.requests > 0)
            ? null
            : ((cpuAfter - cpuBefore) * 1000) / result.requests;
        const cell = cells.get(target)!;
        cell.runs.push({ round, result, cpuUsPerRequest, load: loadAverage() });
        const hwm = statusKiB(server.process.servingPid, 'VmHWM');
        if (hwm !== null) cell.peakRssKiB = Math.max(cell.peakRssKiB ?? 0, hwm);
        const issue = sane(`${scenario.key}/${target} round ${round}`, result);
        if (issue !== null) problems.push(issue);
        log(
          `${scenario.key} round ${round}/${ROUNDS} ${target.padEnd(10)} ${fmt(result.requestsPerSec).padStart(7)} req/s  p50 ${fmtMs(result.p50)} ms  p99 ${fmtMs(result.p99)} ms  CPU ${fmt(cpuUsPerRequest ?? Number.NaN, 1)} µs/req  errors ${result.socketErrors + result.non2xx}  load ${loadAverage()}`,
        );
      }
    }
  }

  const h2Sections =
    H2_KEYS.length === 0
      ? []
      : await runH2Scenarios(
          H2_KEYS,
          { dir, host, backendHost, backend, seconds: SECONDS, warmup: WARMUP, rounds: ROUNDS, only: ONLY, log },
          problems,
        );

  let profileText = '';
  if (PROFILE && ONLY.includes('sluice') && scenarios.length > 0) {
    mkdirSync(join(REPO_ROOT, 'bench', 'out'), { recursive: true });
    profileText = await profileSluice(dir, host, manifests, problems);
  }
  await stopAll();

  const versions = [
    `node ${process.version}`,
    versionOf('nginx', ['-v']),
    versionOf('haproxy', ['-v']),
    `caddy ${versionOf('caddy', ['version'])}`,
    versionOf('wrk', ['--version']),
    versionOf('h2load', ['--version']),
  ];
  const report: string[] = [
    `# Proxy benchmark, ${new Date().toISOString()}`,
    '',
    `\`npm run bench\` (BENCH_SECONDS=${SECONDS}, BENCH_WARMUP=${WARMUP}, BENCH_ROUNDS=${ROUNDS}${process.env.BENCH_ONLY ? `, BENCH_ONLY=${process.env.BENCH_ONLY}` : ''}${process.env.BENCH_SCENARIOS ? `, BENCH_SCENARIOS=${process.env.BENCH_SCENARIOS}` : ''}); ${cpuCount} CPUs; ${versions.join('; ')}.`,
    'One worker per proxy, the same nginx backend (1 worker), wrk -t1 keep-alive, targets alternating in each round after a warm-up;',
    'req/s, p50/p99 and CPU µs/req are medians over rounds; ratios are per round (sluice ÷ peer, same round), median (min–max). Peak RSS: VmHWM of the serving process in that scenario.',
    'sluice = the lean HTTP/1 upstream client (--upstream-client lean), sluice-undici = undici; "-log" = access log on (sluice: JSON lines to stdout, into a file; nginx: ingress-nginx\'s upstreaminfo format, 64 KiB buffer, to a file).',
    '',
  ];
  for (const scenario of scenarios) {
    const cells = results.get(scenario.key);
    if (cells !== undefined && cells.size > 0) report.push(scenarioTable(scenario, cells), '');
  }
  for (const section of h2Sections) report.push(section, '');
  const checks = verdicts(results);
  if (checks.length > 0) {
    report.push('### Targets (docs/performance.md, issue 10)', '', '| target | measured | |', '|---|---:|---|');
    for (const check of checks)
      report.push(`| ${check.what} | ${check.value} | ${check.ok === null ? '' : check.ok ? 'met' : 'MISSED'} |`);
    report.push('');
  }
  if (problems.length > 0) report.push('### Problems', '', ...problems.map((p) => `- ${p}`), '');
  if (profileText !== '') report.push(profileText, '');
  report.push(`Total time ${fmt((Date.now() - started) / 1000)} s.`);
  const text = report.join('\n');
  const outDir = join(REPO_ROOT, 'bench', 'out');
  mkdirSync(outDir, { recursive: true });
  const outFile = join(outDir, `proxy-${stamp}.md`);
  writeFileSync(outFile, `${text}\n`);
  process.stdout.write(`${text}\n\nwritten to ${outFile}\n`);
  if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
  if (problems.some((p) => p.includes('wrk counted no requests') || p.includes('unreadable'))) process.exitCode = 1;
}

process.on('exit', killAllNow);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    killAllNow();
    process.exit(130);
  });
}

try {
  await main();
} catch (error) {
  log(`bench failed: ${(error as Error).stack ?? String(error)}`);
  killAllNow();
  process.exitCode = 1;
}
