// Runs wrk (one thread, keep-alive) and reads its --latency report.
import { execFile } from 'node:child_process';

export interface WrkResult {
  readonly requests: number;
  readonly requestsPerSec: number;
  /** Milliseconds. */
  readonly p50: number;
  readonly p75: number;
  readonly p90: number;
  readonly p99: number;
  /** connect + read + write + timeout socket errors. */
  readonly socketErrors: number;
  readonly non2xx: number;
  readonly raw: string;
}

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

function durationMs(text: string): number {
  const match = /^([\d.]+)(us|ms|s|m|h)$/.exec(text.trim());
  if (match === null) return Number.NaN;
  return Number(match[1]) * UNIT_MS[match[2]];
}

/** Parses wrk 4.x output (`--latency`); every missing figure is NaN so a caller can refuse it. */
export function parseWrk(output: string): WrkResult {
  const percentile = (p: number) => {
    const match = new RegExp(`^\\s*${p}%\\s+(\\S+)\\s*$`, 'm').exec(output);
    return match === null ? Number.NaN : durationMs(match[1]);
  };
  const rps = /^Requests\/sec:\s+([\d.]+)/m.exec(output);
  const total = /^\s*(\d+) requests in /m.exec(output);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(output);
  return {
    requests: total === null ? Number.NaN : Number(total[1]),
    requestsPerSec: rps === null ? Number.NaN : Number(rps[1]),
    p50: percentile(50),
    p75: percentile(75),
    p90: percentile(90),
    p99: percentile(99),
    socketErrors: socket === null ? 0 : socket.slice(1).reduce((sum, n) => sum + Number(n), 0),
    non2xx: non2xx === null ? 0 : Number(non2xx[1]),
    raw: output,
  };
}

export function runWrk(options: {
  url: string;
  connections: number;
  seconds: number;
  timeoutSeconds?: number;
}): Promise<WrkResult> {
  const args = [
    '-t1',
    `-c${options.connections}`,
    `-d${options.seconds}s`,
    `--timeout`,
    `${options.timeoutSeconds ?? 10}s`,
    '--latency',
    options.url,
  ];
  return new Promise((resolve, reject) => {
    execFile('wrk', args, { timeout: (options.seconds + 60) * 1000, maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
      if (error !== null) {
        reject(new Error(`wrk ${args.join(' ')} failed: ${error.message}\n${stdout}\n${stderr}`));
        return;
      }
      resolve(parseWrk(stdout));
    });
  });
}
