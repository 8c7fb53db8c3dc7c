import type { ServerResponse } from 'node:http';

export interface EventStreamOptions {
  /** Generation of the live table (0 before the first). */
  generation(): number;
  /** Sent as `event: model` when the generation changes. */
  model(): unknown;
  /** Sent as `event: stats` every `tickMs`. */
  stats(): unknown;
  /** How often to look for a new generation. */
  readonly pollMs: number;
  readonly tickMs: number;
}

export interface EventStream {
  /** Takes over a raw response; `since` is the generation the client already shows. */
  attach(response: ServerResponse, since: number | null): void;
  readonly clientCount: number;
  close(): void;
}

/**
 * Server-sent events for the page: one timer for all clients, running only while someone listens.
 * A new generation is pushed within `pollMs`; rates every `tickMs`.
 */
export function createEventStream(options: EventStreamOptions): EventStream {
  const clients = new Set<ServerResponse>();
  let timer: NodeJS.Timeout | null = null;
  let lastGeneration = -1;
  let sinceTick = 0;

  function broadcast(event: string, data: unknown): void {
    if (clients.size === 0) return;
    const frame = eventFrame(event, data);
    for (const client of clients) client.write(frame);
  }

  function poll(): void {
    const generation = options.generation();
    if (generation !== lastGeneration) {
      lastGeneration = generation;
      broadcast('model', options.model());
    }
    sinceTick += options.pollMs;
    if (sinceTick >= options.tickMs) {
      sinceTick = 0;
      broadcast('stats', options.stats());
    }
  }

  function detach(response: ServerResponse): void {
    clients.delete(response);
    if (clients.size === 0 && timer !== null) {
      clearInterval(timer);
      timer = null;
    }
  }

  return {
    attach(response, since) {
      response.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-store',
        connection: 'keep-alive',
        'x-content-type-options': 'nosniff',
      });
      response.write('retry: 2000\n\n');
      const generation = options.generation();
      if (since !== generation) response.write(eventFrame('model', options.model()));
      response.write(eventFrame('stats', options.stats()));
      clients.add(response);
      response.on('close', () => detach(response));
      if (timer === null) {
        lastGeneration = generation;
        sinceTick = 0;
        timer = setInterval(poll, options.pollMs);
        timer.unref();
      }
    },
    get clientCount() {
      return clients.size;
    },
    close() {
      for (const client of clients) client.end();
      clients.clear();
      if (timer !== null) clearInterval(timer);
      timer = null;
    },
  };
}

/** One SSE message; JSON never contains a raw newline, so a single data line suffices. */
function eventFrame(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}
