// Child processes of the benchmark: spawned in their own process group, found again by /proc, measured by VmHWM.
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';

export interface Started {
  readonly name: string;
  readonly child: ChildProcess;
  /** The process that serves the traffic (nginx's worker, node under npm); resolved after start. */
  servingPid: number;
  readonly logPath: string;
  readonly exited: Promise<number | null>;
}

const started: Started[] = [];

/** Spawns `command` with stdout+stderr to `logPath`, detached into its own process group. */
export function startProcess(
  name: string,
  command: string,
  args: readonly string[],
  options: { logPath: string; env?: NodeJS.ProcessEnv; cwd?: string },
): Started {
  const fd = openSync(options.logPath, 'a');
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', fd, fd],
    detached: true,
  });
  closeSync(fd);
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', () => resolve(-1));
  });
  const entry: Started = { name, child, servingPid: child.pid ?? -1, logPath: options.logPath, exited };
  started.push(entry);
  return entry;
}

/** Direct children of `pid` (by scanning /proc/N/stat). */
export function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (entry.charCodeAt(0) < 48 || entry.charCodeAt(0) > 57) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'latin1');
    } catch {
      continue;
    }
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so read after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[1]) === pid) out.push(Number(entry));
  }
  return out;
}

/** All descendants of `pid`, breadth first. */
export function descendantsOf(pid: number): number[] {
  const out: number[] = [];
  const queue = [pid];
  for (let i = 0; i < queue.length && i < 1000; i++) {
    for (const child of childrenOf(queue[i])) {
      out.push(child);
      queue.push(child);
    }
  }
  return out;
}

/** The argv of `pid` (empty when gone). */
export function argvOf(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'latin1')
      .split('\0')
      .filter((arg) => arg !== '');
  } catch {
    return [];
  }
}

/** CPU time (user + system) `pid` has used so far, in ms (clock ticks of 10 ms), or null when gone. */
export function cpuTimeMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After ")": state(0) ppid(1) … utime(11) stime(12), in USER_HZ (100 on Linux).
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

/** The 1-minute load average of the host. */
export function loadAverage(): number {
  try {
    return Number(readFileSync('/proc/loadavg', 'latin1').split(' ')[0]);
  } catch {
    return Number.NaN;
  }
}

/** A field of /proc/PID/status in KiB (VmHWM = peak RSS, VmRSS = current), or null when the process is gone. */
export function statusKiB(pid: number, field: 'VmHWM' | 'VmRSS'): number | null {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'latin1');
    const at = text.indexOf(`${field}:`);
    if (at < 0) return null;
    return Number.parseInt(text.slice(at + field.length + 1).trim(), 10);
  } catch {
    return null;
  }
}

/** Resets the peak RSS (VmHWM) of `pid` to its current RSS (Linux clear_refs "5"); false when not permitted. */
export function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM to the process group, SIGKILL after `graceMs`. */
export async function stopProcess(entry: Started, graceMs = 5000): Promise<void> {
  const pid = entry.child.pid;
  if (pid === undefined || entry.child.exitCode !== null || entry.child.signalCode !== null) return;
  try {
    process.kill(-pid, 'SIGTERM');
  } catch {
    return;
  }
  const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), graceMs).unref());
  if ((await Promise.race([entry.exited, timer])) === 'timeout') {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
    await entry.exited;
  }
}

/** Kills every process group this module started, synchronously (for process 'exit'). */
export function killAllNow(): void {
  for (const entry of started) {
    const pid = entry.child.pid;
    if (pid === undefined || entry.child.exitCode !== null || entry.child.signalCode !== null) continue;
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

export async function stopAll(): Promise<void> {
  await Promise.all(started.map((entry) => stopProcess(entry)));
}
