// The HTTP/2 and gRPC scenarios' servers: a self-signed certificate, the gRPC backend, and each proxy started from
// its template in this folder, ready once an HTTP/2 request through it succeeds.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import { connect } from 'node:http2';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort, freePorts } from '../../e2e/support/controller.ts';
import { argvOf, childrenOf, descendantsOf, startProcess, type Started } from './process.ts';
import { REPO_ROOT, renderTemplate, sluiceFlags, type Server } from './servers.ts';

const NODE = join(REPO_ROOT, 'node_modules', '.bin', 'node');
const SBIN_PATH = { ...process.env, PATH: `${process.env.PATH}:/usr/sbin:/sbin` };

export interface BenchCertificate {
  readonly cert: string;
  readonly key: string;
  /** cert + key in one file (HAProxy's crt). */
  readonly pem: string;
}

/** An EC P-256 self-signed certificate for bench.local (sluice serves its own self-signed one to clients without SNI). */
export function writeCertificate(dir: string): BenchCertificate {
  const cert = join(dir, 'bench-cert.pem');
  const key = join(dir, 'bench-key.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '2',
      '-subj',
      '/CN=bench.local',
      '-addext',
      'subjectAltName=DNS:bench.local',
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { stdio: 'ignore' },
  );
  const pem = join(dir, 'bench.pem');
  writeFileSync(pem, readFileSync(cert, 'utf8') + readFileSync(key, 'utf8'));
  return { cert, key, pem };
}

export interface H2Reply {
  readonly status: number;
  readonly headers: Record<string, unknown>;
  readonly trailers: Record<string, unknown>;
  readonly body: Buffer;
}

/** One HTTP/2 request (h2 over TLS without verification for https:, prior knowledge for http:). */
export function h2Request(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: Buffer; timeoutMs?: number } = {},
): Promise<H2Reply> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const session = connect(target.origin, { rejectUnauthorized: false });
    const timer = setTimeout(() => {
      session.destroy();
      reject(new Error(`${url}: no HTTP/2 answer in time`));
    }, options.timeoutMs ?? 5000);
    session.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    const stream = session.request({
      ':method': options.method ?? 'GET',
      ':path': target.pathname + target.search,
      ...options.headers,
    });
    let headers: Record<string, unknown> = {};
    let trailers: Record<string, unknown> = {};
    const chunks: Buffer[] = [];
    stream.on('response', (head) => (headers = head));
    stream.on('trailers', (tail) => (trailers = tail));
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.once('error', (error) => {
      clearTimeout(timer);
      session.destroy();
      reject(error);
    });
    stream.once('end', () => {
      clearTimeout(timer);
      session.close();
      resolve({ status: Number(headers[':status']), headers, trailers, body: Buffer.concat(chunks) });
    });
    stream.end(options.body);
  });
}

/** Waits until `probe` succeeds (the process must stay alive), 30 s at most. */
async function ready(name: string, started: Started, probe: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 30_000;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (started.child.exitCode !== null || started.child.signalCode !== null)
      throw new Error(`${name} exited (log: ${started.logPath})`);
    try {
      if (await probe()) return;
      last = 'unexpected answer';
    } catch (error) {
      last = (error as Error).message;
    }
    await sleep(100);
  }
  throw new Error(`${name} not ready in 30 s: ${last} (log: ${started.logPath})`);
}

/** A plain GET over HTTP/2 answers 200 (the proxies' readiness; through sluice, its Server header). */
export async function servesH2(url: string): Promise<boolean> {
  const reply = await h2Request(url);
  return reply.status === 200;
}

export async function startGrpcBackend(dir: string, host: string): Promise<Server> {
  const port = await freePort(host);
  const proc = startProcess(
    'grpc-backend',
    NODE,
    [join(REPO_ROOT, 'bench', 'peers', 'grpc-echo-server.ts'), host, String(port)],
    {
      logPath: join(dir, 'grpc-backend.out'),
    },
  );
  await ready('grpc-backend', proc, () => servesH2(`http://${host}:${port}/`));
  return { name: 'grpc-backend', host, port, process: proc };
}

/** nginx (one worker) from `template` (nginx-h2.conf or nginx-grpc.conf). */
export async function startNginxH2(
  name: string,
  dir: string,
  host: string,
  template: string,
  values: Record<string, string>,
  scheme: 'https' | 'http',
): Promise<Server> {
  for (const sub of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'])
    mkdirSync(join(dir, `${name}-tmp`, sub), { recursive: true });
  const port = await freePort(host);
  const conf = join(dir, `${name}.conf`);
  writeFileSync(conf, renderTemplate(template, { DIR: dir, PREFIX: name, LISTEN: `${host}:${port}`, ...values }));
  const proc = startProcess(name, 'nginx', ['-p', dir, '-c', conf, '-e', join(dir, `${name}-error.log`)], {
    logPath: join(dir, `${name}.out`),
    env: SBIN_PATH,
  });
  await ready(name, proc, () => servesH2(`${scheme}://${host}:${port}/`));
  const workers = childrenOf(proc.child.pid ?? -1);
  if (workers.length !== 1) throw new Error(`${name}: expected one nginx worker, found ${workers.length}`);
  proc.servingPid = workers[0];
  return { name, host, port, process: proc };
}

export async function startHaproxyH2(
  name: string,
  dir: string,
  host: string,
  template: string,
  values: Record<string, string>,
  scheme: 'https' | 'http',
): Promise<Server> {
  const port = await freePort(host);
  const cfg = join(dir, `${name}.cfg`);
  writeFileSync(cfg, renderTemplate(template, { LISTEN: `${host}:${port}`, ...values }));
  const proc = startProcess(name, 'haproxy', ['-f', cfg, '-db'], { logPath: join(dir, `${name}.out`), env: SBIN_PATH });
  await ready(name, proc, () => servesH2(`${scheme}://${host}:${port}/`));
  return { name, host, port, process: proc };
}

export async function startCaddyH2(
  name: string,
  dir: string,
  host: string,
  template: string,
  values: Record<string, string>,
  scheme: 'https' | 'http',
): Promise<Server> {
  const port = await freePort(host);
  const caddyfile = join(dir, name);
  writeFileSync(caddyfile, renderTemplate(template, { ADDRESS: host, PORT: port, ...values }));
  const home = join(dir, `${name}-home`);
  mkdirSync(home, { recursive: true });
  const proc = startProcess(name, 'caddy', ['run', '--config', caddyfile, '--adapter', 'caddyfile'], {
    logPath: join(dir, `${name}.out`),
    env: { ...process.env, GOMAXPROCS: '1', HOME: home, XDG_DATA_HOME: home, XDG_CONFIG_HOME: home },
  });
  await ready(name, proc, () => servesH2(`${scheme}://${host}:${port}/`));
  return { name, host, port, process: proc };
}

/** sluice (one worker, access log off) on `manifests`; `scheme` picks the port measured: HTTPS (h2) or HTTP (h2c). */
export async function startSluiceH2(
  name: string,
  dir: string,
  host: string,
  manifests: string,
  scheme: 'https' | 'http',
): Promise<Server> {
  const [port, httpsPort, adminPort] = await freePorts(3, host);
  const flags = [...sluiceFlags(manifests, false), '--bind-address', host, '--http-port', String(port)];
  flags.push('--https-port', String(httpsPort), '--admin-port', String(adminPort));
  const proc = startProcess(name, NODE, ['src/main.ts', ...flags], {
    logPath: join(dir, `${name}.out`),
    cwd: REPO_ROOT,
    env: { ...process.env, SLUICE_UPSTREAM_CLIENT: 'lean' },
  });
  const measured = scheme === 'https' ? httpsPort : port;
  await ready(name, proc, async () => {
    const reply = await h2Request(`${scheme}://${host}:${measured}/`);
    return reply.status === 200 && String(reply.headers.server ?? '').includes('sluice');
  });
  const pid = proc.child.pid ?? -1;
  const node = [pid, ...descendantsOf(pid)].find((candidate) => argvOf(candidate).includes('src/main.ts'));
  if (node !== undefined) proc.servingPid = node;
  return { name, host, port: measured, process: proc };
}
