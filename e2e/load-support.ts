/**
 * A small, bounded load generator for fault scenarios: N concurrent clients (undici) send requests to the edge
 * in a loop until stopped (or until a hard deadline), recording successes, failures by kind and latencies; and a
 * /readyz watcher that samples readiness meanwhile.
 */
import { Agent, request, type Dispatcher } from 'undici';
import { delay } from './fixtures.ts';

export interface LoadTarget {
  /** Path and query, default '/'. */
  path?: string;
  /** Host header. */
  host: string;
  method?: string;
}

export interface LoadOptions {
  /** `http://127.0.0.1:PORT` of the edge. */
  baseUrl: string;
  /** One target, or a function of the request's sequence number (to spread load over several routes). */
  target: LoadTarget | ((sequence: number) => LoadTarget);
  /** Concurrent clients (default 8). */
  concurrency?: number;
  /** Hard stop even if stop() is never called (default 60 s). */
  maxDurationMs?: number;
  /** Per-request timeout (default 5 s). */
  timeoutMs?: number;
  /** Which answers count as successes (default: status 200). */
  ok?: (status: number, body: string, target: LoadTarget) => boolean;
  /** A new TCP connection for every request (Connection: close), to prove new connections are accepted. */
  newConnectionEachRequest?: boolean;
  /** Pause between two requests of one client, ms (default 0). */
  pauseMs?: number;
  /** Pause after a failed request instead (default pauseMs): keeps a refused client from spinning. */
  pauseAfterFailureMs?: number;
}

export interface LoadFailure {
  /** "status 503", "ECONNREFUSED", "UND_ERR_HEADERS_TIMEOUT"… */
  kind: string;
  /** ms since the load started. */
  at: number;
  path: string;
  detail: string;
}

export interface LoadReport {
  requests: number;
  succeeded: number;
  failed: number;
  /** Failure counts by kind. */
  failures: Record<string, number>;
  /** The first failures in detail (at most 20). */
  firstFailures: LoadFailure[];
  /** By status code (successes and failures). */
  statuses: Record<string, number>;
  durationMs: number;
  /** Epoch ms of the first and last failure, null when none. */
  firstFailureAt: number | null;
  lastFailureAt: number | null;
  /** Epoch ms of the last success, null when none. */
  lastSuccessAt: number | null;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  requestsPerSecond: number;
}

export interface RunningLoad {
  /** Snapshot of what has been recorded so far. */
  report(): LoadReport;
  /** Requests completed so far (successes and failures). */
  readonly completed: number;
  /** Resolves once at least `count` more requests have completed after this call (bounded by `timeoutMs`). */
  waitRequests(count: number, timeoutMs?: number): Promise<void>;
  /** Stops every client after its current request and resolves with the final report. */
  stop(): Promise<LoadReport>;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}

function errorKind(error: unknown): string {
  const e = error as { code?: unknown; cause?: { code?: unknown }; name?: unknown };
  if (typeof e?.code === 'string') return e.code;
  if (typeof e?.cause?.code === 'string') return e.cause.code;
  if (typeof e?.name === 'string') return e.name;
  return 'error';
}

/** Starts the load at once; call stop() (always, e.g. in finally) to end it. */
export function startLoad(options: LoadOptions): RunningLoad {
  const concurrency = options.concurrency ?? 8;
  const timeoutMs = options.timeoutMs ?? 5000;
  const maxDurationMs = options.maxDurationMs ?? 60_000;
  const ok = options.ok ?? ((status: number) => status === 200);
  const targetOf = typeof options.target === 'function' ? options.target : () => options.target as LoadTarget;
  const agent = new Agent({ connections: concurrency, keepAliveTimeout: 10_000, pipelining: 1 });
  const dispatcher: Dispatcher = agent;
  const base = new URL(options.baseUrl);
  const started = Date.now();
  const deadline = started + maxDurationMs;

  const latencies: number[] = [];
  const failures: Record<string, number> = {};
  const statuses: Record<string, number> = {};
  const firstFailures: LoadFailure[] = [];
  let requests = 0;
  let succeeded = 0;
  let failed = 0;
  let sequence = 0;
  let stopping = false;
  let endedAt: number | null = null;
  let firstFailureAt: number | null = null;
  let lastFailureAt: number | null = null;
  let lastSuccessAt: number | null = null;
  const waiters = new Set<{ until: number; resolve: () => void }>();

  const recordFailure = (kind: string, path: string, detail: string) => {
    failed++;
    lastFailureAt = Date.now();
    firstFailureAt ??= lastFailureAt;
    failures[kind] = (failures[kind] ?? 0) + 1;
    if (firstFailures.length < 20)
      firstFailures.push({ kind, at: Date.now() - started, path, detail: detail.slice(0, 200) });
  };

  const completedOne = () => {
    requests++;
    for (const waiter of waiters) {
      if (requests >= waiter.until) {
        waiters.delete(waiter);
        waiter.resolve();
      }
    }
  };

  const active = () => !stopping && Date.now() < deadline;
  const client = async () => {
    while (active()) {
      const target = targetOf(sequence++);
      const path = target.path ?? '/';
      const t0 = performance.now();
      let thisFailed = true;
      try {
        const response = await request(new URL(path, base), {
          method: (target.method ?? 'GET') as Dispatcher.HttpMethod,
          headers: { host: target.host },
          dispatcher,
          reset: options.newConnectionEachRequest === true,
          headersTimeout: timeoutMs,
          bodyTimeout: timeoutMs,
          signal: AbortSignal.timeout(timeoutMs),
        });
        const body = await response.body.text();
        latencies.push(performance.now() - t0);
        statuses[response.statusCode] = (statuses[response.statusCode] ?? 0) + 1;
        if (ok(response.statusCode, body, target)) {
          succeeded++;
          thisFailed = false;
          lastSuccessAt = Date.now();
        } else recordFailure(`status ${response.statusCode}`, path, body);
      } catch (error) {
        latencies.push(performance.now() - t0);
        recordFailure(errorKind(error), path, (error as Error)?.message ?? String(error));
      }
      completedOne();
      const pause = thisFailed ? (options.pauseAfterFailureMs ?? options.pauseMs) : options.pauseMs;
      if (pause) await delay(pause);
    }
  };

  const clients = Array.from({ length: concurrency }, () => client());
  const all = Promise.all(clients).then(() => {
    endedAt = Date.now();
  });

  const report = (): LoadReport => {
    const sorted = latencies.slice().sort((a, b) => a - b);
    const durationMs = (endedAt ?? Date.now()) - started;
    return {
      requests,
      succeeded,
      failed,
      failures: { ...failures },
      firstFailures: firstFailures.slice(),
      statuses: { ...statuses },
      durationMs,
      firstFailureAt,
      lastFailureAt,
      lastSuccessAt,
      p50Ms: Math.round(percentile(sorted, 50) * 10) / 10,
      p99Ms: Math.round(percentile(sorted, 99) * 10) / 10,
      maxMs: Math.round((sorted.at(-1) ?? 0) * 10) / 10,
      requestsPerSecond: durationMs > 0 ? Math.round((requests * 1000) / durationMs) : 0,
    };
  };

  return {
    report,
    get completed() {
      return requests;
    },
    waitRequests(count, waitTimeoutMs = 10_000) {
      return new Promise<void>((resolve, reject) => {
        const waiter = { until: requests + count, resolve: () => (clearTimeout(timer), resolve()) };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(
            new Error(
              `load: fewer than ${count} requests completed in ${waitTimeoutMs} ms (${JSON.stringify(report())})`,
            ),
          );
        }, waitTimeoutMs);
        waiters.add(waiter);
      });
    },
    async stop() {
      stopping = true;
      await all;
      await agent.close().catch(() => undefined);
      return report();
    },
  };
}

/** One line for the test output: the figure the scenario is about. */
export function describeLoad(name: string, r: LoadReport): string {
  const failures = Object.entries(r.failures)
    .map(([k, v]) => `${k}: ${v}`)
    .join(', ');
  return `[${name}] ${r.requests} requests in ${r.durationMs} ms (${r.requestsPerSecond}/s), ${r.succeeded} ok, ${r.failed} failed${
    failures === '' ? '' : ` (${failures})`
  }, p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms, max ${r.maxMs} ms`;
}

// ---- readiness under load ----

export interface ReadyzSample {
  /** Epoch ms when the request was sent: the controller answered after this. */
  sentAt: number;
  /** Epoch ms when the answer (or error) arrived. */
  at: number;
  /** HTTP status, or 0 when the request failed. */
  status: number;
}

export interface ReadyzWatch {
  /** Stops polling and returns every sample. */
  stop(): Promise<ReadyzSample[]>;
}

/** Polls GET /readyz every `intervalMs` (each request bounded to 1 s) until stopped or `maxDurationMs`. */
export function watchReadyz(adminUrl: string, intervalMs = 50, maxDurationMs = 60_000): ReadyzWatch {
  const samples: ReadyzSample[] = [];
  const deadline = Date.now() + maxDurationMs;
  let stopping = false;
  const active = () => !stopping && Date.now() < deadline;
  const loop = (async () => {
    while (active()) {
      const sentAt = Date.now();
      try {
        const response = await request(`${adminUrl}/readyz`, { reset: true, headersTimeout: 1000, bodyTimeout: 1000 });
        await response.body.dump();
        samples.push({ sentAt, at: Date.now(), status: response.statusCode });
      } catch {
        samples.push({ sentAt, at: Date.now(), status: 0 });
      }
      await delay(intervalMs);
    }
  })();
  return {
    async stop() {
      stopping = true;
      await loop;
      return samples;
    },
  };
}
