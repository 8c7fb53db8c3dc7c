// Summarises a V8 .cpuprofile (from `node --cpu-prof`): where the self time goes, by function, by file and by
// area (node internals, undici, sluice's own code, GC …). `node bench/profile-summary.ts FILE.cpuprofile [--top N]`.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number; scriptId?: string };
  hitCount?: number;
  children?: number[];
}

export interface CpuProfile {
  nodes: CpuProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface Row {
  readonly name: string;
  readonly selfMs: number;
  /** Share of the busy time (everything but idle). */
  readonly percent: number;
}

export interface ProfileSummary {
  readonly wallMs: number;
  readonly idleMs: number;
  readonly busyMs: number;
  readonly functions: Row[];
  readonly files: Row[];
  readonly areas: Row[];
}

const REPO_MARK = '/src/';

/** Where a URL lives, short: `src/proxy/forward.ts`, `undici/lib/dispatcher/client-h1.js`, `node:_http_server`. */
export function shortFile(url: string): string {
  if (url === '') return '(native)';
  const path = url.startsWith('file://') ? url.slice('file://'.length) : url;
  const modules = path.lastIndexOf('/node_modules/');
  if (modules >= 0) return path.slice(modules + '/node_modules/'.length);
  const src = path.lastIndexOf(REPO_MARK);
  if (src >= 0) return path.slice(src + 1);
  return path;
}

/** A coarse area: GC, idle, program (V8/native not attributed), node internals by module group, a package, sluice's src dir. */
export function areaOf(functionName: string, url: string): string {
  if (url === '') {
    if (functionName === '(garbage collector)') return 'GC';
    if (functionName === '(idle)') return 'idle';
    if (functionName === '(program)') return '(program): V8 and native, unattributed';
    if (functionName === '(root)') return '(root)';
    return 'native builtins';
  }
  const file = shortFile(url);
  if (file.startsWith('node:')) {
    const name = file.slice('node:'.length);
    if (name.startsWith('_http') || name === 'http' || name.startsWith('internal/http')) return 'node: http';
    if (name === 'net' || name.startsWith('internal/stream_base') || name.startsWith('internal/net'))
      return 'node: net/sockets';
    if (name.startsWith('internal/streams') || name === 'stream') return 'node: streams';
    if (name.startsWith('internal/process') || name.startsWith('internal/timers') || name === 'timers')
      return 'node: timers/ticks';
    if (name === 'events' || name.startsWith('internal/events')) return 'node: events';
    return 'node: other';
  }
  if (file.startsWith('src/')) {
    const slash = file.indexOf('/', 4);
    return `sluice ${slash < 0 ? file : file.slice(0, slash + 1)}`;
  }
  const name = file.startsWith('@') ? file.split('/').slice(0, 2).join('/') : file.split('/')[0];
  return `package ${name}`;
}

function isIdle(name: string): boolean {
  return name === '(idle)' || name === 'idle';
}

function add(map: Map<string, number>, key: string, ms: number): void {
  map.set(key, (map.get(key) ?? 0) + ms);
}

function rows(map: Map<string, number>, busyMs: number, top: number, skip: (name: string) => boolean): Row[] {
  return [...map]
    .filter(([name]) => !skip(name))
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, top)
    .map(([name, selfMs]) => ({ name, selfMs, percent: busyMs > 0 ? (100 * selfMs) / busyMs : 0 }));
}

export interface SummaryOptions {
  readonly top?: number;
  /**
   * Only samples taken in [fromUs, toUs] count, on the profile's clock (CLOCK_MONOTONIC in µs, the clock of
   * `process.hrtime`), e.g. the measured part of a load run without start-up and warm-up.
   */
  readonly fromUs?: number;
  readonly toUs?: number;
}

export function summarizeProfile(profile: CpuProfile, options: SummaryOptions = {}): ProfileSummary {
  const top = options.top ?? 25;
  const fromUs = options.fromUs ?? Number.NEGATIVE_INFINITY;
  const toUs = options.toUs ?? Number.POSITIVE_INFINITY;
  const byId = new Map<number, CpuProfileNode>();
  for (const node of profile.nodes) byId.set(node.id, node);
  const selfUs = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  let firstUs = Number.POSITIVE_INFINITY;
  let lastUs = Number.NEGATIVE_INFINITY;
  if (samples.length > 0) {
    let at = profile.startTime;
    for (let i = 0; i < samples.length; i++) {
      const delta = Math.max(0, deltas[i] ?? 0);
      at += delta;
      if (at < fromUs || at > toUs) continue;
      firstUs = Math.min(firstUs, at - delta);
      lastUs = Math.max(lastUs, at);
      selfUs.set(samples[i], (selfUs.get(samples[i]) ?? 0) + delta);
    }
  } else {
    firstUs = profile.startTime;
    lastUs = profile.endTime;
    // Old format: hit counts only; spread the wall time evenly over the hits.
    const hits = profile.nodes.reduce((sum, node) => sum + (node.hitCount ?? 0), 0);
    const each = hits > 0 ? (profile.endTime - profile.startTime) / hits : 0;
    for (const node of profile.nodes) selfUs.set(node.id, (node.hitCount ?? 0) * each);
  }
  const functions = new Map<string, number>();
  const files = new Map<string, number>();
  const areas = new Map<string, number>();
  let idleMs = 0;
  let totalMs = 0;
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (node === undefined) continue;
    const ms = us / 1000;
    const { functionName, url, lineNumber } = node.callFrame;
    const area = areaOf(functionName, url);
    totalMs += ms;
    if (area === 'idle') idleMs += ms;
    const label =
      url === ''
        ? functionName || '(anonymous)'
        : `${functionName || '(anonymous)'} ${shortFile(url)}:${lineNumber + 1}`;
    add(functions, label, ms);
    add(files, url === '' ? (functionName.startsWith('(') ? functionName : '(native builtins)') : shortFile(url), ms);
    add(areas, area, ms);
  }
  const busyMs = totalMs - idleMs;
  return {
    wallMs: lastUs > firstUs ? (lastUs - firstUs) / 1000 : 0,
    idleMs,
    busyMs,
    functions: rows(functions, busyMs, top, isIdle),
    files: rows(files, busyMs, top, isIdle),
    areas: rows(areas, busyMs, top, isIdle),
  };
}

function table(title: string, list: Row[]): string {
  const lines = [`| ${title} | self ms | % of busy |`, '|---|---:|---:|'];
  for (const row of list)
    lines.push(`| ${row.name.replaceAll('|', '\\|')} | ${row.selfMs.toFixed(0)} | ${row.percent.toFixed(1)} |`);
  return lines.join('\n');
}

/** The summary as Markdown: headline, areas, files, functions. */
export function formatSummary(summary: ProfileSummary): string {
  const busyShare = summary.wallMs > 0 ? (100 * summary.busyMs) / summary.wallMs : 0;
  return [
    `profile: ${(summary.wallMs / 1000).toFixed(1)} s wall, ${(summary.busyMs / 1000).toFixed(1)} s busy (${busyShare.toFixed(0)}%), ${(summary.idleMs / 1000).toFixed(1)} s idle`,
    '',
    table('area (self time)', summary.areas),
    '',
    table('file (self time)', summary.files),
    '',
    table('function (self time)', summary.functions),
  ].join('\n');
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const topAt = args.indexOf('--top');
  const top = topAt >= 0 ? Number(args[topAt + 1]) : 25;
  const files = args.filter((arg, i) => !arg.startsWith('--') && (topAt < 0 || i !== topAt + 1));
  if (files.length === 0) {
    process.stderr.write('usage: node bench/profile-summary.ts FILE.cpuprofile [--top N]\n');
    process.exitCode = 2;
  }
  for (const file of files) {
    const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
    process.stdout.write(`## ${file}\n\n${formatSummary(summarizeProfile(profile, { top }))}\n`);
  }
}
