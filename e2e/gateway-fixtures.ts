/**
 * The upstream Gateway API conformance base (kubernetes-sigs/gateway-api v1.6.1 conformance/base/manifests.yaml)
 * on the API emulator and loopback pods, and the upstream checks: a Gateway's address from status, route
 * parents Accepted, and MakeRequestAndExpectEventuallyConsistentResponse (3 consecutive matching answers).
 */
import type { ApiEmulator, KubeObject } from './support/api-emulator.ts';
import { writeBackend } from './support/endpoint-slices.ts';
import { edgeRequest } from './support/http-client.ts';
import { startH2cEcho, type H2cEcho } from './support/h2c-echo.ts';
import { startPods, type EchoReply, type Pod } from './support/pods.ts';
import { X509Certificate } from 'node:crypto';
import { connect as tlsConnect } from 'node:tls';
import { selfSignedFor, startScenario, tlsSecret, type Scenario, type TlsPair } from './fixtures.ts';

export const INFRA = 'gateway-conformance-infra';
export const APP_BACKEND = 'gateway-conformance-app-backend';
export const WEB_BACKEND = 'gateway-conformance-web-backend';
export const GATEWAY_CLASS = 'sluice-conformance';
export const CONTROLLER_NAME = 'sluice.dev/gateway-controller';
const GROUP = 'gateway.networking.k8s.io';
export const V1 = `${GROUP}/v1`;
/** conformance config.DefaultTimeoutConfig().RequiredConsecutiveSuccesses */
export const REQUIRED_CONSECUTIVE_SUCCESSES = 3;

/** A Namespace with the label the API server adds to every one (Kubernetes 1.22+). */
export function namespaceObject(name: string, labels: Record<string, string> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, labels: { ...labels, 'kubernetes.io/metadata.name': name } },
  };
}

export function httpGateway(name: string, from: KubeObject): KubeObject {
  return {
    apiVersion: V1,
    kind: 'Gateway',
    metadata: { namespace: INFRA, name },
    spec: {
      gatewayClassName: GATEWAY_CLASS,
      listeners: [{ name: 'http', port: 80, protocol: 'HTTP', allowedRoutes: { namespaces: from } }],
    },
  };
}

/** The base manifests' same-namespace-with-https-listener: four HTTPS listeners on 443 sharing one certificate. */
function httpsGateway(): KubeObject {
  const listener = (name: string, hostname?: string) => ({
    name,
    port: 443,
    protocol: 'HTTPS',
    ...(hostname === undefined ? {} : { hostname }),
    allowedRoutes: { namespaces: { from: 'Same' } },
    tls: {
      certificateRefs: [{ group: '', kind: 'Secret', name: 'tls-validity-checks-certificate', namespace: INFRA }],
    },
  });
  return {
    apiVersion: V1,
    kind: 'Gateway',
    metadata: { namespace: INFRA, name: 'same-namespace-with-https-listener' },
    spec: {
      gatewayClassName: GATEWAY_CLASS,
      listeners: [
        listener('https'),
        listener('https-with-hostname', 'second-example.org'),
        listener('https-with-wildcard-hostname', '*.wildcard.org'),
        listener('https-with-hostname-matching-wildcard', 'fourth-example.wildcard.org'),
      ],
    },
  };
}

export function httpRoute(namespace: string, name: string, spec: KubeObject): KubeObject {
  return { apiVersion: V1, kind: 'HTTPRoute', metadata: { namespace, name }, spec };
}

/** The base manifests' HTTP Gateways (the HTTPS one needs certificates: not ported yet). */
export function baseObjects(): KubeObject[] {
  return [
    namespaceObject(INFRA, { 'gateway-conformance': 'infra' }),
    namespaceObject(APP_BACKEND, { 'gateway-conformance': 'backend' }),
    namespaceObject(WEB_BACKEND, { 'gateway-conformance': 'backend' }),
    {
      apiVersion: V1,
      kind: 'GatewayClass',
      metadata: { name: GATEWAY_CLASS },
      spec: { controllerName: CONTROLLER_NAME },
    },
    httpGateway('same-namespace', { from: 'Same' }),
    httpsGateway(),
    httpGateway('all-namespaces', { from: 'All' }),
    httpGateway('backend-namespaces', {
      from: 'Selector',
      selector: { matchLabels: { 'gateway-conformance': 'backend' } },
    }),
  ];
}

export interface GatewayConformance {
  readonly scenario: Scenario;
  readonly api: ApiEmulator;
  /** The Secret tls-validity-checks-certificate's pair (the HTTPS listeners' certificate). */
  readonly certificate: TlsPair;
  /** The base manifests' backend pods by Service name. */
  readonly pods: ReadonlyMap<string, Pod>;
  close(): Promise<void>;
}

/**
 * Backends of the base manifests: Services on port 8080 with one echo pod each, in their namespaces, and
 * upstream's third-port (8082, appProtocol kubernetes.io/ws: the echo pods serve WebSockets on /ws); the
 * pod of infra-backend-v1 also speaks h2c on second-port (8081, appProtocol kubernetes.io/h2c).
 */
async function startBackends(api: ApiEmulator, h2c: H2cEcho[]): Promise<Pod[]> {
  const wanted: [string, string][] = [
    [INFRA, 'infra-backend-v1'],
    [INFRA, 'infra-backend-v2'],
    [INFRA, 'infra-backend-v3'],
    [APP_BACKEND, 'app-backend-v1'],
    [APP_BACKEND, 'app-backend-v2'],
    [WEB_BACKEND, 'web-backend'],
  ];
  const pods: Pod[] = [];
  for (const [ns, service] of wanted) {
    const [pod] = await startPods(1, { namePrefix: service, namespace: ns, service });
    pods.push(pod);
    const ports = [
      { name: 'first-port', port: 8080, targetPort: pod.port },
      { name: 'third-port', port: 8082, targetPort: pod.port, appProtocol: 'kubernetes.io/ws' },
    ];
    if (service === 'infra-backend-v1') {
      const echo = await startH2cEcho(pod);
      h2c.push(echo);
      ports.push({ name: 'second-port', port: 8081, targetPort: echo.port, appProtocol: 'kubernetes.io/h2c' });
    }
    writeBackend(api, { namespace: ns, name: service, ports, endpoints: [pod] });
  }
  return pods;
}

/**
 * The controller with an address pool (run as root: the Gateways listen on :80 and :443). Test files that run
 * at the same time need different pools, or their Gateways would want the same addresses.
 */
export async function startGatewayConformance(pool = '127.0.20.0/24'): Promise<GatewayConformance> {
  const scenario = await startScenario({
    backends: {},
    args: ['--gateway-address-pool', pool, '--gateway-api-recheck', '200ms'],
  });
  const api = scenario.api;
  let pods: Pod[] = [];
  const h2c: H2cEcho[] = [];
  let certificate: TlsPair;
  try {
    pods = await startBackends(api, h2c);
    for (const object of baseObjects()) api.apply(object);
    // The base manifests' certificate for the HTTPS listeners.
    certificate = await selfSignedFor(['example.org', '*.wildcard.org', 'second-example.org', 'secure.test.com']);
    api.apply(tlsSecret(INFRA, 'tls-validity-checks-certificate', certificate));
    api.installGatewayApi();
  } catch (error) {
    await Promise.all([...pods.map((pod) => pod.kill()), ...h2c.map((echo) => echo.close())]);
    await scenario.close('kill');
    throw error;
  }
  return {
    scenario,
    api,
    certificate,
    pods: new Map(pods.map((pod) => [pod.name.replace(/-\d+$/, ''), pod])),
    async close() {
      await Promise.all([...pods.map((pod) => pod.kill()), ...h2c.map((echo) => echo.close())]);
      await scenario.close();
    },
  };
}

// ---- the upstream checks ----

/** "name" (in the infra namespace) or "namespace/name". */
function routeKey(route: string): [string, string] {
  const slash = route.indexOf('/');
  return slash < 0 ? [INFRA, route] : [route.slice(0, slash), route.slice(slash + 1)];
}

type Condition = { type: string; status: string; reason?: string; observedGeneration?: number };

const pause = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

async function eventually<T>(what: string, probe: () => T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await pause(50);
  }
}

function conditionsCurrent(object: KubeObject, conditions: readonly Condition[]): boolean {
  const generation = object.metadata?.generation;
  return conditions.length > 0 && conditions.every((c) => c.observedGeneration === generation);
}

export function hasCondition(conditions: readonly Condition[] | undefined, wanted: Condition): boolean {
  return (conditions ?? []).some(
    (c) =>
      c.type === wanted.type &&
      c.status === wanted.status &&
      (wanted.reason === undefined || c.reason === wanted.reason),
  );
}

/** kubernetes.WaitForGatewayAddress: status.addresses[0] with a type, conditions at the latest generation. */
export function gatewayAddress(api: ApiEmulator, name: string): Promise<string> {
  return eventually(`an address on Gateway ${name}`, () => {
    const gateway = api.get('Gateway', INFRA, name);
    if (gateway === undefined || !conditionsCurrent(gateway, gateway.status?.conditions ?? [])) return undefined;
    const address = (gateway.status?.addresses ?? []).find((a: { type?: string }) => a.type !== undefined);
    return address?.value as string | undefined;
  });
}

/** kubernetes.GatewayAndHTTPRoutesMustBeAccepted: address, each route's parent Accepted, listeners Accepted/Programmed/ResolvedRefs. */
export async function gatewayAndRoutesAccepted(
  api: ApiEmulator,
  gateway: string,
  routes: string[],
  kind: 'HTTPRoute' | 'GRPCRoute' = 'HTTPRoute',
): Promise<string> {
  const address = await gatewayAddress(api, gateway);
  for (const route of routes) {
    await eventually(`${kind} ${route} Accepted by Gateway ${gateway}`, () => {
      const parents = api.get(kind, ...routeKey(route))?.status?.parents ?? [];
      const parent = parents.find(
        (p: { parentRef: { name: string }; controllerName: string }) =>
          p.parentRef.name === gateway && p.controllerName === CONTROLLER_NAME,
      );
      return parent !== undefined &&
        hasCondition(parent.conditions, { type: 'Accepted', status: 'True', reason: 'Accepted' })
        ? true
        : undefined;
    });
  }
  await eventually(`the listeners of Gateway ${gateway} Accepted, Programmed and ResolvedRefs`, () => {
    const listeners = api.get('Gateway', INFRA, gateway)?.status?.listeners ?? [];
    return listeners.length > 0 && listeners.every(listenerReady) ? true : undefined;
  });
  return address;
}

function listenerReady(listener: { conditions: Condition[] }): boolean {
  return ['Accepted', 'Programmed', 'ResolvedRefs'].every((type) =>
    hasCondition(listener.conditions, { type, status: 'True' }),
  );
}

/** Polls `probe` until it returns true (the upstream suite's wait.PollUntilContextTimeout). */
export function until(what: string, probe: () => boolean, timeoutMs = 30_000): Promise<true> {
  return eventually(what, () => (probe() ? true : undefined), timeoutMs);
}

/**
 * http.ExpectMirroredRequest: each mirror Service's pod received a request for `path` (path and query; the
 * upstream suite reads the pods' logs, our echo pods keep what they received).
 */
export function expectMirrored(
  pods: ReadonlyMap<string, Pod>,
  services: readonly string[],
  path: string,
): Promise<true> {
  return until(`${path} mirrored to ${services.join(', ')}`, () =>
    services.every((service) => pods.get(service)?.received.some((request) => request.url === path) === true),
  );
}

/**
 * kubernetes.HTTPRouteMustHaveNoAcceptedParents and GatewayMustHaveZeroRoutes: `route` ("namespace/name") has
 * no Accepted parent, and no listener of `gateway` counts a route.
 */
export async function notAttached(api: ApiEmulator, route: string, gateway: string): Promise<void> {
  const [ns, name] = route.split('/');
  await until(`HTTPRoute ${route} has no Accepted parent`, () => {
    const parents = api.get('HTTPRoute', ns, name)?.status?.parents;
    return (
      parents !== undefined &&
      !parents.some((p: { conditions: Condition[] }) =>
        hasCondition(p.conditions, { type: 'Accepted', status: 'True' }),
      )
    );
  });
  await until(`Gateway ${gateway} has 0 routes attached`, () => {
    const listeners = api.get('Gateway', INFRA, gateway)?.status?.listeners ?? [];
    return listeners.length > 0 && listeners.every((l: { attachedRoutes: number }) => l.attachedRoutes === 0);
  });
}

/** Throws `message` unless `condition` holds (require.* in the upstream tests). */
export function check(condition: boolean, message: string): void {
  if (!condition) throw new Error(message);
}

/** kubernetes.HTTPRouteMustHaveCondition for the parent `gateway`. */
export function routeCondition(api: ApiEmulator, route: string, gateway: string, wanted: Condition): Promise<true> {
  return eventually(`HTTPRoute ${route} condition ${wanted.type}=${wanted.status} ${wanted.reason ?? ''}`, () => {
    const object = api.get('HTTPRoute', ...routeKey(route));
    const parent = (object?.status?.parents ?? []).find(
      (p: { parentRef: { name: string } }) => p.parentRef.name === gateway,
    );
    return parent !== undefined &&
      conditionsCurrent(object!, parent.conditions) &&
      hasCondition(parent.conditions, wanted)
      ? true
      : undefined;
  });
}

export interface Expected {
  readonly path: string;
  /** Over TLS to port 443 with `host` as SNI (the certificate is not verified). */
  readonly tls?: boolean;
  /** With `tls`: this SNI instead of `host` (upstream MakeTLSRequestAndExpectEventuallyConsistentResponse's serverName). */
  readonly serverName?: string;
  /** With `tls`: HTTP/2 (ALPN h2) instead of HTTP/1.1. */
  readonly http2?: boolean;
  /** A redirect's Location must name this host (upstream RedirectRequest.Host). */
  readonly redirectHost?: string;
  /**
   * A redirect's Location, part by part (upstream RedirectRequest): a part left out must be the request's own
   * (host: any), a port left out must be absent or the scheme's well-known one.
   */
  readonly redirect?: {
    readonly scheme?: string;
    readonly host?: string;
    readonly port?: string;
    readonly path?: string;
  };
  readonly method?: string;
  /** The Gateway port the request goes to (default 80, or 443 with `tls`). */
  readonly port?: number;
  /** Headers the backend must have received, several values joined by ',' (upstream ExpectedRequest.Headers). */
  readonly requestHeaders?: Record<string, string>;
  /** Headers the backend must not have received (upstream AbsentHeaders). */
  readonly absentHeaders?: readonly string[];
  /** The path the backend received; with a '?', the path and query (upstream ExpectedRequest.Path). */
  readonly requestPath?: string;
  /** The Host the backend received (upstream ExpectedRequest.Host). */
  readonly requestHost?: string;
  /** Headers the echo pod sets on its answer (upstream BackendSetResponseHeaders, sent as X-Echo-Set-Header). */
  readonly backendSetResponseHeaders?: Record<string, string>;
  /** Headers of the answer, several lines joined by ',' (upstream Response.Headers). */
  readonly responseHeaders?: Record<string, string>;
  /** Headers the answer must not have (upstream Response.AbsentHeaders). */
  readonly absentResponseHeaders?: readonly string[];
  /** Each header must have one of these values, whitespace ignored (Response.ValidHeaderValues, IgnoreWhitespace). */
  readonly validResponseHeaders?: Record<string, readonly string[]>;
  /** Any of these statuses (upstream Response.StatusCodes); `status` is then not used. */
  readonly statuses?: readonly number[];
  readonly host?: string;
  readonly headers?: Record<string, string>;
  readonly status?: number;
  /** The echo pod's name starts with this Service name (upstream: Backend). */
  readonly backend?: string;
  readonly namespace?: string;
}

type Headers = Record<string, string | string[] | undefined>;

/** IgnoreWhitespace of http.CompareRoundTrip. */
function bare(text: string): string {
  return text.replaceAll(' ', '');
}

/** Response.Headers and Response.AbsentHeaders of http.CompareRoundTrip (lines joined by ','). */
function responseMismatch(headers: Headers, expected: Expected): string | null {
  for (const [name, value] of Object.entries(expected.responseHeaders ?? {})) {
    const got = headers[name.toLowerCase()];
    const text = Array.isArray(got) ? got.join(',') : got;
    if (text !== value) return `response header ${name}: ${text}, wanted ${value}`;
  }
  for (const name of expected.absentResponseHeaders ?? [])
    if (headers[name.toLowerCase()] !== undefined) return `response header ${name} should be absent`;
  for (const [name, values] of Object.entries(expected.validResponseHeaders ?? {})) {
    const got = headers[name.toLowerCase()];
    const text = got === undefined ? undefined : bare(Array.isArray(got) ? got.join(',') : got);
    if (text === undefined || !values.map(bare).includes(text))
      return `response header ${name}: ${String(got)}, wanted one of ${values.join(' | ')}`;
  }
  return null;
}

const WELL_KNOWN_PORT: Readonly<Record<string, string>> = { http: '80', https: '443' };

/** RedirectRequest of http.CompareRoundTrip, with setRedirectRequestDefaults. */
function redirectMismatch(location: string | undefined, expected: Expected): string | null {
  const url = location === undefined ? null : URL.parse(location);
  if (url === null) return `Location ${location} is not a URL`;
  const wanted = expected.redirect!;
  const scheme = url.protocol.slice(0, -1);
  const requestPath = expected.path.split('?')[0];
  if (wanted.host !== undefined && url.hostname !== wanted.host)
    return `Location ${location}: host, wanted ${wanted.host}`;
  if (wanted.port === undefined ? url.port !== '' && url.port !== WELL_KNOWN_PORT[scheme] : url.port !== wanted.port)
    return `Location ${location}: port, wanted ${wanted.port ?? 'none'}`;
  if (scheme !== (wanted.scheme ?? (expected.tls === true ? 'https' : 'http')))
    return `Location ${location}: scheme, wanted ${wanted.scheme}`;
  if (url.pathname !== (wanted.path ?? requestPath))
    return `Location ${location}: path, wanted ${wanted.path ?? requestPath}`;
  return null;
}

/** ExpectedRequest.Path and .Host of http.CompareRoundTrip. */
function requestMismatch(echo: EchoReply, expected: Expected): string | null {
  if (expected.requestPath !== undefined) {
    const got = expected.requestPath.includes('?') ? echo.url : echo.path;
    if (got !== expected.requestPath) return `backend saw path ${got}, wanted ${expected.requestPath}`;
  }
  if (expected.requestHost !== undefined && echo.host !== expected.requestHost)
    return `backend saw host ${echo.host}, wanted ${expected.requestHost}`;
  return null;
}

/** Why a reply does not match (http.CompareRoundTrip), or null when it does. */
function mismatch(
  status: number,
  body: string,
  expected: Expected,
  location: string | undefined,
  headers: Headers,
): string | null {
  const wantedStatus = expected.statuses?.includes(status) === true ? status : (expected.status ?? 200);
  if (expected.statuses !== undefined && !expected.statuses.includes(status))
    return `status ${status}, wanted one of ${expected.statuses.join(', ')}`;
  if (status !== wantedStatus) return `status ${status}, wanted ${wantedStatus}`;
  const inResponse = responseMismatch(headers, expected);
  if (inResponse !== null) return inResponse;
  if (expected.redirect !== undefined) return redirectMismatch(location, expected);
  if (expected.redirectHost !== undefined) {
    const host = location === undefined ? undefined : URL.parse(location)?.hostname;
    return host === expected.redirectHost ? null : `Location ${location}, wanted host ${expected.redirectHost}`;
  }
  if (wantedStatus !== 200 || expected.backend === undefined) return null;
  let echo: EchoReply;
  try {
    echo = JSON.parse(body) as EchoReply;
  } catch {
    return `not an echo: ${body.slice(0, 80)}`;
  }
  if (!echo.pod.startsWith(expected.backend)) return `pod ${echo.pod}, wanted ${expected.backend}-*`;
  const inRequest = requestMismatch(echo, expected);
  if (inRequest !== null) return inRequest;
  for (const [name, value] of Object.entries(expected.requestHeaders ?? {})) {
    const got = (echo.headers[name.toLowerCase()] ?? []).join(',');
    if (got !== value) return `header ${name}: ${got}, wanted ${value}`;
  }
  for (const name of expected.absentHeaders ?? []) {
    if (echo.headers[name.toLowerCase()] !== undefined) return `header ${name} should be absent`;
  }
  if (expected.namespace !== undefined && echo.namespace !== expected.namespace) {
    return `namespace ${echo.namespace}, wanted ${expected.namespace}`;
  }
  return null;
}

/** The request's headers, plus X-Echo-Set-Header when the backend is to set response headers. */
function withEchoSetHeader(expected: Expected): Record<string, string> | undefined {
  const set = expected.backendSetResponseHeaders;
  if (set === undefined) return expected.headers;
  const pairs = Object.entries(set).map(([name, value]) => `${name}:${value}`);
  return { ...expected.headers, 'X-Echo-Set-Header': pairs.join(',') };
}

/** http.MakeRequestAndExpectEventuallyConsistentResponse: REQUIRED_CONSECUTIVE_SUCCESSES matching answers in a row. */
export async function expectEventuallyConsistent(
  address: string,
  expected: Expected,
  timeoutMs = 30_000,
  required = REQUIRED_CONSECUTIVE_SUCCESSES,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let streak = 0;
  let last = '';
  while (streak < required) {
    if (Date.now() > deadline) throw new Error(`${expected.path}: no ${required} consistent answers: ${last}`);
    try {
      const scheme = expected.tls === true ? 'https' : 'http';
      const base = `${scheme}://${address}:${expected.port ?? (expected.tls === true ? 443 : 80)}`;
      const reply = await edgeRequest(base, {
        method: expected.method,
        path: expected.path,
        host: expected.host,
        servername: expected.tls === true ? (expected.serverName ?? expected.host) : undefined,
        http2: expected.http2,
        headers: withEchoSetHeader(expected),
        timeoutMs: 5_000,
      });
      const location = reply.headers.location;
      const why = mismatch(
        reply.status,
        reply.body,
        expected,
        Array.isArray(location) ? location[0] : location,
        reply.headers,
      );
      last = why ?? 'ok';
      streak = why === null ? streak + 1 : 0;
    } catch (error) {
      last = (error as Error).message;
      streak = 0;
    }
    if (streak < required && streak === 0) await pause(100);
  }
}

export interface ExpectedListener {
  readonly name: string;
  /** Compared exactly; omitted: not compared. */
  readonly supportedKinds?: readonly { group?: string; kind: string }[];
  readonly attachedRoutes: number;
  readonly conditions: readonly Condition[];
}

/** kubernetes.GatewayStatusMustHaveListeners: Gateway conditions current; listeners' names, kinds, attached routes, these conditions. */
export function listenersMatch(
  api: ApiEmulator,
  gateway: string,
  expected: readonly ExpectedListener[],
): Promise<true> {
  return eventually(`the listeners of Gateway ${gateway}: ${JSON.stringify(expected)}`, () => {
    const listeners: {
      name: string;
      supportedKinds?: { group?: string; kind: string }[];
      attachedRoutes: number;
      conditions: Condition[];
    }[] = api.get('Gateway', INFRA, gateway)?.status?.listeners ?? [];
    const object = api.get('Gateway', INFRA, gateway);
    if (object === undefined || !conditionsCurrent(object, object.status?.conditions ?? [])) return undefined;
    if (listeners.length !== expected.length) return undefined;
    const ok = expected.every((want) => {
      const got = listeners.find((l) => l.name === want.name);
      if (got === undefined || got.attachedRoutes !== want.attachedRoutes) return false;
      if (want.supportedKinds !== undefined) {
        // helpers.go gatewayListenersMatch: expected kinds ⊆ actual ones (an implementation may support more);
        // an empty expectation means none.
        const kinds = (got.supportedKinds ?? []).map((k) => `${k.group ?? GROUP}/${k.kind}`);
        if (want.supportedKinds.length === 0 && kinds.length > 0) return false;
        if (!want.supportedKinds.every((k) => kinds.includes(`${k.group ?? GROUP}/${k.kind}`))) return false;
      }
      return want.conditions.every((c) => hasCondition(got.conditions, c));
    });
    return ok ? true : undefined;
  });
}

/** kubernetes.GatewayMustHaveLatestConditions and GatewayMustHaveCondition. */
export function gatewayCondition(api: ApiEmulator, gateway: string, wanted: Condition): Promise<true> {
  return eventually(`Gateway ${gateway} condition ${wanted.type}=${wanted.status} ${wanted.reason ?? ''}`, () => {
    const object = api.get('Gateway', INFRA, gateway);
    const conditions: Condition[] = object?.status?.conditions ?? [];
    return object !== undefined && conditionsCurrent(object, conditions) && hasCondition(conditions, wanted)
      ? true
      : undefined;
  });
}

/** Whether address:443 serves `pair`'s certificate for SNI `servername` (tls.MakeTLSRequest checks it with the cert as CA). */
export function servesCertificate(address: string, servername: string, pair: TlsPair): Promise<boolean> {
  const wanted = new X509Certificate(pair.certPem).raw;
  return new Promise((resolve) => {
    const socket = tlsConnect({ host: address, port: 443, servername, rejectUnauthorized: false });
    socket.setTimeout(5_000, () => socket.destroy());
    socket.once('secureConnect', () => {
      const served = socket.getPeerCertificate(false)?.raw;
      socket.destroy();
      resolve(served !== undefined && wanted.equals(served));
    });
    socket.once('error', () => resolve(false));
    socket.once('close', () => resolve(false));
  });
}
