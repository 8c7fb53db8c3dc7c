// h2load (Debian's nghttp2-client) as the load generator of the HTTP/2 and gRPC scenarios: its report parsed.
import { spawn } from 'node:child_process';

export interface H2loadResult {
  readonly requestsPerSec: number;
  /** Requests done in the measured time. */
  readonly requests: number;
  /** Done with a 2xx status. */
  readonly succeeded: number;
  /** failed + errored + timeout, plus non-2xx answers. */
  readonly errors: number;
  /** Mean and max "time for request", ms (h2load prints no percentiles). */
  readonly meanMs: number;
  readonly maxMs: number;
}

const UNIT_MS: Readonly<Record<string, number>> = { us: 0.001, ms: 1, s: 1000 };

function durationMs(text: string | undefined): number {
  const found = /^([\d.]+)(us|ms|s)$/.exec(text ?? '');
  return found === null ? Number.NaN : Number(found[1]) * UNIT_MS[found[2]];
}

function n(value: string | undefined): number {
  return value === undefined ? Number.NaN : Number(value);
}

/** Reads h2load's summary ("finished in …, N req/s", "requests: …", "status codes: …", "time for request: …"). */
export function parseH2load(text: string): H2loadResult {
  const rps = /finished in [\d.]+m?s, ([\d.]+) req\/s/.exec(text);
  const requests =
    /requests: (\d+) total, \d+ started, (\d+) done, (\d+) succeeded, (\d+) failed, (\d+) errored, (\d+) timeout/.exec(
      text,
    );
  const codes = /status codes: (\d+) 2xx, (\d+) 3xx, (\d+) 4xx, (\d+) 5xx/.exec(text);
  const time = /time for request:\s+(\S+)\s+(\S+)\s+(\S+)/.exec(text);
  const non2xx = codes === null ? 0 : n(codes[2]) + n(codes[3]) + n(codes[4]);
  return {
    requestsPerSec: n(rps?.[1]),
    requests: n(requests?.[2]),
    succeeded: n(requests?.[3]),
    errors: requests === null ? Number.NaN : n(requests[4]) + n(requests[5]) + n(requests[6]) + non2xx,
    meanMs: durationMs(time?.[3]),
    maxMs: durationMs(time?.[2]),
  };
}

export interface H2loadRun {
  readonly url: string;
  readonly clients: number;
  readonly streams: number;
  /** Measured seconds (-D), after `warmupSeconds` (--warm-up-time) not counted. */
  readonly seconds: number;
  readonly warmupSeconds: number;
  readonly headers?: readonly string[];
  /** A file sent as every request's body (-d: the request is then a POST). */
  readonly dataFile?: string;
}

/** The h2load command line of a run (printed in the report as run). */
export function h2loadArgs(run: H2loadRun): string[] {
  const args = ['-t1', `-c${run.clients}`, `-m${run.streams}`, '-D', String(run.seconds)];
  if (run.warmupSeconds > 0) args.push(`--warm-up-time=${run.warmupSeconds}`);
  for (const header of run.headers ?? []) args.push('-H', header);
  if (run.dataFile !== undefined) args.push('-d', run.dataFile);
  args.push(run.url);
  return args;
}

export function runH2load(run: H2loadRun): Promise<H2loadResult & { readonly output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('h2load', h2loadArgs(run), { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), (run.seconds + run.warmupSeconds + 60) * 1000);
    child.once('error', reject);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve({ ...parseH2load(output), output });
    });
  });
}
