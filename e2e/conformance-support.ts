/**
 * Shared pieces of the conformance e2e files (kubernetes-sigs/ingress-controller-conformance features run through
 * the real binary against the API emulator): echo backends, Ingress builders, a controller with status publishing,
 * waits on the admin API and on Ingress status, TLS Secrets from `selfsigned`, and the certificate a listener serves.
 */
import { checkServerIdentity, connect as tlsConnect, type PeerCertificate } from 'node:tls';
import { generate } from 'selfsigned';
import type { ApiEmulator, KubeObject } from './support/api-emulator.ts';
import { startController, type RunningController } from './support/controller.ts';
import { writeBackend } from './support/endpoint-slices.ts';
import { writeKubeconfig } from './support/kubeconfig.ts';
import { startPods, type Pod } from './support/pods.ts';

export const CLASS_NAME = 'sluice';
export const CONTROLLER_CLASS = 'sluice.dev/ingress-controller';
/** The address the controller publishes into the status of its Ingresses (--publish-status-address). */
export const PUBLISHED_ADDRESS = '127.0.0.1';
/** The Service port every conformance backend exposes (the suite's `port.number: 8080`, named `http`). */
export const SERVICE_PORT = 8080;

const delay = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/** Writes the IngressClass `sluice` owned by sluice (optionally the default class). */
export function writeOurClass(api: ApiEmulator, options: { isDefault?: boolean; name?: string } = {}): KubeObject {
  const annotations: Record<string, string> = options.isDefault
    ? { 'ingressclass.kubernetes.io/is-default-class': 'true' }
    : {};
  return api.apply({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'IngressClass',
    metadata: { name: options.name ?? CLASS_NAME, annotations },
    spec: { controller: CONTROLLER_CLASS },
  });
}

export interface Backends {
  /** Pods by Service name. */
  readonly pods: Map<string, Pod[]>;
  /** Every pod started, for cleanup. */
  readonly all: Pod[];
  stopAll(): Promise<void>;
}

/**
 * Starts `count` echo pods per Service (pods named `<service>-<i>`, reporting the Service in their echo) and writes
 * each Service (port 8080 named `http`) with its EndpointSlice.
 */
export async function startBackends(api: ApiEmulator, namespace: string, services: Record<string, number>): Promise<Backends> {
  const pods = new Map<string, Pod[]>();
  const all: Pod[] = [];
  for (const [service, count] of Object.entries(services)) {
    const group = await startPods(count, { namePrefix: service, namespace, service });
    pods.set(service, group);
    all.push(...group);
    writeBackend(api, {
      namespace,
      name: service,
      ports: [{ name: 'http', port: SERVICE_PORT, targetPort: group[0].port }],
      endpoints: group,
    });
  }
  return {
    pods,
    all,
    async stopAll() {
      await Promise.all(all.map((p) => p.kill()));
    },
  };
}

/** `backend.service` by port number (the suite's form) or by port name. */
export function backend(service: string, port: number | string = SERVICE_PORT): KubeObject {
  return { service: { name: service, port: typeof port === 'number' ? { number: port } : { name: port } } };
}

export function pathRule(path: string, pathType: 'Exact' | 'Prefix' | 'ImplementationSpecific', service: string): KubeObject {
  return { path, pathType, backend: backend(service) };
}

/** An Ingress object; `spec` as the suite writes it, class and annotations added as given. */
export function ingress(
  namespace: string,
  name: string,
  spec: KubeObject,
  options: { className?: string | null; annotations?: Record<string, string> } = {},
): KubeObject {
  const className = options.className === undefined ? CLASS_NAME : options.className;
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { namespace, name, annotations: { ...options.annotations } },
    spec: className === null ? spec : { ingressClassName: className, ...spec },
  };
}

/** Starts the real binary against the emulator, publishing 127.0.0.1 into Ingress status, and waits until ready. */
export async function startSluice(api: ApiEmulator, extraArgs: string[] = []): Promise<RunningController> {
  const controller = await startController([
    '--kubeconfig',
    writeKubeconfig(api.url),
    '--publish-status-address',
    PUBLISHED_ADDRESS,
    '--access-log',
    'off',
    '--log-level',
    'warn',
    ...extraArgs,
  ]);
  await controller.waitReady();
  return controller;
}

/** `status.loadBalancer.ingress` of an Ingress in the emulator ([] when none). */
export function ingressStatusAddresses(api: ApiEmulator, namespace: string, name: string): string[] {
  const object = api.get('Ingress', namespace, name);
  const entries: KubeObject[] = object?.status?.loadBalancer?.ingress ?? [];
  return entries.map((e) => e.ip ?? e.hostname ?? '');
}

/** Polls the emulator (bounded) until the Ingress status lists an address; returns the addresses. */
export async function waitIngressStatus(api: ApiEmulator, namespace: string, name: string, timeoutMs = 10_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const addresses = ingressStatusAddresses(api, namespace, name);
    if (addresses.length > 0) return addresses;
    if (Date.now() > deadline) throw new Error(`Ingress ${namespace}/${name} has no status address after ${timeoutMs} ms`);
    await delay(20);
  }
}

/** GET /api/v1/routes. */
export async function routesOf(controller: RunningController): Promise<any> {
  const response = await fetch(`${controller.adminUrl}/api/v1/routes`, { signal: AbortSignal.timeout(5000) });
  if (response.status !== 200) throw new Error(`GET /api/v1/routes answered ${response.status}`);
  return await response.json();
}

/** Polls GET /api/v1/routes every ~20 ms until `predicate` holds. */
export async function waitRoutes(
  controller: RunningController,
  predicate: (routes: any) => boolean,
  what: string,
  timeoutMs = 10_000,
): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown = null;
  for (;;) {
    last = await routesOf(controller);
    if (predicate(last)) return last;
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; routes: ${JSON.stringify(last).slice(0, 1500)}`);
    }
    await delay(20);
  }
}

/** The hosts of the published table (as the routes API names them: `foo.bar.com`, `*.foo.com`, `` for host-less). */
export function tableHosts(routes: any): string[] {
  return (routes.hosts as { host: string }[]).map((h) => h.host);
}

export interface TlsPair {
  certPem: string;
  keyPem: string;
}

/** A self-signed certificate (EC P-256: fast) with CN = the first host and every host as a DNS SAN. */
export async function selfSignedFor(hosts: string[]): Promise<TlsPair> {
  const now = Date.now();
  const result = await generate([{ name: 'commonName', value: hosts[0] }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: new Date(now - 60_000),
    notAfterDate: new Date(now + 24 * 3600_000),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: hosts.map((value) => ({ type: 2 as const, value })) },
    ],
  });
  return { certPem: result.cert, keyPem: result.private };
}

/** Writes a `kubernetes.io/tls` Secret holding the pair. */
export function writeTlsSecret(api: ApiEmulator, namespace: string, name: string, pair: TlsPair): KubeObject {
  return api.apply({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { namespace, name },
    type: 'kubernetes.io/tls',
    data: {
      'tls.crt': Buffer.from(pair.certPem).toString('base64'),
      'tls.key': Buffer.from(pair.keyPem).toString('base64'),
    },
  });
}

export interface ServedCertificate {
  commonName: string;
  subjectAltName: string;
  fingerprint256: string;
  /** Whether the chain verified against `ca` with this servername (only when `ca` was given). */
  authorized: boolean;
  authorizationError: string | null;
}

/**
 * Opens a TLS connection to 127.0.0.1:port with the given SNI (none when `servername` is undefined) and returns the
 * certificate served. With `ca`, the connection verifies the chain and the hostname against it (reported, not thrown).
 */
export function servedCertificate(port: number, servername: string | undefined, ca?: string): Promise<ServedCertificate> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({
      host: '127.0.0.1',
      port,
      ...(servername === undefined ? {} : { servername }),
      ...(ca === undefined ? {} : { ca }),
      rejectUnauthorized: false,
      ALPNProtocols: ['http/1.1'],
    });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`TLS handshake with SNI ${servername ?? '(none)'} did not finish in 5 s`));
    }, 5000);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      const cert: PeerCertificate = socket.getPeerCertificate();
      let authorized = socket.authorized;
      let authorizationError: string | null = socket.authorizationError ? String(socket.authorizationError) : null;
      if (ca !== undefined && authorized && servername !== undefined) {
        // Node checks the hostname only when rejectUnauthorized is on; check it here the same way.
        const identityError = checkIdentity(servername, cert);
        if (identityError !== null) {
          authorized = false;
          authorizationError = identityError;
        }
      }
      socket.destroy();
      const cn = cert.subject?.CN;
      resolve({
        commonName: Array.isArray(cn) ? cn.join(',') : (cn ?? ''),
        subjectAltName: cert.subjectaltname ?? '',
        fingerprint256: cert.fingerprint256,
        authorized,
        authorizationError,
      });
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

function checkIdentity(servername: string, cert: PeerCertificate): string | null {
  const error = checkServerIdentity(servername, cert);
  return error === undefined ? null : error.message;
}

/** Counts of pod names, sorted by name, for printing. */
export function tally(names: Iterable<string>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const name of names) counts[name] = (counts[name] ?? 0) + 1;
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true })));
}
