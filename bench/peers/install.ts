// Installs the benchmark's peers from Debian's packages when they are missing (apt-get update once).
import { execFileSync, spawnSync } from 'node:child_process';

export const TOOLS = [
  { binary: 'nginx', pkg: 'nginx' },
  { binary: 'haproxy', pkg: 'haproxy' },
  { binary: 'caddy', pkg: 'caddy' },
  { binary: 'wrk', pkg: 'wrk' },
  { binary: 'h2load', pkg: 'nghttp2-client' },
] as const;

export function hasBinary(binary: string): boolean {
  return (
    spawnSync('sh', ['-c', `command -v ${binary}`], {
      stdio: 'ignore',
      env: { ...process.env, PATH: `${process.env.PATH}:/usr/sbin:/sbin` },
    }).status === 0
  );
}

/** apt-get installs whatever of nginx, haproxy, caddy, wrk and h2load is missing; returns the packages it installed. */
export function ensureInstalled(log: (line: string) => void): string[] {
  const missing = TOOLS.filter((tool) => !hasBinary(tool.binary)).map((tool) => tool.pkg);
  if (missing.length === 0) return [];
  const sudo = typeof process.getuid === 'function' && process.getuid() !== 0 ? ['sudo'] : [];
  const run = (args: string[]) => {
    const command = [...sudo, ...args];
    log(`$ ${command.join(' ')}`);
    execFileSync(command[0], command.slice(1), {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      timeout: 600_000,
    });
  };
  run(['apt-get', 'update', '-q']);
  run(['apt-get', 'install', '-y', '-q', '--no-install-recommends', ...missing]);
  const still = TOOLS.filter((tool) => !hasBinary(tool.binary)).map((tool) => tool.binary);
  if (still.length > 0) throw new Error(`still missing after apt-get install: ${still.join(', ')}`);
  return missing;
}
