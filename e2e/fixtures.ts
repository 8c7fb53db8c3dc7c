/**
 * Shared fixtures of the e2e files that drive the real binary against the API emulator:
 *  - object builders: our IngressClass, Ingresses (a whole `spec`, or one host → one Service), rules, TLS Secrets;
 *  - `startScenario(...)`: emulator, echo pods behind Services, our IngressClass, objects, the controller, ready;
 *  - bounded polling (`pollUntil`, `timeUntil`, `waitEdge`) and small views of the admin API (status informers,
 *    routes, metrics) and of Ingress status;
 *  - the conformance files' setup (`startConformance`: Service port 8080, status address published).
 */
import { checkServerIdentity, connect as tlsConnect, type PeerCertificate } from 'node:tls';
import { generate } from 'selfsigned';
import { startApiEmulator, type ApiEmulator, type KubeObject } from './support/api-emulator.ts';
import { startController, type ControllerStatus, type RunningController } from './support/controller.ts';
import { writeBackend } from './support/endpoint-slices.ts';
import { closeHttpClients, edgeRequest, type EdgeResponse } from './support/http-client.ts';
import { writeKubeconfig } from './support/kubeconfig.ts';
import { startPods, type Pod } from './support/pods.ts';

export const CLASS_NAME = 'sluice';
export const CONTROLLER_CLASS = 'sluice.dev/ingress-controller';
/** The kinds the controller watches in a cluster, one informer each. */
export const WATCHED_KINDS: readonly string[] = Object.freeze([
  'configmaps',
  'endpointslices',
  'ingressclasses',
  'ingresses',
  'secrets',
  'services',
]);

/** The informers the controller runs: one per watched kind, and a second for Secrets (Opaque ones, kept when named). ConfigMaps too are kept only when named. */
export const INFORMER_NAMES: readonly string[] = Object.freeze([...WATCHED_KINDS, 'opaque-secrets'].sort());

export const delay = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

// ---- object builders ----

/** An IngressClass (default: `sluice`, owned by sluice), optionally marked as the cluster's default class. */
export function ingressClass(
  name = CLASS_NAME,
  options: { controller?: string; isDefault?: boolean } = {},
): KubeObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'IngressClass',
    metadata: {
      name,
      ...(options.isDefault ? { annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' } } : {}),
    },
    spec: { controller: options.controller ?? CONTROLLER_CLASS },
  };
}

export type PathType = 'Exact' | 'Prefix' | 'ImplementationSpecific';

/** `backend.service` by port name (default `http`) or by port number. */
export function backend(service: string, port: number | string = 'http'): KubeObject {
  return { service: { name: service, port: typeof port === 'number' ? { number: port } : { name: port } } };
}

export function pathRule(
  path: string,
  pathType: PathType,
  service: string,
  port: number | string = 'http',
): KubeObject {
  return { path, pathType, backend: backend(service, port) };
}

export interface IngressOptions {
  /** `spec.ingressClassName`; default `sluice`, null for none. */
  className?: string | null;
  annotations?: Record<string, string>;
  status?: KubeObject;
}

/** An Ingress object with `spec` as given, class, annotations and status added as asked. */
export function ingress(namespace: string, name: string, spec: KubeObject, options: IngressOptions = {}): KubeObject {
  const className = options.className === undefined ? CLASS_NAME : options.className;
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {
      namespace,
      name,
      ...(options.annotations === undefined ? {} : { annotations: { ...options.annotations } }),
    },
    spec: className === null ? spec : { ingressClassName: className, ...spec },
    ...(options.status === undefined ? {} : { status: options.status }),
  };
}

/**
 * An Ingress with one rule: `host` + `path` (Prefix unless said) → `service` port `http` (or `port`), and with
 * `tlsSecret` a TLS section for the host.
 */
export function hostIngress(
  namespace: string,
  name: string,
  host: string,
  service: string,
  options: IngressOptions & { path?: string; pathType?: PathType; port?: number | string; tlsSecret?: string } = {},
): KubeObject {
  const spec: KubeObject = {
    ...(options.tlsSecret === undefined ? {} : { tls: [{ hosts: [host], secretName: options.tlsSecret }] }),
    rules: [
      { host, http: { paths: [pathRule(options.path ?? '/', options.pathType ?? 'Prefix', service, options.port)] } },
    ],
  };
  return ingress(namespace, name, spec, options);
}

export interface TlsPair {
  certPem: string;
  keyPem: string;
}

/** A self-signed certificate (EC P-256: fast) with CN = the first host, every host as a DNS SAN, O if given. */
export async function selfSignedFor(hosts: string[], options: { organization?: string } = {}): Promise<TlsPair> {
  const now = Date.now();
  const subject = [{ name: 'commonName', value: hosts[0] }];
  if (options.organization !== undefined) subject.push({ name: 'organizationName', value: options.organization });
  const result = await generate(subject, {
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

/** A `kubernetes.io/tls` Secret holding the pair. */
export function tlsSecret(namespace: string, name: string, pair: TlsPair): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { namespace, name },
    type: 'kubernetes.io/tls',
    data: {
      'tls.crt': Buffer.from(pair.certPem).toString('base64'),
      'tls.key': Buffer.from(pair.keyPem).toString('base64'),
    },
  };
}

/** An Opaque Secret with these values (base64-encoded here), as `kubectl create secret generic` makes one. */
export function opaqueSecret(namespace: string, name: string, data: Readonly<Record<string, string>>): KubeObject {
  const encoded = Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')]));
  return { apiVersion: 'v1', kind: 'Secret', type: 'Opaque', metadata: { namespace, name }, data: encoded };
}

// ---- a running scenario ----

export interface BackendSpec {
  pods: number;
  /** Pod names are `<prefix>-<i>`; default the Service name. */
  prefix?: string;
  /** How many of the pods the EndpointSlice lists at the start (default all). */
  endpoints?: number;
}

export interface ScenarioOptions {
  /** Namespace of the backends (default `shop`). */
  namespace?: string;
  /** Echo pods per Service, each Service written with its EndpointSlice; default `{ web: 2 }`. */
  backends?: Record<string, number | BackendSpec>;
  /** The Services' port, named `http` (default 80). */
  servicePort?: number;
  /** Objects applied before the controller starts, after our IngressClass `sluice` and the backends. */
  objects?: KubeObject[];
  /** Flags after `--kubeconfig K --access-log off`. */
  args?: string[];
  /** Environment of the controller. */
  env?: Record<string, string | undefined>;
  readyTimeoutMs?: number;
}

export interface Scenario {
  readonly api: ApiEmulator;
  readonly kubeconfig: string;
  readonly namespace: string;
  readonly servicePort: number;
  /** Every pod started, in order. */
  readonly pods: Pod[];
  /** Pods by Service, as written by `backends` or `addBackend`. */
  readonly backends: Map<string, Pod[]>;
  /** The controller started by `startScenario`, ready. */
  readonly controller: RunningController;
  /** Starts `count` more pods (stopped by close()); they share `port` when given. */
  addPods(count: number, options: { prefix?: string; service: string; port?: number }): Promise<Pod[]>;
  /** Starts pods and writes their Service (port `servicePort` named http) and EndpointSlice. */
  addBackend(service: string, spec: number | BackendSpec): Promise<Pod[]>;
  /** One more controller against the same API (not waited for; stopped by close()). */
  startController(args?: string[], env?: Record<string, string | undefined>): Promise<RunningController>;
  /** Stops (or kills) every controller, kills every pod, closes the emulator and the HTTP clients. */
  close(how?: 'stop' | 'kill'): Promise<void>;
}

/**
 * Starts the API emulator, our IngressClass, echo backends and `objects`, then the real controller against it, and
 * waits until it is ready. Everything is cleaned up by `close()` (and on a failed start).
 */
export async function startScenario(options: ScenarioOptions = {}): Promise<Scenario> {
  const api = await startApiEmulator();
  const kubeconfig = writeKubeconfig(api.url);
  const namespace = options.namespace ?? 'shop';
  const servicePort = options.servicePort ?? 80;
  const pods: Pod[] = [];
  const backends = new Map<string, Pod[]>();
  const controllers: RunningController[] = [];
  let controller: RunningController | undefined;

  const scenario: Scenario = {
    api,
    kubeconfig,
    namespace,
    servicePort,
    pods,
    backends,
    get controller(): RunningController {
      if (controller === undefined) throw new Error('the scenario has no controller');
      return controller;
    },
    async addPods(count, { prefix, service, port }) {
      const group = await startPods(count, { namePrefix: prefix ?? service, namespace, service, port });
      pods.push(...group);
      return group;
    },
    async addBackend(service, spec) {
      const { pods: count, prefix, endpoints } = typeof spec === 'number' ? { pods: spec } : spec;
      const group = await scenario.addPods(count, { prefix, service });
      backends.set(service, group);
      writeBackend(api, {
        namespace,
        name: service,
        ports: [{ name: 'http', port: servicePort, targetPort: group[0].port }],
        endpoints: group.slice(0, endpoints ?? count),
      });
      return group;
    },
    async startController(args = [], env = {}) {
      const started = await startController(['--kubeconfig', kubeconfig, '--access-log', 'off', ...args], env);
      controllers.push(started);
      return started;
    },
    async close(how = 'stop') {
      await Promise.all(controllers.map((c) => (how === 'kill' ? c.kill() : c.stop())));
      await Promise.all(pods.map((p) => p.kill()));
      await api.close();
      await closeHttpClients();
    },
  };

  try {
    api.apply(ingressClass());
    for (const [service, spec] of Object.entries(options.backends ?? { web: 2 }))
      await scenario.addBackend(service, spec);
    for (const object of options.objects ?? []) api.apply(object);
    controller = await scenario.startController(options.args, options.env);
    await controller.waitReady(options.readyTimeoutMs ?? 30_000);
  } catch (error) {
    await scenario.close('kill');
    throw error;
  }
  return scenario;
}

// ---- bounded waits ----

export interface PollOptions {
  timeoutMs?: number;
  everyMs?: number;
  /** Its last output lines go into the timeout error. */
  controller?: RunningController;
}

/**
 * Calls `probe` every `everyMs` (20) until `accept` holds for its value, and returns that value. A probe that throws
 * counts as not yet. After `timeoutMs` (10 s) it fails with `what` and the last value or error.
 */
export async function pollUntil<T>(
  what: string,
  probe: () => T | Promise<T>,
  accept: (value: T) => boolean,
  { timeoutMs = 10_000, everyMs = 20, controller }: PollOptions = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown = 'nothing yet';
  for (;;) {
    try {
      const value = await probe();
      if (accept(value)) return value;
      last = value;
    } catch (error) {
      last = (error as Error).message;
    }
    if (Date.now() > deadline) {
      const tail = controller === undefined ? '' : `\n${controller.outputTail(20)}`;
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}; last: ${JSON.stringify(last)?.slice(0, 1500)}${tail}`,
      );
    }
    await delay(everyMs);
  }
}

/** Polls `probe` every 20 ms until it returns true; resolves with the ms it took. Throws after `timeoutMs`. */
export async function timeUntil(what: string, probe: () => Promise<boolean>, timeoutMs = 20_000): Promise<number> {
  const started = Date.now();
  await pollUntil(what, probe, (yes) => yes, { timeoutMs });
  return Date.now() - started;
}

/** One request through the edge; null when it could not be made (refused, reset, timed out after 2 s). */
export async function tryEdge(controller: RunningController, host: string, path = '/'): Promise<EdgeResponse | null> {
  try {
    return await edgeRequest(controller.httpUrl, { host, path, timeoutMs: 2000 });
  } catch {
    return null;
  }
}

/** Polls the edge until the answer for `host` + `path` satisfies `accept`; returns that answer. */
export async function waitEdge(
  controller: RunningController,
  host: string,
  path: string,
  accept: (reply: EdgeResponse) => boolean,
  what: string,
  timeoutMs = 10_000,
): Promise<EdgeResponse> {
  const reply = await pollUntil(
    what,
    () => tryEdge(controller, host, path),
    (r) => r !== null && accept(r),
    { timeoutMs, controller },
  );
  return reply!;
}

// ---- views of the admin API and of the emulator ----

export interface InformerStats {
  name: string;
  synced: boolean;
  objects: number;
  restarts: number;
  lastError: string | null;
}

/** The informers of the cluster source in /api/v1/status. */
export function informers(status: ControllerStatus): InformerStats[] {
  const sources = status.sources as { detail?: { informers?: InformerStats[] } }[];
  return sources.flatMap((s) => s.detail?.informers ?? []);
}

export const totalRestarts = (status: ControllerStatus) => informers(status).reduce((sum, i) => sum + i.restarts, 0);

/** GET /api/v1/routes. */
export async function routesOf(controller: RunningController): Promise<any> {
  const response = await fetch(`${controller.adminUrl}/api/v1/routes`, { signal: AbortSignal.timeout(5000) });
  if (response.status !== 200) throw new Error(`GET /api/v1/routes answered ${response.status}`);
  return await response.json();
}

/** Polls GET /api/v1/routes until `predicate` holds. */
export function waitRoutes(
  controller: RunningController,
  predicate: (routes: any) => boolean,
  what: string,
  timeoutMs = 10_000,
): Promise<any> {
  return pollUntil(what, () => routesOf(controller), predicate, { timeoutMs });
}

/** The hosts of the published table (as the routes API names them: `foo.bar.com`, `*.foo.com`, `` for host-less). */
export function tableHosts(routes: any): string[] {
  return (routes.hosts as { host: string }[]).map((h) => h.host);
}

/** The sum of the samples of a metric family on /metrics (every label set, or those whose line `where` accepts). */
export async function metricSum(
  controller: RunningController,
  name: string,
  where: (line: string) => boolean = () => true,
): Promise<number> {
  const text = await (await fetch(`${controller.adminUrl}/metrics`, { signal: AbortSignal.timeout(5000) })).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    if ((line.startsWith(`${name}{`) || line.startsWith(`${name} `)) && where(line))
      sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

/** `status.loadBalancer.ingress` of an Ingress in the emulator, as addresses ([] when none). */
export function ingressStatusAddresses(api: ApiEmulator, namespace: string, name: string): string[] {
  const entries: KubeObject[] = api.get('Ingress', namespace, name)?.status?.loadBalancer?.ingress ?? [];
  return entries.map((e) => e.ip ?? e.hostname ?? '');
}

/** Polls the emulator until the Ingress status lists an address; returns the addresses. */
export function waitIngressStatus(
  api: ApiEmulator,
  namespace: string,
  name: string,
  timeoutMs = 10_000,
): Promise<string[]> {
  return pollUntil(
    `a status address on Ingress ${namespace}/${name}`,
    () => ingressStatusAddresses(api, namespace, name),
    (a) => a.length > 0,
    {
      timeoutMs,
    },
  );
}

export interface ServedCertificate {
  commonName: string;
  organization: string;
  subjectAltName: string;
  fingerprint256: string;
  /** Whether the chain verified against `ca` with this servername (only when `ca` was given). */
  authorized: boolean;
  authorizationError: string | null;
}

const subjectField = (value: string | string[] | undefined) => (Array.isArray(value) ? value.join(',') : (value ?? ''));

/**
 * Opens a TLS connection to 127.0.0.1:port with the given SNI (none when `servername` is undefined) and returns the
 * certificate served. With `ca`, the connection verifies the chain and the hostname against it (reported, not thrown).
 */
export function servedCertificate(
  port: number,
  servername: string | undefined,
  ca?: string,
): Promise<ServedCertificate> {
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
        const identityError = checkServerIdentity(servername, cert);
        if (identityError !== undefined) {
          authorized = false;
          authorizationError = identityError.message;
        }
      }
      socket.destroy();
      resolve({
        commonName: subjectField(cert.subject?.CN),
        organization: subjectField(cert.subject?.O),
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

/** Counts of names, sorted by name (numeric aware), for printing. */
export function tally(names: Iterable<string>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const name of names) counts[name] = (counts[name] ?? 0) + 1;
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true })));
}

// ---- conformance (kubernetes-sigs/ingress-controller-conformance features through the binary) ----

/** The address the controller publishes into the status of its Ingresses (--publish-status-address). */
export const PUBLISHED_ADDRESS = '127.0.0.1';
/** The Service port every conformance backend exposes (the suite's `port.number: 8080`, named `http`). */
export const CONFORMANCE_PORT = 8080;

/** `backend.service` by port number 8080 (the suite's form). */
export const conformanceBackend = (service: string) => backend(service, CONFORMANCE_PORT);
/** A path rule to `service` port number 8080 (the suite's form). */
export const conformancePath = (path: string, pathType: PathType, service: string) =>
  pathRule(path, pathType, service, CONFORMANCE_PORT);

/**
 * A conformance scenario: backends on Service port 8080 (`count` pods each, named `<service>-<i>`) in `namespace`,
 * `objects`, and the controller publishing 127.0.0.1 into Ingress status, logging warnings only.
 */
export function startConformance(
  namespace: string,
  backends: Record<string, number | BackendSpec>,
  objects: KubeObject[],
  args: string[] = [],
): Promise<Scenario> {
  return startScenario({
    namespace,
    backends,
    servicePort: CONFORMANCE_PORT,
    objects,
    args: ['--publish-status-address', PUBLISHED_ADDRESS, '--log-level', 'warn', ...args],
  });
}
