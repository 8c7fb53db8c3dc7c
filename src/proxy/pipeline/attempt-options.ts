import type { Readable } from 'node:stream';
import type { TransportDispatchOptions, UpstreamHandler } from '../upstream-client.ts';
import type { BodyChunks } from './body-chunks.ts';
import { queuedAbortKey } from '../undici-queued-abort.ts';

/**
 * The dispatch options of one exchange, reused by its retries. For undici, the queued-abort hook is a
 * getter, so its closure is made only when undici asks for it: when the request has to wait for a connection.
 */
export class AttemptOptions implements TransportDispatchOptions {
  readonly handler: UpstreamHandler;
  path = '/';
  method = 'GET';
  headers: string[] | null = null;
  body: Readable | Buffer | BodyChunks | null = null;
  headersTimeout: number;
  bodyTimeout: number;
  idempotent = false;
  blocking = false;

  constructor(handler: UpstreamHandler, headersTimeout: number, bodyTimeout: number) {
    this.handler = handler;
    this.headersTimeout = headersTimeout;
    this.bodyTimeout = bodyTimeout;
  }
}

if (queuedAbortKey !== null) {
  Object.defineProperty(AttemptOptions.prototype, queuedAbortKey, {
    get(this: AttemptOptions) {
      const handler = this.handler;
      return (cancel: (reason: Error) => void) => handler.onQueued(cancel);
    },
  });
}
