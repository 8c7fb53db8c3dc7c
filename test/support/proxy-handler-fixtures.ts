// Test-only support for the request-path tests: hand-made routing states, loopback upstreams, an
// edge server wrapping handler.handle, and a raw HTTP/1.1 client. Nothing in the product imports it.

import { once } from 'node:events';
import http, { type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { RoutingState } from '../../src/controller/state.ts';
import type {
  BackendEndpoints,
  BackendState,
  BuildResult,
  Endpoint,
  Match,
  Matcher,
  PathRoute,
  RoutePolicy,
} from '../../src/routing/types.ts';
import type { GatewayRouteData } from '../../src/routing/gateway/route-data.ts';
import { silentLogger } from '../../src/util/logger.ts';
import { createProxyHandler, type ProxyHandler, type ProxyHandlerOptions } from '../../src/proxy/handler.ts';
import type { RequestRecord } from '../../src/proxy/request-record.ts';
import type { UpstreamClientChoice } from '../../src/proxy/upstream-client-choice.ts';

/** SLUICE_UPSTREAM_CLIENT=lean|undici|auto runs the request-path tests over that upstream client (CI runs both). */
export function upstreamClientFromEnv(): UpstreamClientChoice {
  const value = process.env.SLUICE_UPSTREAM_CLIENT;
  if (value === undefined || value === '') return 'auto';
  if (value !== 'auto' && value !== 'lean' && value !== 'undici')
    throw new Error('SLUICE_UPSTREAM_CLIENT must be auto, lean or undici: ' + value);
  return value;
}

export interface RouteSpec {
  /** '' for every host. */
  readonly host: string;
  readonly path: string;
  readonly exact?: boolean;
  readonly backend: string;
  readonly policy?: Partial<RoutePolicy>;
  /** Gateway API route data (mirrors, request timeout…). */
  readonly gateway?: GatewayRouteData;
}

const defaultPolicy: RoutePolicy = { sslRedirect: false, requestTimeoutMs: null, maxBodyBytes: null };

function endpoint(address: string, port: number): Endpoint {
  return { address, port, ready: true, serving: true, terminating: false, pod: null, zone: null };
}

export function okBackend(key: string, upstreams: ReadonlyArray<{ address: string; port: number }>): BackendEndpoints {
  const [namespace, rest] = key.split('/');
  const [service, port] = rest.split(':');
  const list = upstreams.map((u) => endpoint(u.address, u.port));
  return {
    key,
    namespace,
    service,
    servicePort: Number(port),
    state: 'ok',
    reason: null,
    usable: list,
    all: list,
    externalName: null,
  };
}

export function unusableBackend(key: string, state: BackendState, reason: string): BackendEndpoints {
  const [namespace, rest] = key.split('/');
  return {
    key,
    namespace,
    service: rest.split(':')[0],
    servicePort: 80,
    state,
    reason,
    usable: [],
    all: [],
    externalName: null,
  };
}

export function externalBackend(key: string, host: string, port: number): BackendEndpoints {
  return { ...unusableBackend(key, 'external-name', ''), reason: null, externalName: { host, port } };
}

/** A small matcher with the routing-semantics precedence (exact host, then any; Exact, then longest Prefix). */
function handMadeMatcher(routes: readonly PathRoute[], hostOf: readonly string[]): Matcher {
  const hosts = new Set(hostOf);
  const match = (host: string, path: string): Match | null => {
    const ruleHost = hosts.has(host) ? host : '';
    let best: PathRoute | null = null;
    for (let i = 0; i < routes.length; i++) {
      const route = routes[i];
      if (hostOf[i] !== ruleHost) continue;
      const prefix = route.path.endsWith('/') ? route.path : route.path + '/';
      const matches = route.match === 'exact' ? path === route.path : path === route.path || path.startsWith(prefix);
      if (!matches) continue;
      const better =
        best === null ||
        (route.match === 'exact' && best.match !== 'exact') ||
        (route.match === best.match && route.path.length > best.path.length);
      if (better) best = route;
    }
    return best === null ? null : { kind: 'path', target: best, host: null, route: best };
  };
  return {
    match,
    explain(host, path) {
      return { host, path, match: match(host, path), hostMatch: 'none', passedOver: [] };
    },
  };
}

let generation = 0;

/** A RoutingState from route specs and backends (the route's Ingress is named after its host). */
export function makeState(specs: readonly RouteSpec[], backends: readonly BackendEndpoints[]): RoutingState {
  const routes: PathRoute[] = specs.map((spec, i) => {
    return {
      path: spec.path,
      pathType: spec.exact === true ? 'Exact' : 'Prefix',
      match: spec.exact === true ? 'exact' : 'prefix',
      field: `spec.rules[0].http.paths[${i}]`,
      backend: spec.backend,
      source: { kind: 'Ingress', namespace: 'default', name: spec.host },
      policy: { ...defaultPolicy, ...spec.policy },
      ...(spec.gateway === undefined ? {} : { gateway: spec.gateway }),
    };
  });
  const result: BuildResult = {
    table: { hosts: [], defaultBackend: null },
    endpoints: new Map(backends.map((b) => [b.key, b])),
    tls: { hosts: new Map(), certificates: new Map(), defaultCertificate: null },
    problems: [],
    ownedIngresses: [],
  };
  generation++;
  return {
    generation,
    builtAt: new Date().toISOString(),
    buildMs: 0,
    result,
    matcher: handMadeMatcher(
      routes,
      specs.map((spec) => spec.host),
    ),
  };
}

export interface Upstream {
  readonly server: Server;
  readonly address: string;
  readonly port: number;
  /** Requests received. */
  count: number;
  close(): Promise<void>;
}

export async function startUpstream(address: string, listener: RequestListener): Promise<Upstream> {
  const server = http.createServer();
  const upstream: Upstream = {
    server,
    address,
    port: 0,
    count: 0,
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close').catch(() => undefined);
    },
  };
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    upstream.count++;
    listener(req, res);
  });
  server.listen(0, address);
  await once(server, 'listening');
  (upstream as { port: number }).port = (server.address() as AddressInfo).port;
  return upstream;
}

/** An upstream answering `name` and echoing what it saw as JSON. */
export function echoUpstream(address: string, name: string): Promise<Upstream> {
  return startUpstream(address, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.stringify({
        name,
        method: req.method,
        url: req.url,
        httpVersion: req.httpVersion,
        rawHeaders: req.rawHeaders,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  });
}

/** A loopback port nothing listens on (bound, then closed). */
export async function closedPort(address: string): Promise<number> {
  const server = net.createServer();
  server.listen(0, address);
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  server.close();
  await once(server, 'close');
  return port;
}

/** The request handler with test defaults (round robin, no body limit, silent); `overrides` replaces any of them. */
export function createTestHandler(
  getState: () => RoutingState,
  overrides: Partial<ProxyHandlerOptions> = {},
): ProxyHandler {
  return createProxyHandler({
    getState,
    trustedProxies: [],
    balancer: 'round-robin',
    timeouts: { connectMs: 2_000, responseHeadersMs: 5_000, bodyIdleMs: 5_000 },
    retry: { maxTries: 3, budgetMs: 5_000 },
    maxBodyBytes: null,
    httpsPort: 443,
    onRequestDone: null,
    log: silentLogger,
    upstreamClient: upstreamClientFromEnv(),
    ...overrides,
  });
}

/** An onRequestDone listener that keeps a copy of each record in `records`. */
export function recordInto(records: RequestRecord[]): (record: RequestRecord) => void {
  return (record) => records.push({ ...record });
}

/** One host, one Prefix `/` route, to `upstreams` behind backend `key`. */
export function singleRouteState(
  upstreams: ReadonlyArray<{ address: string; port: number }>,
  key = 'default/app:80',
): RoutingState {
  return makeState([{ host: 'app.test', path: '/', backend: key }], [okBackend(key, upstreams)]);
}

export interface Edge {
  readonly port: number;
  readonly handler: ProxyHandler;
  readonly records: RequestRecord[];
  state: RoutingState;
  close(): Promise<void>;
}

export async function startEdge(
  state: RoutingState,
  overrides: Partial<ProxyHandlerOptions> = {},
  tls = false,
): Promise<Edge> {
  const records: RequestRecord[] = [];
  const edge = {
    port: 0,
    records,
    state,
  } as { port: number; records: RequestRecord[]; state: RoutingState; handler: ProxyHandler; close(): Promise<void> };
  const handler = createTestHandler(() => edge.state, { onRequestDone: recordInto(records), ...overrides });
  const server = http.createServer((req, res) => handler.handle(req, res, tls));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  edge.port = (server.address() as AddressInfo).port;
  edge.handler = handler;
  edge.close = async () => {
    server.closeAllConnections();
    server.close();
    await handler.close();
  };
  return edge;
}

export interface Reply {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly rawHeaders: string[];
  readonly body: Buffer;
  readonly httpVersion: string;
}

export interface RequestSpec {
  readonly method?: string;
  readonly path?: string;
  readonly headers?: http.OutgoingHttpHeaders | readonly string[];
  readonly body?: Buffer | string;
  readonly localAddress?: string;
}

/** One request over a fresh connection (no agent), from 127.0.0.1 unless told otherwise. */
export function send(port: number, spec: RequestSpec = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1',
      port,
      method: spec.method ?? 'GET',
      path: spec.path ?? '/',
      headers: (spec.headers ?? { host: 'app.test' }) as http.OutgoingHttpHeaders,
      agent: false,
      localAddress: spec.localAddress,
    });
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          rawHeaders: res.rawHeaders,
          body: Buffer.concat(chunks),
          httpVersion: res.httpVersion,
        }),
      );
    });
    req.end(spec.body);
  });
}

/** Sends raw bytes and collects everything the edge answers until it closes the connection. */
export async function sendRaw(port: number, bytes: string): Promise<string> {
  const socket = net.connect(port, '127.0.0.1');
  const chunks: Buffer[] = [];
  socket.on('data', (c: Buffer) => chunks.push(c));
  socket.write(bytes);
  await once(socket, 'close');
  return Buffer.concat(chunks).toString('latin1');
}

export function json(reply: Reply): {
  name: string;
  method: string;
  url: string;
  httpVersion: string;
  rawHeaders: string[];
  headers: http.IncomingHttpHeaders;
  body: string;
} {
  return JSON.parse(reply.body.toString('utf8'));
}
