import { PassThrough } from 'node:stream';
import type { BackendEndpoints } from '../../routing/types.ts';
import type { Balancer } from '../balancer.ts';
import type { UpstreamController, UpstreamDispatchOptions, UpstreamHandler } from '../upstream-client.ts';
import type { UpstreamEndpoint } from '../upstream-endpoint.ts';
import type { UpstreamTransport } from '../upstream-transport.ts';
import type { Exchange } from './exchange.ts';

// Gateway API RequestMirror: a copy of the forwarded request (method, path after rewrites, headers after the
// edits) goes to one endpoint of the mirror backend. Fire and forget: its answer is read and discarded, its
// failure is ignored, and the client's request neither waits for it nor fails with it. The body is copied
// chunk by chunk as the main attempt sends it; a mirror that falls more than MIRROR_LAG_MAX_BYTES behind has
// its copy abandoned (the main request is never slowed down for it, and memory stays bounded).

export const MIRROR_LAG_MAX_BYTES = 64 * 1024;

/** One mirrored request: holds its endpoint in the balancer's count until it ends. */
class MirrorRequest implements UpstreamHandler {
  readonly balancer: Balancer;
  readonly endpoint: UpstreamEndpoint;
  #released = false;

  constructor(balancer: Balancer, endpoint: UpstreamEndpoint) {
    this.balancer = balancer;
    this.endpoint = endpoint;
  }

  onRequestStart(): void {}
  onQueued(): void {}
  onBodySent(): void {}
  onRequestSent(): void {}
  onResponseStart(): void {}
  onResponseData(_controller: UpstreamController, _chunk: Buffer): void {}

  onResponseEnd(): void {
    this.#release();
  }

  onResponseError(): void {
    this.#release();
  }

  #release(): void {
    if (this.#released) return;
    this.#released = true;
    this.balancer.release(this.endpoint);
  }
}

/** Sends the copy (over `transport`, null: plain HTTP/1.1); nothing when the backend has no endpoint. */
export function sendMirror(exchange: Exchange, backend: BackendEndpoints, transport: UpstreamTransport | null): void {
  const context = exchange.context;
  const balancer = context.balancer;
  const now = Date.now();
  const endpoint = balancer.pick(balancer.balanceFor(backend), now, null);
  if (endpoint === null) return;
  let body: PassThrough | null = null;
  if (exchange.hasBody) {
    body = new PassThrough();
    body.on('error', ignore);
    (exchange.mirrorBodies ??= []).push(body);
  }
  const options: UpstreamDispatchOptions = {
    method: exchange.method,
    path: exchange.upstreamPath ?? exchange.path + exchange.query,
    headers: exchange.headers.slice(),
    body,
    headersTimeout: context.responseHeadersMs,
    bodyTimeout: context.bodyIdleMs,
    idempotent: false,
  };
  balancer.acquire(endpoint, now);
  const pool = transport === null ? context.pools.poolOf(endpoint) : context.pools.poolFor(endpoint, transport);
  pool.dispatch(options, new MirrorRequest(balancer, endpoint));
}

/** A chunk the main attempt sent: the mirrors get it too, unless they fell too far behind. */
export function copyToMirrors(exchange: Exchange, chunk: Buffer): void {
  const bodies = exchange.mirrorBodies!;
  for (let i = 0; i < bodies.length; i++) {
    const body = bodies[i];
    if (body.destroyed) continue;
    if (body.writableLength + chunk.length > MIRROR_LAG_MAX_BYTES) body.destroy(new Error('the mirror fell behind'));
    else body.write(chunk);
  }
}

/** The main attempt sent the whole body. */
export function endMirrorBodies(exchange: Exchange): void {
  const bodies = exchange.mirrorBodies!;
  exchange.mirrorBodies = null;
  for (let i = 0; i < bodies.length; i++) bodies[i].end();
}

/** The exchange closed before its body was sent: the mirrors' requests are abandoned. */
export function dropMirrorBodies(exchange: Exchange): void {
  const bodies = exchange.mirrorBodies!;
  exchange.mirrorBodies = null;
  for (let i = 0; i < bodies.length; i++) bodies[i].destroy(new Error('the mirrored request was abandoned'));
}

function ignore(): void {}
