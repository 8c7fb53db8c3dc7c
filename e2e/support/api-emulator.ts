/**
 * A Kubernetes API server emulator for tests: the real JSON wire protocol that @kubernetes/client-node speaks
 * (list, chunked watch with history replay and 410 after compaction, get/create/update/patch/delete, the status
 * subresource, label and field selectors), plus a programmatic API and fault injection.
 * See docs/kube-api-protocol.md.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import {
  apiVersionOf,
  RESOURCE_TYPES,
  typeFromLooseName,
  typeFromObject,
  typeKey,
  type ResourceType,
} from './emulator-resources.ts';
import { parseResourcePath, type ApiCall, type ResourceRoute } from './emulator-routes.ts';
import { parseFieldSelector, parseLabelSelector, type KubeObject } from './emulator-selectors.ts';
import { ApiError, EmulatorStore, type HistoryEntry, type Subresource } from './emulator-store.ts';

export type { ApiCall } from './emulator-routes.ts';
export type { KubeObject } from './emulator-selectors.ts';

export interface StartApiEmulatorOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Defaults to 127.0.0.1. */
  host?: string;
  /** Serve the Gateway API kinds from the start (as if their CRDs were installed). Default false. */
  gatewayApi?: boolean;
}

/** Which requests a fault applies to: fields to compare (all given ones must be equal) or a predicate. */
export type CallMatch = Partial<ApiCall> | ((call: ApiCall) => boolean);

export interface CompactOptions {
  /**
   * How a watch from an expired resourceVersion is refused: 'event' (the real API server's way: 200, one
   * ERROR event carrying a 410 Status, then close) or 'status' (HTTP 410). Default 'event'.
   */
  answer?: 'event' | 'status';
  /** Also send the 410 ERROR event to every open watch and close it. Default false. */
  expireOpenWatches?: boolean;
}

export interface ApiEmulator {
  /** `http://host:port`, no trailing slash. */
  readonly url: string;
  readonly port: number;
  readonly host: string;
  /** Every request received, in order (also the failed, refused-by-fault and held ones). */
  readonly calls: ApiCall[];
  /** The paths of discovery and other non-resource requests, in order. */
  readonly otherRequests: string[];

  /** Create or replace (no preconditions; status kept as given). Needs apiVersion, kind, metadata.name. */
  apply(object: KubeObject): KubeObject;
  /** Delete; `kind` is loose ('Ingress', 'ingresses', 'events.k8s.io/events'). False when absent. */
  remove(kind: string, namespace: string | undefined, name: string): boolean;
  get(kind: string, namespace: string | undefined, name: string): KubeObject | undefined;
  /** All objects of a kind (in one namespace when given), sorted by namespace and name. */
  list(kind: string, namespace?: string): KubeObject[];
  /** Read, change a copy with `change`, write it back (status included). Throws when absent. */
  modify(kind: string, namespace: string | undefined, name: string, change: (object: KubeObject) => void): KubeObject;
  /** The current global resourceVersion. */
  resourceVersion(): string;

  /** How many watches are open (of one kind when given). */
  openWatches(kind?: string): number;
  /** Resolves once at least `count` watches of `kind` are open. */
  waitForWatches(kind: string, count?: number, timeoutMs?: number): Promise<void>;
  /** Calls of one verb (and kind when given) so far. */
  callsOf(verb: string, kind?: string): ApiCall[];

  /** End every open watch stream (of one kind when given), as the API server does on its watch timeout. */
  closeWatches(kind?: string): void;
  /** Every resourceVersion handed out so far becomes too old: a watch from one gets 410 Gone. */
  compact(options?: CompactOptions): void;
  /** Fail the next `count` requests matching `match` with HTTP `status` and a Status body. */
  failNext(count: number, status: number, match?: CallMatch): void;
  /** Drop all pending failNext rules. */
  clearFaults(): void;
  /** Stop listening and drop every connection; state is kept for `restart()`. Same as `stop()`. */
  refuseConnections(): Promise<void>;
  stop(): Promise<void>;
  /** Listen again on the same host and port with the same state. */
  restart(): Promise<void>;
  /** Accept requests but answer none (watches go silent too) until `resume()`, which answers the held ones. */
  pause(): void;
  resume(): void;
  /** Stop for good. */
  close(): Promise<void>;
  /**
   * Install (true) or remove (false) the Gateway API CRDs: while removed, their URLs answer 404 and discovery
   * omits the group; removing ends their open watches. Stored objects stay (programmatic apply always works).
   */
  installGatewayApi(installed?: boolean): void;
}

interface FaultRule {
  remaining: number;
  readonly status: number;
  readonly match: CallMatch | undefined;
}

interface Watcher {
  readonly typeKey: string;
  /** The version the watch was opened with: events carry it (ReferenceGrant is served as v1 and v1beta1). */
  readonly apiVersion: string;
  readonly namespace: string;
  readonly matches: (object: KubeObject) => boolean;
  readonly response: ServerResponse;
  next: number;
}

const reasonByStatus: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  409: 'Conflict',
  410: 'Expired',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

function statusBody(code: number, reason: string, message: string): KubeObject {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
}

function callMatches(match: CallMatch | undefined, call: ApiCall): boolean {
  if (match === undefined) return true;
  if (typeof match === 'function') return match(call);
  for (const [key, value] of Object.entries(match)) {
    if (value !== undefined && call[key as keyof ApiCall] !== value) return false;
  }
  return true;
}

function sendJson(response: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(code, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-cache, private',
  });
  response.end(text);
}

function sendStatus(response: ServerResponse, code: number, message: string, reason?: string): void {
  if (code === 429 || code === 503) response.setHeader('Retry-After', '1');
  sendJson(response, code, statusBody(code, reason ?? reasonByStatus[code] ?? 'Unknown', message));
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/** List items carry no kind/apiVersion, as with the real API server. */
function listItem(object: KubeObject): KubeObject {
  const { kind: _kind, apiVersion: _apiVersion, ...rest } = object;
  return rest;
}

class ApiEmulatorServer implements ApiEmulator {
  readonly host: string;
  port: number;
  readonly calls: ApiCall[] = [];
  readonly otherRequests: string[] = [];
  private readonly store = new EmulatorStore();
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  private readonly watchers = new Set<Watcher>();
  private faults: FaultRule[] = [];
  private paused = false;
  private held: (() => void)[] = [];
  private goneAnswer: 'event' | 'status' = 'event';
  private closedForGood = false;
  private customKinds: boolean;

  constructor(host: string, port: number, customKinds: boolean) {
    this.host = host;
    this.port = port;
    this.customKinds = customKinds;
    this.store.onChange(() => this.pumpAll());
  }

  get url(): string {
    const host = this.host.includes(':') ? `[${this.host}]` : this.host;
    return `http://${host}:${this.port}`;
  }

  async listen(): Promise<void> {
    const server = createServer((request, response) => this.onRequest(request, response));
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, this.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  // ---- programmatic API ----

  apply(object: KubeObject): KubeObject {
    const type = typeFromObject(object?.apiVersion, object?.kind);
    if (type === undefined)
      throw new Error(`api-emulator: unknown apiVersion/kind ${object?.apiVersion}/${object?.kind}`);
    if (!object.metadata?.name) throw new Error('api-emulator: apply needs metadata.name');
    return structuredClone(this.store.apply(type, object));
  }

  remove(kind: string, namespace: string | undefined, name: string): boolean {
    const type = typeFromLooseName(kind);
    if (this.store.get(type, namespace, name) === undefined) return false;
    this.store.delete(type, namespace, name);
    return true;
  }

  get(kind: string, namespace: string | undefined, name: string): KubeObject | undefined {
    const found = this.store.get(typeFromLooseName(kind), namespace, name);
    return found === undefined ? undefined : structuredClone(found);
  }

  list(kind: string, namespace?: string): KubeObject[] {
    return this.store.list(typeFromLooseName(kind), namespace).map((o) => structuredClone(o));
  }

  modify(kind: string, namespace: string | undefined, name: string, change: (object: KubeObject) => void): KubeObject {
    const current = this.get(kind, namespace, name);
    if (current === undefined) throw new Error(`api-emulator: ${kind} ${namespace ?? ''}/${name} not found`);
    change(current);
    return this.apply(current);
  }

  resourceVersion(): string {
    return String(this.store.resourceVersion);
  }

  openWatches(kind?: string): number {
    if (kind === undefined) return this.watchers.size;
    const key = typeKey(typeFromLooseName(kind));
    let count = 0;
    for (const watcher of this.watchers) if (watcher.typeKey === key) count++;
    return count;
  }

  async waitForWatches(kind: string, count = 1, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.openWatches(kind) < count) {
      if (Date.now() > deadline) {
        throw new Error(
          `api-emulator: ${this.openWatches(kind)} open watches of ${kind} after ${timeoutMs} ms, wanted ${count}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  callsOf(verb: string, kind?: string): ApiCall[] {
    const type = kind === undefined ? undefined : typeFromLooseName(kind);
    return this.calls.filter(
      (c) => c.verb === verb && (type === undefined || (c.resource === type.plural && c.group === type.group)),
    );
  }

  // ---- faults ----

  closeWatches(kind?: string): void {
    const key = kind === undefined ? undefined : typeKey(typeFromLooseName(kind));
    for (const watcher of this.watchers) {
      if (key === undefined || watcher.typeKey === key) this.endWatch(watcher);
    }
  }

  compact(options: CompactOptions = {}): void {
    this.goneAnswer = options.answer ?? 'event';
    this.store.compact();
    if (options.expireOpenWatches) {
      for (const watcher of this.watchers) {
        this.writeEvent(
          watcher,
          'ERROR',
          this.expiredStatus(watcher.next > 0 ? this.store.history[watcher.next - 1].rv : 0),
        );
        this.endWatch(watcher);
      }
    }
  }

  failNext(count: number, status: number, match?: CallMatch): void {
    this.faults.push({ remaining: count, status, match });
  }

  clearFaults(): void {
    this.faults = [];
  }

  refuseConnections(): Promise<void> {
    return this.stop();
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    this.watchers.clear();
    this.held = [];
    if (server === null) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    await closed;
  }

  async restart(): Promise<void> {
    if (this.closedForGood) throw new Error('api-emulator: restart after close()');
    if (this.server !== null) await this.stop();
    await this.listen();
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    const held = this.held;
    this.held = [];
    for (const run of held) run();
    this.pumpAll();
  }

  installGatewayApi(installed = true): void {
    this.customKinds = installed;
    if (installed) return;
    for (const watcher of this.watchers) {
      if (watcher.typeKey.startsWith('gateway.networking.k8s.io/')) this.endWatch(watcher);
    }
  }

  async close(): Promise<void> {
    this.closedForGood = true;
    this.paused = false;
    await this.stop();
  }

  // ---- HTTP ----

  private onRequest(request: IncomingMessage, response: ServerResponse): void {
    const url = new URL(request.url ?? '/', 'http://emulator');
    const route = parseResourcePath(request.method ?? 'GET', url.pathname, url.searchParams.get('watch') === 'true');
    if (route !== undefined) {
      const { type: _type, ...call } = route;
      this.calls.push(call);
    } else this.otherRequests.push(url.pathname);
    const run = (): void => {
      if (response.destroyed) return;
      this.handle(request, response, url, route).catch((error: unknown) => {
        if (!response.headersSent) sendStatus(response, 500, String(error));
        else response.destroy();
      });
    };
    if (this.paused) this.held.push(run);
    else run();
  }

  private takeFault(call: ApiCall): FaultRule | undefined {
    for (const rule of this.faults) {
      if (rule.remaining > 0 && callMatches(rule.match, call)) {
        rule.remaining--;
        return rule;
      }
    }
    this.faults = this.faults.filter((r) => r.remaining > 0);
    return undefined;
  }

  private async handle(
    request: IncomingMessage,
    response: ServerResponse,
    url: URL,
    route: ResourceRoute | undefined,
  ): Promise<void> {
    if (route === undefined) {
      this.handleNonResource(request, response, url.pathname);
      return;
    }
    const fault = this.takeFault(route);
    if (fault !== undefined) {
      request.resume();
      sendStatus(response, fault.status, `injected failure (${fault.status})`);
      return;
    }
    const { type, namespace, name, verb } = route;
    if (type.custom && !this.customKinds) {
      request.resume();
      sendStatus(response, 404, 'the server could not find the requested resource');
      return;
    }
    const subresource = route.subresource as Subresource;
    const ns = namespace === '' ? undefined : namespace;
    if (type.namespaced && name !== '' && namespace === '') {
      sendStatus(response, 404, 'the server could not find the requested resource');
      return;
    }
    try {
      switch (verb) {
        case 'get': {
          const found = this.store.get(type, ns, name);
          if (found === undefined) throw new ApiError(404, 'NotFound', `${type.plural} "${name}" not found`);
          sendJson(response, 200, { ...found, apiVersion: apiVersionOf(type) });
          return;
        }
        case 'list':
          sendJson(response, 200, this.listResponse(type, ns, url.searchParams));
          return;
        case 'watch':
          this.startWatch(type, namespace, url.searchParams, response);
          return;
        case 'create': {
          if (type.namespaced && namespace === '') {
            throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
          }
          const body = await this.readJson(request);
          sendJson(response, 201, this.store.create(type, ns, body, { subresource: '', viaApi: true }));
          return;
        }
        case 'update': {
          const body = await this.readJson(request);
          sendJson(response, 200, this.store.update(type, ns, name, body, { subresource, viaApi: true }));
          return;
        }
        case 'patch': {
          const contentType = (request.headers['content-type'] ?? '').split(';')[0].trim();
          const body = await this.readJson(request);
          sendJson(response, 200, this.store.patch(type, ns, name, contentType, body, { subresource, viaApi: true }));
          return;
        }
        case 'delete': {
          const text = await readBody(request);
          const options = text === '' ? {} : (JSON.parse(text) as KubeObject);
          sendJson(response, 200, this.store.delete(type, ns, name, options.preconditions));
          return;
        }
        case 'deletecollection': {
          request.resume();
          const items = this.selected(type, ns, url.searchParams);
          for (const item of items) this.store.delete(type, item.metadata.namespace, item.metadata.name);
          sendJson(response, 200, this.listBody(type, items));
          return;
        }
      }
    } catch (error) {
      if (error instanceof ApiError) sendStatus(response, error.code, error.message, error.reason);
      else if (error instanceof SyntaxError) sendStatus(response, 400, `invalid JSON: ${error.message}`);
      else throw error;
    }
  }

  private async readJson(request: IncomingMessage): Promise<KubeObject> {
    return JSON.parse(await readBody(request)) as KubeObject;
  }

  private selectorFor(type: ResourceType, params: URLSearchParams): (object: KubeObject) => boolean {
    const labelText = params.get('labelSelector') ?? '';
    const fieldText = params.get('fieldSelector') ?? '';
    try {
      const labels = parseLabelSelector(labelText);
      const fields = parseFieldSelector(fieldText, ['metadata.name', 'metadata.namespace', ...type.extraFields]);
      return (object) => labels(object.metadata?.labels ?? {}) && fields(object);
    } catch (error) {
      throw new ApiError(400, 'BadRequest', (error as Error).message);
    }
  }

  private selected(type: ResourceType, ns: string | undefined, params: URLSearchParams): KubeObject[] {
    const matches = this.selectorFor(type, params);
    return this.store.list(type, ns).filter(matches);
  }

  private listBody(type: ResourceType, items: KubeObject[]): KubeObject {
    return {
      kind: type.listKind,
      apiVersion: apiVersionOf(type),
      metadata: { resourceVersion: String(this.store.resourceVersion) },
      items: items.map(listItem),
    };
  }

  private listResponse(type: ResourceType, ns: string | undefined, params: URLSearchParams): KubeObject {
    return this.listBody(type, this.selected(type, ns, params));
  }

  private expiredStatus(rv: number): KubeObject {
    return statusBody(410, 'Expired', `too old resource version: ${rv} (${this.store.compactedRv})`);
  }

  private startWatch(type: ResourceType, namespace: string, params: URLSearchParams, response: ServerResponse): void {
    const matchesSelectors = this.selectorFor(type, params);
    const rvText = params.get('resourceVersion') ?? '';
    const fromRv = rvText === '' || rvText === '0' ? null : Number(rvText);
    if (fromRv !== null && !Number.isSafeInteger(fromRv)) {
      throw new ApiError(400, 'BadRequest', `invalid resource version: ${rvText}`);
    }
    const expired = fromRv !== null && fromRv < this.store.compactedRv;
    if (expired && this.goneAnswer === 'status') {
      throw new ApiError(410, 'Expired', `too old resource version: ${fromRv} (${this.store.compactedRv})`);
    }
    response.writeHead(200, {
      'Content-Type': 'application/json',
      'Transfer-Encoding': 'chunked',
      'Cache-Control': 'no-cache, private',
    });
    response.flushHeaders();
    const watcher: Watcher = {
      typeKey: typeKey(type),
      apiVersion: apiVersionOf(type),
      namespace,
      matches: (object) => (namespace === '' || object.metadata?.namespace === namespace) && matchesSelectors(object),
      response,
      next: this.store.history.length,
    };
    if (expired) {
      this.writeEvent(watcher, 'ERROR', this.expiredStatus(fromRv));
      response.end();
      return;
    }
    response.on('close', () => this.watchers.delete(watcher));
    this.watchers.add(watcher);
    const timeoutSeconds = Number(params.get('timeoutSeconds') ?? '0');
    if (timeoutSeconds > 0) {
      const timer = setTimeout(() => this.endWatch(watcher), timeoutSeconds * 1000);
      response.on('close', () => clearTimeout(timer));
    }
    if (fromRv === null) {
      for (const object of this.store.list(type, namespace === '' ? undefined : namespace)) {
        if (watcher.matches(object)) this.writeEvent(watcher, 'ADDED', object);
      }
    } else {
      const history = this.store.history;
      let index = history.length;
      while (index > 0 && history[index - 1].rv > fromRv) index--;
      watcher.next = index;
      this.pump(watcher);
    }
  }

  private writeEvent(watcher: Watcher, type: string, object: KubeObject): void {
    if (watcher.response.writableEnded || watcher.response.destroyed) return;
    const sent =
      object.apiVersion === undefined || type === 'ERROR' ? object : { ...object, apiVersion: watcher.apiVersion };
    watcher.response.write(`${JSON.stringify({ type, object: sent })}\n`);
  }

  private endWatch(watcher: Watcher): void {
    this.watchers.delete(watcher);
    watcher.response.end();
  }

  private pumpAll(): void {
    if (this.paused) return;
    for (const watcher of this.watchers) this.pump(watcher);
  }

  private pump(watcher: Watcher): void {
    if (this.paused) return;
    const history = this.store.history;
    while (watcher.next < history.length) {
      const entry = history[watcher.next++];
      if (entry.typeKey !== watcher.typeKey) continue;
      const eventType = this.eventFor(watcher, entry);
      if (eventType !== null) this.writeEvent(watcher, eventType, entry.object);
    }
  }

  /** A watch with a selector sees an object leave as DELETED and enter as ADDED, as with the real API server. */
  private eventFor(watcher: Watcher, entry: HistoryEntry): string | null {
    if (entry.type === 'ADDED') return watcher.matches(entry.object) ? 'ADDED' : null;
    if (entry.type === 'DELETED') return watcher.matches(entry.object) ? 'DELETED' : null;
    const before = entry.previous !== null && watcher.matches(entry.previous);
    const after = watcher.matches(entry.object);
    if (before && after) return 'MODIFIED';
    if (after) return 'ADDED';
    if (before) return 'DELETED';
    return null;
  }

  private handleNonResource(request: IncomingMessage, response: ServerResponse, pathname: string): void {
    request.resume();
    if (request.method !== 'GET') {
      sendStatus(response, 404, 'the server could not find the requested resource');
      return;
    }
    const body = discovery(pathname, `${this.host}:${this.port}`, this.customKinds);
    if (body === undefined) sendStatus(response, 404, 'the server could not find the requested resource');
    else if (typeof body === 'string') {
      response.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
      response.end(body);
    } else sendJson(response, 200, body);
  }
}

function groupVersions(customKinds: boolean): Map<string, ResourceType[]> {
  const byGroupVersion = new Map<string, ResourceType[]>();
  for (const type of RESOURCE_TYPES) {
    if (type.custom && !customKinds) continue;
    const key = apiVersionOf(type);
    byGroupVersion.set(key, [...(byGroupVersion.get(key) ?? []), type]);
  }
  return byGroupVersion;
}

const resourceVerbs = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

/** Minimal discovery: /api, /apis, /api/v1, /apis/G/V, /version and the health endpoints. */
function discovery(pathname: string, serverAddress: string, customKinds: boolean): KubeObject | string | undefined {
  const path = pathname.endsWith('/') && pathname.length > 1 ? pathname.slice(0, -1) : pathname;
  if (path === '/healthz' || path === '/livez' || path === '/readyz') return 'ok';
  if (path === '/version') {
    return { major: '1', minor: '34', gitVersion: 'v1.34.0-sluice-emulator', platform: 'linux/amd64' };
  }
  if (path === '/api') {
    return {
      kind: 'APIVersions',
      versions: ['v1'],
      serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
    };
  }
  const all = groupVersions(customKinds);
  if (path === '/apis') {
    const groups = [...all.keys()]
      .filter((gv) => gv.includes('/'))
      .map((gv) => {
        const [name, version] = gv.split('/');
        const versionEntry = { groupVersion: gv, version };
        return { name, versions: [versionEntry], preferredVersion: versionEntry };
      });
    // One entry per group, all its versions (gateway.networking.k8s.io has v1 and v1beta1).
    for (let i = groups.length - 1; i > 0; i--) {
      const first = groups.findIndex((g) => g.name === groups[i].name);
      if (first < i) {
        groups[first].versions.push(...groups[i].versions);
        groups.splice(i, 1);
      }
    }
    return { kind: 'APIGroupList', apiVersion: 'v1', groups };
  }
  const groupVersion = path.startsWith('/api/')
    ? path.slice('/api/'.length)
    : path.startsWith('/apis/')
      ? path.slice('/apis/'.length)
      : '';
  const types = all.get(groupVersion);
  if (types === undefined) return undefined;
  const resources: KubeObject[] = [];
  for (const type of types) {
    resources.push({
      name: type.plural,
      singularName: type.singular,
      namespaced: type.namespaced,
      kind: type.kind,
      verbs: resourceVerbs,
    });
    if (type.hasStatus) {
      resources.push({
        name: `${type.plural}/status`,
        singularName: '',
        namespaced: type.namespaced,
        kind: type.kind,
        verbs: ['get', 'patch', 'update'],
      });
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion, resources };
}

/** Starts an emulator on `host` (default 127.0.0.1) and `port` (default 0: a free one). */
export async function startApiEmulator(options: StartApiEmulatorOptions = {}): Promise<ApiEmulator> {
  const emulator = new ApiEmulatorServer(options.host ?? '127.0.0.1', options.port ?? 0, options.gatewayApi ?? false);
  await emulator.listen();
  return emulator;
}
