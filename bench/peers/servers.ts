// Starts the benchmark's backend and the proxies under test on loopback, each from a config template in this folder.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, freePorts } from '../../e2e/support/controller.ts';
import { waitServing } from './net.ts';
import { argvOf, childrenOf, descendantsOf, startProcess, type Started } from './process.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = resolve(HERE, '..', '..');
export const SMALL_BODY = 'hello from backend\n';
export const LARGE_BODY_BYTES = 64 * 1024;

export interface Server {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly process: Started;
}

/** Fills `{{KEY}}` placeholders of a template in this folder; a placeholder left unfilled is an error. */
export function renderTemplate(file: string, values: Record<string, string | number>): string {
  const text = readFileSync(join(HERE, file), 'utf8').replace(/\{\{([A-Z_]+)\}\}/g, (whole, key: string) => {
    if (!(key in values)) throw new Error(`${file}: no value for ${whole}`);
    return String(values[key]);
  });
  return text;
}

function alive(entry: Started): () => boolean {
  return () => entry.child.exitCode === null && entry.child.signalCode === null;
}

async function ready(server: Server): Promise<Server> {
  await waitServing(server.host, server.port, '/', SMALL_BODY.length, {
    what: `${server.name} (log: ${server.process.logPath})`,
    alive: alive(server.process),
  });
  await waitServing(server.host, server.port, '/64k', LARGE_BODY_BYTES, {
    what: server.name,
    alive: alive(server.process),
  });
  return server;
}

function nginxDirs(dir: string, prefix: string): void {
  for (const sub of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'])
    mkdirSync(join(dir, `${prefix}-tmp`, sub), { recursive: true });
}

/** nginx with one worker; the serving process is that worker. */
async function startNginxWith(
  name: string,
  dir: string,
  template: string,
  values: Record<string, string | number>,
): Promise<Server> {
  // Each nginx instance (backend, nginx, nginx-log) has its own pid, temp and log files under its name.
  const prefix = name;
  nginxDirs(dir, prefix);
  const conf = join(dir, `${prefix}.conf`);
  writeFileSync(conf, renderTemplate(template, { DIR: dir, PREFIX: prefix, ...values }));
  const proc = startProcess(name, 'nginx', ['-p', dir, '-c', conf, '-e', join(dir, `${prefix}-error.log`)], {
    logPath: join(dir, `${prefix}.out`),
    env: { ...process.env, PATH: `${process.env.PATH}:/usr/sbin:/sbin` },
  });
  const [host, port] = String(values.LISTEN).split(':');
  const server = await ready({ name, host, port: Number(port), process: proc });
  const workers = childrenOf(proc.child.pid ?? -1);
  if (workers.length !== 1) throw new Error(`${name}: expected one nginx worker, found ${workers.length}`);
  proc.servingPid = workers[0];
  return server;
}

export async function startBackend(dir: string, host: string): Promise<Server> {
  writeFileSync(join(dir, '64k.bin'), Buffer.alloc(LARGE_BODY_BYTES, 'x'));
  const port = await freePort(host);
  return startNginxWith('backend', dir, 'nginx-backend.conf', { LISTEN: `${host}:${port}` });
}

/**
 * nginx as the proxy under test; with `accessLog`, it logs every request to a file through a 64 KiB buffer in
 * ingress-nginx's default "upstreaminfo" format (its docs: user-guide/nginx-configuration/log-format.md).
 */
export async function startNginx(dir: string, host: string, backend: Server, accessLog = false): Promise<Server> {
  const port = await freePort(host);
  const name = accessLog ? 'nginx-log' : 'nginx';
  return startNginxWith(name, dir, 'nginx-proxy.conf', {
    LISTEN: `${host}:${port}`,
    BACKEND: `${backend.host}:${backend.port}`,
    ACCESS_LOG: accessLog ? `${join(dir, `${name}-access.log`)} upstreaminfo buffer=64k flush=1s` : 'off',
  });
}

export async function startHaproxy(dir: string, host: string, backend: Server): Promise<Server> {
  const port = await freePort(host);
  const cfg = join(dir, 'haproxy.cfg');
  writeFileSync(
    cfg,
    renderTemplate('haproxy.cfg', { LISTEN: `${host}:${port}`, BACKEND: `${backend.host}:${backend.port}` }),
  );
  const proc = startProcess('haproxy', 'haproxy', ['-f', cfg, '-db'], {
    logPath: join(dir, 'haproxy.out'),
    env: { ...process.env, PATH: `${process.env.PATH}:/usr/sbin:/sbin` },
  });
  return ready({ name: 'haproxy', host, port, process: proc });
}

export async function startCaddy(dir: string, host: string, backend: Server): Promise<Server> {
  const port = await freePort(host);
  const caddyfile = join(dir, 'Caddyfile');
  writeFileSync(
    caddyfile,
    renderTemplate('Caddyfile', { ADDRESS: host, PORT: port, BACKEND: `${backend.host}:${backend.port}` }),
  );
  const home = join(dir, 'caddy-home');
  mkdirSync(home, { recursive: true });
  const proc = startProcess('caddy', 'caddy', ['run', '--config', caddyfile, '--adapter', 'caddyfile'], {
    logPath: join(dir, 'caddy.out'),
    env: { ...process.env, GOMAXPROCS: '1', HOME: home, XDG_DATA_HOME: home, XDG_CONFIG_HOME: home },
  });
  return ready({ name: 'caddy', host, port, process: proc });
}

export type UpstreamClientName = 'lean' | 'undici';

export interface SluiceOptions {
  readonly name: string;
  readonly accessLog: boolean;
  /** --upstream-client (through SLUICE_UPSTREAM_CLIENT, which a sluice without the flag ignores). */
  readonly client?: UpstreamClientName;
  /** Directory for `--cpu-prof`: then node runs src/main.ts directly (what `npx node --cpu-prof` runs). */
  readonly cpuProfileDir?: string;
}

/** Writes the manifests directory for sluice: one host-less Ingress → the backend through an EndpointSlice. */
export function writeSluiceManifests(dir: string, backend: Server): string {
  const manifests = join(dir, 'manifests');
  mkdirSync(manifests, { recursive: true });
  writeFileSync(
    join(manifests, 'bench.yaml'),
    renderTemplate('sluice-manifests.yaml', { BACKEND_ADDRESS: backend.host, BACKEND_PORT: backend.port }),
  );
  return manifests;
}

/** The sluice command line the benchmark uses (without the edge/admin ports). */
export function sluiceFlags(manifests: string, accessLog: boolean): string[] {
  return [
    '--manifests',
    manifests,
    '--access-log',
    accessLog ? 'on' : 'off',
    '--workers',
    '1',
    '--log-level',
    'warn',
    '--shutdown-grace',
    '2s',
  ];
}

/**
 * sluice as a user starts it: `npm start -- --manifests DIR --access-log on|off …` (stdout, with the access log, to a
 * file as a container runtime would take it). The serving process is the node under npm.
 */
export async function startSluice(
  dir: string,
  host: string,
  manifests: string,
  options: SluiceOptions,
): Promise<Server & { adminPort: number }> {
  const [port, httpsPort, adminPort] = await freePorts(3, host);
  const flags = [
    ...sluiceFlags(manifests, options.accessLog),
    '--bind-address',
    host,
    '--http-port',
    String(port),
    '--https-port',
    String(httpsPort),
    '--admin-port',
    String(adminPort),
  ];
  const logPath = join(dir, `${options.name}.out`);
  const env = { ...process.env, SLUICE_UPSTREAM_CLIENT: options.client ?? 'lean' };
  const proc =
    options.cpuProfileDir === undefined
      ? startProcess(options.name, 'npm', ['start', '--silent', '--', ...flags], { logPath, cwd: REPO_ROOT, env })
      : startProcess(
          options.name,
          join(REPO_ROOT, 'node_modules', '.bin', 'node'),
          ['--cpu-prof', '--cpu-prof-dir', options.cpuProfileDir, 'src/main.ts', ...flags],
          { logPath, cwd: REPO_ROOT, env },
        );
  const server = await ready({ name: options.name, host, port, process: proc });
  const pid = proc.child.pid ?? -1;
  const node = [pid, ...descendantsOf(pid)].find(
    (candidate) => /(^|\/)node$/.test(argvOf(candidate)[0] ?? '') && argvOf(candidate).includes('src/main.ts'),
  );
  if (node === undefined) throw new Error(`${options.name}: no node process running src/main.ts under pid ${pid}`);
  proc.servingPid = node;
  return { ...server, adminPort };
}

/** Whether this sluice knows --upstream-client (else both client variants of the benchmark run its only client). */
export function sluiceHasClientChoice(): boolean {
  const run = spawnSync(join(REPO_ROOT, 'node_modules', '.bin', 'node'), ['src/main.ts', '--help'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 30_000,
  });
  return `${run.stdout ?? ''}`.includes('--upstream-client');
}
