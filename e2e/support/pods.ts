/**
 * "Pods" for e2e tests: small HTTP servers, each on its own loopback address (127.1.x.y), answering with a JSON
 * echo of the request modelled on the Gateway API conformance echo server (echo-basic), plus:
 *   /ws              WebSocket echo
 *   /slow?ms=N       answer after N ms
 *   /status/CODE     answer with that status
 *   /bytes/N         stream N bytes
 *   /redirect?to=U   302 with Location: U
 * and, as echo-basic: `?delay=1s` (a Go-style duration: ms or s) waits before answering, and a request header
 * `X-Echo-Set-Header: name:value,name:value` sets those headers on the answer.
 * Pods of one service share one port, as real pods behind an EndpointSlice do.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer } from 'ws';

/** The JSON body every echo answer carries. */
export interface EchoReply {
  pod: string;
  namespace: string;
  service: string;
  method: string;
  /** The request target as received (path and query). */
  url: string;
  path: string;
  host: string;
  proto: string;
  /** Header names lower-cased, every value kept in order. */
  headers: Record<string, string[]>;
  bodyLength: number;
  remoteAddress: string;
}

export interface PodOptions {
  name?: string;
  namespace?: string;
  /** Recorded in the echo; no other effect. */
  service?: string;
  /** 0 (default) picks a free port on the pod's own address. */
  port?: number;
  /** An explicit loopback address instead of the next free 127.1.x.y. */
  ip?: string;
}

export interface Pod {
  readonly name: string;
  readonly namespace: string;
  readonly ip: string;
  readonly port: number;
  /** `http://ip:port` */
  readonly url: string;
  /** Requests answered (WebSocket upgrades included). */
  readonly requestCount: number;
  /** The last requests received (at most 5000, oldest first), as their echo (the upstream suite reads pod logs). */
  readonly received: readonly EchoReply[];
  /** Stop accepting connections (they are refused from now on); requests in flight finish, then their connections close. */
  stop(): Promise<void>;
  /** Drop every connection at once and stop accepting. */
  kill(): Promise<void>;
  /** Accept again on the same address and port after stop() or kill(). */
  restart(): Promise<void>;
}

let nextHost = 1;
let podCounter = 0;

/**
 * The next loopback address for this process. The third octet comes from the pid so that parallel test files
 * rarely pick the same addresses; a clash is still harmless because ports are checked at bind time.
 */
function nextAddress(): string {
  const index = nextHost++;
  const second = 1 + Math.floor(index / 254);
  const host = 1 + (index % 254);
  return `127.${second}.${process.pid % 256}.${host}`;
}

function headerLists(request: IncomingMessage): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const raw = request.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i].toLowerCase();
    (out[name] ??= []).push(raw[i + 1]);
  }
  return out;
}

class EchoPod implements Pod {
  readonly name: string;
  readonly namespace: string;
  readonly service: string;
  readonly ip: string;
  port: number;
  requestCount = 0;
  readonly received: EchoReply[] = [];
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  private readonly inFlight = new Set<ServerResponse>();
  private readonly webSockets = new WebSocketServer({ noServer: true });

  constructor(options: PodOptions, ip: string) {
    this.name = options.name ?? `pod-${process.pid}-${++podCounter}`;
    this.namespace = options.namespace ?? 'default';
    this.service = options.service ?? '';
    this.ip = ip;
    this.port = options.port ?? 0;
    this.webSockets.on('headers', (headers) => headers.push(`x-pod-name: ${this.name}`));
    this.webSockets.on('connection', (socket) => {
      socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary }));
    });
  }

  get url(): string {
    return `http://${this.ip}:${this.port}`;
  }

  async listen(): Promise<void> {
    const server = createServer((request, response) => {
      // Like a server shutting down gracefully (Go's Shutdown): after stop() a kept-alive connection answers what
      // it was sent and closes. Node's close() alone leaves a busy keep-alive connection serving for ever.
      if (this.server !== server) response.setHeader('connection', 'close');
      this.inFlight.add(response);
      response.on('close', () => this.inFlight.delete(response));
      this.onRequest(request, response);
    });
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    server.on('upgrade', (request: IncomingMessage, socket: Socket, head: Buffer) => {
      if (!request.url?.startsWith('/ws')) {
        socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      this.requestCount++;
      this.webSockets.handleUpgrade(request, socket, head, (ws) => this.webSockets.emit('connection', ws, request));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, this.ip, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  private echo(request: IncomingMessage, bodyLength: number): EchoReply {
    const target = request.url ?? '/';
    const query = target.indexOf('?');
    return {
      pod: this.name,
      namespace: this.namespace,
      service: this.service,
      method: request.method ?? '',
      url: target,
      path: query >= 0 ? target.slice(0, query) : target,
      host: request.headers.host ?? '',
      proto: `HTTP/${request.httpVersion}`,
      headers: headerLists(request),
      bodyLength,
      remoteAddress: request.socket.remoteAddress ?? '',
    };
  }

  private onRequest(request: IncomingMessage, response: ServerResponse): void {
    this.requestCount++;
    this.received.push(this.echo(request, 0));
    if (this.received.length > 5000) this.received.shift();
    let bodyLength = 0;
    request.on('data', (chunk: Buffer) => {
      bodyLength += chunk.length;
    });
    request.on('end', () => this.answer(request, response, bodyLength));
  }

  private answer(request: IncomingMessage, response: ServerResponse, bodyLength: number): void {
    const url = new URL(request.url ?? '/', 'http://pod');
    response.setHeader('x-pod-name', this.name);
    response.setHeader('x-pod-namespace', this.namespace);
    setEchoHeaders(request, response);
    const path = url.pathname;
    const delay = url.searchParams.get('delay');
    if (delay !== null) {
      const timer = setTimeout(() => this.sendEcho(request, response, 200, bodyLength), durationMs(delay));
      response.on('close', () => clearTimeout(timer));
      return;
    }
    if (path === '/slow') {
      const ms = Number(url.searchParams.get('ms') ?? '1000');
      const timer = setTimeout(() => this.sendEcho(request, response, 200, bodyLength), ms);
      response.on('close', () => clearTimeout(timer));
      return;
    }
    if (path.startsWith('/status/')) {
      const code = Number(path.slice('/status/'.length));
      if (!Number.isInteger(code) || code < 200 || code > 599) {
        this.sendEcho(request, response, 400, bodyLength);
        return;
      }
      if (code === 204 || code === 304) {
        response.writeHead(code);
        response.end();
        return;
      }
      this.sendEcho(request, response, code, bodyLength);
      return;
    }
    if (path === '/redirect') {
      response.writeHead(302, { location: url.searchParams.get('to') ?? '/' });
      response.end();
      return;
    }
    if (path.startsWith('/bytes/')) {
      const total = Number(path.slice('/bytes/'.length));
      if (!Number.isSafeInteger(total) || total < 0) {
        this.sendEcho(request, response, 400, bodyLength);
        return;
      }
      streamBytes(response, total);
      return;
    }
    this.sendEcho(request, response, 200, bodyLength);
  }

  private sendEcho(request: IncomingMessage, response: ServerResponse, code: number, bodyLength: number): void {
    const text = JSON.stringify(this.echo(request, bodyLength));
    response.writeHead(code, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    response.end(text);
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server === null) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    for (const response of this.inFlight) if (!response.headersSent) response.setHeader('connection', 'close');
    await closed;
  }

  async kill(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const client of this.webSockets.clients) client.terminate();
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    if (server !== null) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async restart(): Promise<void> {
    if (this.server !== null) return;
    await this.listen();
  }
}

/** echo-basic's X-Echo-Set-Header: "name:value,name:value". */
function setEchoHeaders(request: IncomingMessage, response: ServerResponse): void {
  const wanted = request.headers['x-echo-set-header'];
  if (typeof wanted !== 'string' || wanted === '') return;
  for (const pair of wanted.split(',')) {
    const colon = pair.indexOf(':');
    if (colon > 0) response.setHeader(pair.slice(0, colon).trim(), pair.slice(colon + 1).trim());
  }
}

/** "1s", "500ms" (Go's time.ParseDuration for the units the conformance tests use); 0 when unreadable. */
function durationMs(text: string): number {
  const found = /^(\d+(?:\.\d+)?)(ms|s)$/.exec(text);
  if (found === null) return 0;
  return Number(found[1]) * (found[2] === 's' ? 1000 : 1);
}

const chunk = Buffer.alloc(64 * 1024, 0x61);

/** Writes `total` bytes of 'a' with backpressure. */
function streamBytes(response: ServerResponse, total: number): void {
  response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': total });
  let left = total;
  const write = (): void => {
    while (left > 0) {
      const size = Math.min(left, chunk.length);
      left -= size;
      if (!response.write(size === chunk.length ? chunk : chunk.subarray(0, size))) {
        response.once('drain', write);
        return;
      }
    }
    response.end();
  };
  write();
}

function isAddressInUse(error: unknown): boolean {
  return (error as NodeJS.ErrnoException)?.code === 'EADDRINUSE';
}

/** Starts one pod on the next free loopback address (or `options.ip`). */
export async function startPod(options: PodOptions = {}): Promise<Pod> {
  for (let attempt = 0; ; attempt++) {
    const pod = new EchoPod(options, options.ip ?? nextAddress());
    try {
      await pod.listen();
      return pod;
    } catch (error) {
      if (options.ip !== undefined || !isAddressInUse(error) || attempt >= 50) throw error;
    }
  }
}

export interface PodGroupOptions {
  /** Pod names are `${namePrefix}-${i}`; default 'pod'. */
  namePrefix?: string;
  namespace?: string;
  service?: string;
  /** Shared port; 0 (default) picks a free one on the first pod's address. */
  port?: number;
}

/** Starts `count` pods that all listen on the same port, each on its own address. */
export async function startPods(count: number, options: PodGroupOptions = {}): Promise<Pod[]> {
  const pods: Pod[] = [];
  let port = options.port ?? 0;
  for (let i = 0; i < count; i++) {
    const pod = await startPod({
      name: `${options.namePrefix ?? 'pod'}-${i}`,
      namespace: options.namespace,
      service: options.service,
      port,
    });
    port = pod.port;
    pods.push(pod);
  }
  return pods;
}
