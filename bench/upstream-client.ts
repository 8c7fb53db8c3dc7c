// Micro-benchmark of the upstream HTTP/1 clients alone (issue 10): the lean client (src/proxy/upstream-http1/; "lean"
// with llhttp reading the sockets, "lean-data" fed by 'data' events) against undici's Pool, all driven through the
// same dispatch handler by C concurrent request loops, towards one keep-alive upstream on loopback (a node:http server in a child process, or BENCH_UPSTREAM=host:port, e.g. an nginx). Rounds
// alternate the clients; the table shows medians. A script, never a test: `node bench/upstream-client.ts`.
//
// Env: BENCH_SECONDS (5), BENCH_ROUNDS (3), BENCH_CONCURRENCY (50), BENCH_UPSTREAM (host:port; unset: start node:http),
// BENCH_PATHS (/,/64k: the node upstream answers 19 bytes on every path and 64 KiB on /64k).
import { spawn, type ChildProcess } from 'node:child_process';
import type { IncomingHttpHeaders } from 'node:http';
import { Pool, type Dispatcher } from 'undici';
import { LeanPool } from '../src/proxy/upstream-http1/pool.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 50);
const PATHS = (process.env.BENCH_PATHS ?? '/,/64k').split(',').filter((path) => path !== '');

const UPSTREAM_SCRIPT = `
import { createServer } from 'node:http';
const small = Buffer.from('hello from backend\\n');
const large = Buffer.alloc(64 * 1024, 'x');
const server = createServer((req, res) => {
  const body = req.url === '/64k' ? large : small;
  res.writeHead(200, { 'content-type': 'text/plain', 'content-length': body.length });
  res.end(body);
});
server.keepAliveTimeout = 300_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(String(server.address().port) + '\\n'));
`;

interface Figures {
  readonly rps: number;
  readonly cpuUs: number;
  readonly errors: number;
}

interface Dispatches {
  dispatch(options: object, handler: object): boolean;
  close(): Promise<void>;
}

/** One request loop: sends the next request when the last one ends (the same handler object every time). */
class Loop {
  readonly run: Run;
  constructor(run: Run) {
    this.run = run;
  }
  onRequestStart(): void {}
  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, _headers: IncomingHttpHeaders): void {
    if (statusCode !== 200) this.run.errors++;
  }
  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.run.bytes += chunk.length;
  }
  onResponseEnd(): void {
    this.run.done++;
    this.run.next(this);
  }
  onResponseError(_controller: unknown, error: Error): void {
    this.run.errors++;
    if (this.run.errors < 5) process.stderr.write(`request failed: ${error.message}\n`);
    this.run.next(this);
  }
}

class Run {
  readonly pool: Dispatches;
  readonly options: object;
  done = 0;
  errors = 0;
  bytes = 0;
  stopped = false;
  live = 0;
  finished: () => void = () => {};

  constructor(pool: Dispatches, path: string, host: string) {
    this.pool = pool;
    this.options = { method: 'GET', path, headers: ['host', host, 'user-agent', 'bench'], body: null };
  }

  next(loop: Loop): void {
    if (this.stopped) {
      if (--this.live === 0) this.finished();
      return;
    }
    this.pool.dispatch(this.options, loop);
  }

  async measure(seconds: number): Promise<Figures> {
    const allDone = new Promise<void>((resolve) => {
      this.finished = resolve;
    });
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    this.live = CONCURRENCY;
    for (let i = 0; i < CONCURRENCY; i++) this.pool.dispatch(this.options, new Loop(this));
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    const doneAtStop = this.done;
    const elapsed = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    this.stopped = true;
    await allDone;
    return { rps: doneAtStop / elapsed, cpuUs: (cpu.user + cpu.system) / Math.max(1, doneAtStop), errors: this.errors };
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

async function startUpstream(): Promise<{ host: string; port: number; child: ChildProcess | null }> {
  const given = process.env.BENCH_UPSTREAM;
  if (given !== undefined && given !== '') {
    const [host, port] = given.split(':');
    return { host, port: Number(port), child: null };
  }
  const child = spawn(process.execPath, ['--input-type=module', '-e', UPSTREAM_SCRIPT], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
    child.once('exit', (code) => reject(new Error(`upstream exited ${code}`)));
  });
  return { host: '127.0.0.1', port, child };
}

/** lean: llhttp reads the sockets itself (the default); lean-data: fed by 'data' events. */
const CLIENTS = ['lean', 'lean-data', 'undici'] as const;
type ClientKind = (typeof CLIENTS)[number];

function makePool(kind: ClientKind, host: string, port: number): Dispatches {
  if (kind !== 'undici') {
    return new LeanPool(host, port, { connections: 256, keepAliveTimeout: 4_000, parserReadsSocket: kind === 'lean' });
  }
  return new Pool(`http://${host}:${port}`, { connections: 256, pipelining: 1, keepAliveTimeout: 4_000 });
}

async function main(): Promise<void> {
  const upstream = await startUpstream();
  const host = `${upstream.host}:${upstream.port}`;
  process.stderr.write(
    `upstream ${host}; ${CONCURRENCY} loops, ${SECONDS} s × ${ROUNDS} rounds per client and path; node ${process.version}\n`,
  );
  const lines = [
    `### Upstream clients alone (bench/upstream-client.ts): ${CONCURRENCY} concurrent loops, ${SECONDS} s × ${ROUNDS} alternating rounds, medians`,
    '',
    '| path | client | req/s | CPU µs/req | errors | ÷ undici req/s | ÷ undici CPU |',
    '|---|---|---:|---:|---:|---:|---:|',
  ];
  for (const path of PATHS) {
    const figures: Record<ClientKind, Figures[]> = { lean: [], 'lean-data': [], undici: [] };
    for (let round = 1; round <= ROUNDS; round++) {
      for (const kind of CLIENTS) {
        const pool = makePool(kind, upstream.host, upstream.port);
        await new Run(pool, path, host).measure(Math.min(1, SECONDS)); // warm-up: connections and JIT
        const result = await new Run(pool, path, host).measure(SECONDS);
        await pool.close();
        figures[kind].push(result);
        process.stderr.write(
          `${path} round ${round} ${kind.padEnd(9)} ${result.rps.toFixed(0).padStart(7)} req/s  ${result.cpuUs.toFixed(1)} µs/req  errors ${result.errors}\n`,
        );
      }
    }
    const summary = (kind: ClientKind) => ({
      rps: median(figures[kind].map((f) => f.rps)),
      cpu: median(figures[kind].map((f) => f.cpuUs)),
      errors: figures[kind].reduce((sum, f) => sum + f.errors, 0),
    });
    const undici = summary('undici');
    for (const kind of CLIENTS) {
      const f = summary(kind);
      const vs =
        kind === 'undici' ? '| | |' : `| ${(f.rps / undici.rps).toFixed(2)} | ${(f.cpu / undici.cpu).toFixed(2)} |`;
      lines.push(`| ${path} | ${kind} | ${f.rps.toFixed(0)} | ${f.cpu.toFixed(1)} | ${f.errors} ${vs}`);
    }
  }
  upstream.child?.kill();
  process.stdout.write(lines.join('\n') + '\n');
}

await main();
