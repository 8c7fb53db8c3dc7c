/**
 * Runs the real controller as a user would (`npm start -- …flags`) and waits on its admin API instead of sleeping.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Problem } from '../../src/routing/types.ts';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** What GET /api/v1/status returns; only these fields are relied on here. */
export interface ControllerStatus {
  generation: number;
  synced: boolean;
  problems: Problem[];
  [field: string]: unknown;
}

export interface ControllerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface RunningController {
  readonly pid: number;
  readonly args: readonly string[];
  readonly httpPort: number;
  readonly httpsPort: number;
  readonly adminPort: number;
  /** `http://127.0.0.1:httpPort` (the edge). */
  readonly httpUrl: string;
  readonly httpsUrl: string;
  readonly adminUrl: string;
  /** Every stdout and stderr line so far (stderr lines prefixed with "stderr: "), for failure messages. */
  readonly output: string[];
  /** Resolves when the whole process group has exited. */
  readonly exited: Promise<ControllerExit>;
  /** Polls GET /readyz until 200. */
  waitReady(timeoutMs?: number): Promise<void>;
  /** GET /api/v1/status. */
  status(): Promise<ControllerStatus>;
  /** Polls the status every ~20 ms until `predicate` holds; the error names `what` and shows the last status. */
  waitFor(
    predicate: (status: ControllerStatus) => boolean,
    options?: { timeoutMs?: number; what?: string },
  ): Promise<ControllerStatus>;
  /** Waits until the published generation is at least `generation`. */
  waitGeneration(generation: number, timeoutMs?: number): Promise<ControllerStatus>;
  /** Waits for an output line matching `pattern`. */
  waitForOutput(pattern: RegExp | string, timeoutMs?: number): Promise<string>;
  /**
   * Sends a signal to the controller's own process (npm's child, as a pod's entrypoint gets it); SIGKILL, and
   * every signal when `command` replaced npm, go to the whole process group.
   */
  signal(signal: NodeJS.Signals): void;
  /** SIGTERM, then SIGKILL after `graceMs` (default 10 s); resolves with the exit. */
  stop(graceMs?: number): Promise<ControllerExit>;
  /** SIGKILL the process group at once. */
  kill(): Promise<ControllerExit>;
  /** The last `lines` output lines, joined, for error messages. */
  outputTail(lines?: number): string;
}

export interface StartControllerOptions {
  /** Instead of `npm start --`: the command and its leading arguments (tests of this helper use a fake). */
  command?: string[];
  /** Default the repository root. */
  cwd?: string;
}

/** A free TCP port on 127.0.0.1 (bound, read, released). */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  return (await freePorts(1, host))[0];
}

/**
 * `count` distinct free TCP ports: all are bound before any is released, since a port released and asked for
 * again at once can come back (a controller once got the same port for --http-port and --admin-port).
 */
export async function freePorts(count: number, host = '127.0.0.1'): Promise<number[]> {
  const servers = Array.from({ length: count }, () => createServer());
  try {
    return await Promise.all(servers.map((server) => listenOnAnyPort(server, host)));
  } finally {
    await Promise.all(servers.map((server) => new Promise<void>((closed) => server.close(() => closed()))));
  }
}

function listenOnAnyPort(server: Server, host: string): Promise<number> {
  return new Promise((resolvePort, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      resolvePort(typeof address === 'object' && address !== null ? address.port : 0);
    });
  });
}

function flagValue(args: readonly string[], flag: string): string | undefined {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === flag) return args[i + 1];
    if (args[i].startsWith(`${flag}=`)) return args[i].slice(flag.length + 1);
  }
  return undefined;
}

const delay = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

interface ProcessInfo {
  pid: number;
  ppid: number;
  comm: string;
}

function processTable(): ProcessInfo[] {
  const out: ProcessInfo[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const fields = stat.slice(close + 2).split(' ');
      out.push({ pid: Number(entry), ppid: Number(fields[1]), comm: stat.slice(stat.indexOf('(') + 1, close) });
    } catch {
      // the process ended while we looked
    }
  }
  return out;
}

const wrapperCommands = new Set(['sh', 'bash', 'dash']);

/**
 * The controller's own process under `npm start`: the first descendant of npm that is not a shell. As in a
 * pod, where SIGTERM reaches only the entrypoint, signals go there; npm then exits with its exit code.
 */
function mainProcess(leader: number): number | undefined {
  const table = processTable();
  let level = [leader];
  for (let depth = 0; depth < 4 && level.length > 0; depth++) {
    const children = table.filter((p) => level.includes(p.ppid));
    const main = children.find((p) => !wrapperCommands.has(p.comm));
    if (main !== undefined) return main.pid;
    level = children.map((p) => p.pid);
  }
  return undefined;
}

const MAX_OUTPUT_LINES = 5000;

/**
 * Starts `npm start -- …args` from the repository root in its own process group. `--http-port`, `--https-port`
 * and `--admin-port` get free ports unless given, and `--bind-address` defaults to 127.0.0.1.
 */
export async function startController(
  args: string[],
  env: Record<string, string | undefined> = {},
  options: StartControllerOptions = {},
): Promise<RunningController> {
  const fullArgs = [...args];
  const portFlags = ['--http-port', '--https-port', '--admin-port'];
  const missing = portFlags.filter((flag) => flagValue(fullArgs, flag) === undefined);
  const picked = await freePorts(missing.length);
  for (const [i, flag] of missing.entries()) fullArgs.push(flag, String(picked[i]));
  const [httpPort, httpsPort, adminPort] = portFlags.map((flag) => Number(flagValue(fullArgs, flag)));
  if (flagValue(fullArgs, '--bind-address') === undefined) fullArgs.push('--bind-address', '127.0.0.1');
  const bind = flagValue(fullArgs, '--bind-address') ?? '127.0.0.1';
  const host = bind === '0.0.0.0' ? '127.0.0.1' : bind;

  const [command, ...leading] = options.command ?? ['npm', 'start', '--'];
  const child = spawn(command, [...leading, ...fullArgs], {
    cwd: options.cwd ?? REPO_ROOT,
    env: { ...process.env, ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pid = child.pid;
  if (pid === undefined) {
    const error = await new Promise<Error>((resolveError) => child.once('error', resolveError));
    throw new Error(`could not start ${command}: ${error.message}`);
  }

  const output: string[] = [];
  const lineWaiters = new Set<(line: string) => void>();
  const collect = (prefix: string) => {
    let partial = '';
    return (chunk: Buffer) => {
      partial += chunk.toString('utf8');
      let newline = partial.indexOf('\n');
      while (newline >= 0) {
        const line = prefix + partial.slice(0, newline);
        partial = partial.slice(newline + 1);
        output.push(line);
        if (output.length > MAX_OUTPUT_LINES) output.splice(0, output.length - MAX_OUTPUT_LINES);
        for (const waiter of lineWaiters) waiter(line);
        newline = partial.indexOf('\n');
      }
    };
  };
  child.stdout.on('data', collect(''));
  child.stderr.on('data', collect('stderr: '));

  let exit: ControllerExit | null = null;
  const exited = new Promise<ControllerExit>((resolveExit) => {
    child.once('exit', async (code, signal) => {
      // npm can exit before its children: wait until the whole group is gone.
      const deadline = Date.now() + 30_000;
      while (groupAlive(pid) && Date.now() < deadline) await delay(20);
      exit = { code, signal };
      resolveExit(exit);
    });
  });

  const adminUrl = `http://${host}:${adminPort}`;
  const outputTail = (lines = 40) => output.slice(-lines).join('\n');
  const failIfExited = (what: string) => {
    if (exit !== null) {
      throw new Error(
        `controller exited (code ${exit.code}, signal ${exit.signal}) while waiting for ${what}\n${outputTail()}`,
      );
    }
  };

  const status = async (): Promise<ControllerStatus> => {
    const response = await fetch(`${adminUrl}/api/v1/status`, { signal: AbortSignal.timeout(5000) });
    if (response.status !== 200) throw new Error(`GET /api/v1/status answered ${response.status}`);
    return (await response.json()) as ControllerStatus;
  };

  const signal = (sig: NodeJS.Signals) => {
    try {
      if (sig === 'SIGKILL' || options.command !== undefined) process.kill(-pid, sig);
      else process.kill(mainProcess(pid) ?? -pid, sig);
    } catch {
      // already gone
    }
  };

  const running: RunningController = {
    pid,
    args: fullArgs,
    httpPort,
    httpsPort,
    adminPort,
    httpUrl: `http://${host}:${httpPort}`,
    httpsUrl: `https://${host}:${httpsPort}`,
    adminUrl,
    output,
    exited,
    outputTail,
    status,
    signal,

    async waitReady(timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      let last = 'no answer';
      for (;;) {
        failIfExited('/readyz');
        try {
          const response = await fetch(`${adminUrl}/readyz`, { signal: AbortSignal.timeout(2000) });
          await response.body?.cancel();
          if (response.status === 200) return;
          last = `status ${response.status}`;
        } catch (error) {
          last = (error as Error).message;
        }
        if (Date.now() > deadline) {
          throw new Error(`controller not ready after ${timeoutMs} ms (last: ${last})\n${outputTail()}`);
        }
        await delay(20);
      }
    },

    async waitFor(predicate, { timeoutMs = 10_000, what = 'a status condition' } = {}) {
      const deadline = Date.now() + timeoutMs;
      let last: ControllerStatus | string = 'no answer';
      for (;;) {
        failIfExited(what);
        try {
          const current = await status();
          if (predicate(current)) return current;
          last = current;
        } catch (error) {
          last = (error as Error).message;
        }
        if (Date.now() > deadline) {
          throw new Error(
            `timed out after ${timeoutMs} ms waiting for ${what}; last status: ${
              typeof last === 'string' ? last : JSON.stringify(last).slice(0, 2000)
            }\n${outputTail()}`,
          );
        }
        await delay(20);
      }
    },

    waitGeneration(generation, timeoutMs = 10_000) {
      return running.waitFor((s) => s.generation >= generation, { timeoutMs, what: `generation >= ${generation}` });
    },

    waitForOutput(pattern, timeoutMs = 10_000) {
      const matches = (line: string) => (typeof pattern === 'string' ? line.includes(pattern) : pattern.test(line));
      const found = output.find(matches);
      if (found !== undefined) return Promise.resolve(found);
      return new Promise((resolveLine, reject) => {
        const timer = setTimeout(() => {
          lineWaiters.delete(waiter);
          reject(new Error(`no output line matching ${String(pattern)} after ${timeoutMs} ms\n${outputTail()}`));
        }, timeoutMs);
        const waiter = (line: string) => {
          if (!matches(line)) return;
          clearTimeout(timer);
          lineWaiters.delete(waiter);
          resolveLine(line);
        };
        lineWaiters.add(waiter);
      });
    },

    async stop(graceMs = 10_000) {
      if (exit !== null) return exit;
      signal('SIGTERM');
      const timer = setTimeout(() => signal('SIGKILL'), graceMs);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },

    async kill() {
      signal('SIGKILL');
      return await exited;
    },
  };
  return running;
}
