/** Requests to the edge with a chosen Host (undici), and raw bytes over a socket for protocol-level tests. */
import { connect as netConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { Agent, buildConnector, request, type Dispatcher } from 'undici';

export interface EdgeRequest {
  method?: string;
  /** Path and query; default '/'. */
  path?: string;
  /** The Host header to send (default: the base URL's host). */
  host?: string;
  headers?: Record<string, string | string[]>;
  body?: string | Buffer;
  /** For https base URLs: the SNI name (default: `host` without port). Certificates are not verified. */
  servername?: string;
  /** For https base URLs: offer HTTP/2 (ALPN h2) too. */
  http2?: boolean;
  /** Give up after this long (default 10 s). */
  timeoutMs?: number;
  /** Your own undici dispatcher; by default http uses undici's global one and https a cached insecure Agent. */
  dispatcher?: Dispatcher;
}

export interface EdgeResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** The body parsed as JSON (throws with the body in the message when it is not JSON). */
  json<T = any>(): T;
}

const tlsAgents = new Map<string, Agent>();

/** An insecure Agent whose connections send `servername` as SNI (undici would send the request's Host instead). */
function tlsAgent(servername: string, http2: boolean): Agent {
  const key = (http2 ? 'h2 ' : '') + servername;
  let agent = tlsAgents.get(key);
  if (agent === undefined) {
    const connector = buildConnector({ rejectUnauthorized: false, allowH2: http2 });
    agent = new Agent({
      allowH2: http2,
      connect: (options, callback) => connector({ ...options, servername }, callback),
    });
    tlsAgents.set(key, agent);
  }
  return agent;
}

/** Closes the cached TLS agents (call from afterAll in files that use https). */
export async function closeHttpClients(): Promise<void> {
  const agents = [...tlsAgents.values()];
  tlsAgents.clear();
  await Promise.all(agents.map((a) => a.close()));
}

function hostWithoutPort(host: string): string {
  if (host.startsWith('[')) return host.slice(1, host.indexOf(']'));
  const colon = host.lastIndexOf(':');
  return colon > 0 ? host.slice(0, colon) : host;
}

/** Sends one request to `baseUrl` (e.g. `http://127.0.0.1:PORT`) with the Host header of your choice. */
export async function edgeRequest(baseUrl: string, options: EdgeRequest = {}): Promise<EdgeResponse> {
  const base = new URL(baseUrl);
  const headers: Record<string, string | string[]> = { ...options.headers };
  if (options.host !== undefined) headers.host = options.host;
  let dispatcher = options.dispatcher;
  if (dispatcher === undefined && base.protocol === 'https:') {
    dispatcher = tlsAgent(options.servername ?? hostWithoutPort(options.host ?? base.hostname), options.http2 === true);
  }
  const timeoutMs = options.timeoutMs ?? 10_000;
  const response = await request(new URL(options.path ?? '/', base), {
    method: (options.method ?? 'GET') as Dispatcher.HttpMethod,
    headers,
    body: options.body,
    dispatcher,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    signal: AbortSignal.timeout(timeoutMs),
  });
  const body = await response.body.text();
  return {
    status: response.statusCode,
    headers: response.headers,
    body,
    json<T>(): T {
      try {
        return JSON.parse(body) as T;
      } catch {
        throw new Error(`expected a JSON body (status ${response.statusCode}), got: ${body.slice(0, 500)}`);
      }
    },
  };
}

export interface RawOptions {
  /** Connect with TLS (certificates not verified) and this SNI name. */
  tlsServername?: string;
  /** Resolve with what arrived so far after this long without the server closing (default 2 s). */
  timeoutMs?: number;
  /** Half-close our side after writing (default false: keep it open so the server can answer). */
  endAfterWrite?: boolean;
  /** Resolve as soon as the received text satisfies this (e.g. a complete response). */
  until?: (received: string) => boolean;
}

/**
 * Writes `bytes` verbatim to host:port and resolves with everything received until the server closes the
 * connection, `until` is satisfied or the timeout passes. For smuggling, malformed-request and slowloris tests.
 */
export function rawHttp(host: string, port: number, bytes: string | Buffer, options: RawOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket =
      options.tlsServername === undefined
        ? netConnect({ host, port })
        : tlsConnect({ host, port, servername: options.tlsServername, rejectUnauthorized: false });
    const chunks: Buffer[] = [];
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(Buffer.concat(chunks).toString('latin1'));
    };
    const timer = setTimeout(finish, options.timeoutMs ?? 2000);
    socket.once(options.tlsServername === undefined ? 'connect' : 'secureConnect', () => {
      socket.write(bytes);
      if (options.endAfterWrite) socket.end();
    });
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      if (options.until?.(Buffer.concat(chunks).toString('latin1'))) finish();
    });
    socket.on('end', finish);
    socket.on('close', finish);
    socket.on('error', (error) => {
      if (chunks.length > 0) finish();
      else if (!done) {
        done = true;
        clearTimeout(timer);
        reject(error);
      }
    });
  });
}

/** The status code of the first response line in raw text, or 0. */
export function rawStatus(text: string): number {
  const match = /^HTTP\/1\.[01] (\d{3})/.exec(text);
  return match === null ? 0 : Number(match[1]);
}
