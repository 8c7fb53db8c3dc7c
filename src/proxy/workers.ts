import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import type { Logger } from '../util/logger.ts';

// `--workers N|auto`: N edge processes listening on the same ports with SO_REUSEPORT (Linux spreads
// connections across them in the kernel, so no process hands sockets to another). The primary keeps
// the single set of watches and forwards what each table is built from; every worker builds and compiles
// its own table. Payloads are plain objects sent with the structured-clone ("advanced") serialization.

export type PrimaryMessage<T> =
  | { type: 'start'; httpPort: number; httpsPort: number }
  | { type: 'snapshot'; payload: T }
  | { type: 'shutdown'; graceMs: number };

export type WorkerMessage<S> =
  | { type: 'listening'; httpPort: number; httpsPort: number }
  | { type: 'stats'; stats: S }
  | { type: 'closed' };

export interface EdgeWorkers<T, S> {
  readonly httpPort: number;
  readonly httpsPort: number;
  /** Sends the payload to every worker (all of them are started before this can be called). */
  broadcast(payload: T): void;
  /** The latest stats each worker reported, by pid (for the admin page and metrics to aggregate). */
  stats(): ReadonlyMap<number, S>;
  count(): number;
  /** Tells every worker to drain for graceMs; resolves when all have exited. */
  close(graceMs: number): Promise<void>;
}

export interface EdgeWorkersOptions {
  count: number;
  /** The worker's entry module; it calls `runAsEdgeWorker`. */
  entry: string;
  args?: readonly string[];
  httpPort: number;
  httpsPort: number;
  log: Logger;
  /** Time for a worker to report it listens. Default 15 s. */
  startTimeoutMs?: number;
}

/**
 * Starts the workers one after another: the first binds the configured ports (0 picks free ones, for
 * tests), the rest bind the same ports. A worker that dies unexpectedly is logged; restarting it is
 * the supervisor's job (the process exits non-zero when the last worker is gone).
 */
export async function startEdgeWorkers<T, S>(options: EdgeWorkersOptions): Promise<EdgeWorkers<T, S>> {
  const { log } = options;
  const children: ChildProcess[] = [];
  const stats = new Map<number, S>();
  let ports = { httpPort: options.httpPort, httpsPort: options.httpsPort };
  let closing = false;

  function send(child: ChildProcess, message: PrimaryMessage<T>): void {
    if (child.connected) child.send(message);
  }

  function startOne(index: number): Promise<void> {
    const child = fork(options.entry, [...(options.args ?? [])], {
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env, SLUICE_EDGE_WORKER: String(index) },
    });
    children.push(child);
    child.on('message', (message: WorkerMessage<S>) => {
      if (message.type === 'stats' && child.pid !== undefined) stats.set(child.pid, message.stats);
    });
    child.once('exit', (code, signal) => {
      if (child.pid !== undefined) stats.delete(child.pid);
      const at = children.indexOf(child);
      if (at !== -1) children.splice(at, 1);
      if (!closing) log.error({ worker: index, code, signal }, 'edge worker exited');
    });
    const listening = whenListening(child, index, options.startTimeoutMs ?? 15_000);
    send(child, { type: 'start', ...ports });
    return listening.then((bound) => {
      ports = bound;
    });
  }

  try {
    for (let index = 0; index < options.count; index++) await startOne(index);
  } catch (error) {
    for (const child of children) child.kill('SIGKILL');
    throw error;
  }
  log.info({ workers: options.count, ...ports }, 'edge workers listening');

  return {
    httpPort: ports.httpPort,
    httpsPort: ports.httpsPort,
    broadcast(payload) {
      for (const child of children) send(child, { type: 'snapshot', payload });
    },
    stats() {
      return stats;
    },
    count() {
      return children.length;
    },
    async close(graceMs) {
      closing = true;
      const exits = children.map(exited);
      for (const child of children) send(child, { type: 'shutdown', graceMs });
      // A worker that ignores the request is killed a little after the grace it was given.
      const killer = setTimeout(() => {
        for (const child of children) child.kill('SIGKILL');
      }, graceMs + 5000);
      await Promise.all(exits);
      clearTimeout(killer);
    },
  };
}

interface Ports {
  readonly httpPort: number;
  readonly httpsPort: number;
}

/** The ports a worker reports once it listens; rejects if it exits first or takes longer than `timeoutMs`. */
function whenListening(child: ChildProcess, index: number, timeoutMs: number): Promise<Ports> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`edge worker ${index} did not start listening`)), timeoutMs);
    const onExit = (code: number | null): void => {
      clearTimeout(timer);
      reject(new Error(`edge worker ${index} exited with ${code} before listening`));
    };
    child.once('exit', onExit);
    child.on('message', (message: WorkerMessage<unknown>) => {
      if (message.type !== 'listening') return;
      clearTimeout(timer);
      child.off('exit', onExit);
      resolve({ httpPort: message.httpPort, httpsPort: message.httpsPort });
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

export interface EdgeWorkerHooks<T> {
  /** Listen on these ports (with reusePort) and report the ports actually bound. */
  start(ports: { httpPort: number; httpsPort: number }): Promise<{ httpPort: number; httpsPort: number }>;
  /** A new snapshot from the primary: build and publish this worker's own table. */
  snapshot(payload: T): void;
  /** Drain and stop; the process exits after it resolves. */
  shutdown(graceMs: number): Promise<void>;
}

/** True inside a process started by `startEdgeWorkers`. */
export function isEdgeWorker(): boolean {
  return process.env.SLUICE_EDGE_WORKER !== undefined && typeof process.send === 'function';
}

/** The worker side of the protocol. Returns a function to report stats to the primary. */
export function runAsEdgeWorker<T, S>(hooks: EdgeWorkerHooks<T>): (stats: S) => void {
  const send = (message: WorkerMessage<S>): void => {
    if (process.connected) process.send?.(message);
  };
  let stopping = false;
  const stop = async (graceMs: number): Promise<void> => {
    if (stopping) return;
    stopping = true;
    try {
      await hooks.shutdown(graceMs);
    } finally {
      send({ type: 'closed' });
      process.disconnect?.();
      process.exit(0);
    }
  };
  process.on('message', (message: PrimaryMessage<T>) => {
    if (message.type === 'start') {
      hooks.start({ httpPort: message.httpPort, httpsPort: message.httpsPort }).then(
        (ports) => send({ type: 'listening', ...ports }),
        (error: unknown) => {
          process.stderr.write(`edge worker failed to listen: ${String(error)}\n`);
          process.exit(1);
        },
      );
    } else if (message.type === 'snapshot') {
      hooks.snapshot(message.payload);
    } else if (message.type === 'shutdown') {
      void stop(message.graceMs);
    }
  });
  // The primary is gone (crashed or killed): do not linger holding the ports.
  process.on('disconnect', () => void stop(0));
  // Signals go to the whole process group; the primary decides when workers stop.
  process.on('SIGTERM', () => {});
  process.on('SIGINT', () => {});
  return (stats) => send({ type: 'stats', stats });
}
