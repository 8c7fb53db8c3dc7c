// Test upstreams for the lean HTTP/1 client: a raw `net` server on 127.0.0.1 whose answers are scripted byte for
// byte (to send broken framing on purpose), and a handler that records what the client reports.
import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import type { Dispatcher } from 'undici';
import { vi } from 'vitest';
import type { UpstreamHandler, UpstreamRequest } from '../../src/proxy/upstream-http1/request.ts';

/** One accepted connection of a RawUpstream. */
export interface RawConnection {
  readonly id: number;
  readonly socket: Socket;
  /** Every byte received, latin1. */
  received: string;
  /** Request heads seen so far (each up to and including the blank line). */
  heads: string[];
  closed: boolean;
}

/** Called for each request head; writes the answer itself (or not, to stall). */
export type RawResponder = (connection: RawConnection, head: string, index: number) => void;

export class RawUpstream {
  readonly server: Server;
  readonly connections: RawConnection[] = [];
  responder: RawResponder;
  port = 0;

  constructor(responder: RawResponder) {
    this.responder = responder;
    this.server = createServer((socket) => this.accept(socket));
  }

  static async start(responder: RawResponder): Promise<RawUpstream> {
    const upstream = new RawUpstream(responder);
    await new Promise<void>((resolve) => upstream.server.listen(0, '127.0.0.1', resolve));
    const address = upstream.server.address();
    upstream.port = typeof address === 'object' && address !== null ? address.port : 0;
    return upstream;
  }

  accept(socket: Socket): void {
    const connection: RawConnection = { id: this.connections.length, socket, received: '', heads: [], closed: false };
    this.connections.push(connection);
    let pending = '';
    socket.on('data', (chunk: Buffer) => {
      const text = chunk.toString('latin1');
      connection.received += text;
      pending += text;
      let end = pending.indexOf('\r\n\r\n');
      while (end !== -1) {
        const head = pending.slice(0, end + 4);
        pending = pending.slice(end + 4);
        connection.heads.push(head);
        this.responder(connection, head, connection.heads.length - 1);
        end = pending.indexOf('\r\n\r\n');
      }
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      connection.closed = true;
    });
  }

  async close(): Promise<void> {
    for (const connection of this.connections) connection.socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** What one request saw, and a promise settled when it ended either way. */
export class RecordingHandler implements UpstreamHandler {
  events: string[] = [];
  controller: UpstreamRequest | null = null;
  statusCode = 0;
  statusMessage = '';
  headers: IncomingHttpHeaders = {};
  trailers: IncomingHttpHeaders = {};
  chunks: Buffer[] = [];
  error: (Error & { code?: string }) | null = null;
  /** Pause on the first body chunk (resume by hand). */
  pauseOnData = false;
  readonly done: Promise<void>;
  #settle!: () => void;

  constructor() {
    this.done = new Promise((resolve) => {
      this.#settle = resolve;
    });
  }

  get body(): Buffer {
    return Buffer.concat(this.chunks);
  }

  get bodyHash(): string {
    return createHash('sha256').update(this.body).digest('hex');
  }

  onRequestQueued(controller: UpstreamRequest): void {
    this.controller = controller;
    this.events.push('queued');
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller as UpstreamRequest;
    this.events.push('start');
  }

  onRequestSent(): void {
    this.events.push('sent');
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: IncomingHttpHeaders,
    statusMessage?: string,
  ): void {
    this.events.push('response ' + statusCode);
    this.statusCode = statusCode;
    this.statusMessage = statusMessage ?? '';
    this.headers = headers;
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.chunks.push(chunk);
    if (this.pauseOnData && !controller.paused) {
      this.pauseOnData = false;
      controller.pause();
    }
  }

  onResponseEnd(_controller: Dispatcher.DispatchController, trailers: IncomingHttpHeaders): void {
    this.events.push('end');
    this.trailers = trailers;
    this.#settle();
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.events.push('error ' + ((error as { code?: string }).code ?? error.message));
    this.error = error;
    this.#settle();
  }
}

export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** A GET's dispatch options with no headers beyond Host (which the pool adds). */
export function getOptions(path = '/', method = 'GET') {
  return { method, path, headers: [] as string[], body: null, headersTimeout: 5_000, bodyTimeout: 5_000 };
}

/** vi.waitFor with slack for loaded machines (10 s, polled every 10 ms). */
export function eventually<T>(check: () => T): Promise<T> {
  return vi.waitFor(check, { timeout: 10_000, interval: 10 });
}
