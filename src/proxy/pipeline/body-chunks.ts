import type { Readable } from 'node:stream';

// The client's request body handed to an HTTP/2 upstream as an async iterable rather than as a stream. Given a
// stream, undici's HTTP/2 client runs stream.pipeline(), whose AbortController is aborted when the pipe
// finishes: one DOMException (with its stack trace) per request, 2–3 % of a gRPC unary call's CPU. Given an
// iterable it writes chunk by chunk with backpressure (undici client-h2.js writeIterable). Unlike a Readable's
// own iterator, leaving early never destroys the client's stream: the exchange owns it (its answers go out on
// that stream). A client stream that closes before its end is an error, so a cut body is never sent as whole.

const DONE: IteratorReturnResult<undefined> = Object.freeze({ value: undefined, done: true });
const chunksOf = Symbol('body chunks');

type BodyStream = Readable & { [chunksOf]?: BodyChunks };

export class BodyChunks implements AsyncIterableIterator<Buffer> {
  readonly stream: BodyStream;
  ended = false;
  failure: Error | null = null;
  resolveNext: ((result: IteratorResult<Buffer>) => void) | null = null;
  rejectNext: ((error: Error) => void) | null = null;

  constructor(stream: Readable) {
    this.stream = stream;
    (stream as BodyStream)[chunksOf] = this;
    stream.on('readable', onReadable);
    stream.on('end', onEnd);
    stream.on('error', onError);
    stream.on('close', onClose);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<Buffer>> {
    const chunk = this.take();
    if (chunk !== null) return Promise.resolve({ value: chunk, done: false });
    if (this.ended) return Promise.resolve(DONE);
    if (this.failure !== null) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.resolveNext = resolve;
      this.rejectNext = reject;
    });
  }

  return(): Promise<IteratorResult<Buffer>> {
    this.detach();
    this.settle(DONE);
    return Promise.resolve(DONE);
  }

  take(): Buffer | null {
    const stream = this.stream;
    return stream.readableLength > 0 || !stream.readableEnded ? (stream.read() as Buffer | null) : null;
  }

  /** Data, the end or a failure arrived: a waiting next() gets it. */
  wake(): void {
    if (this.resolveNext === null) return;
    const chunk = this.take();
    if (chunk !== null) this.settle({ value: chunk, done: false });
    else if (this.ended) this.settle(DONE);
    else if (this.failure !== null) {
      const reject = this.rejectNext!;
      this.resolveNext = null;
      this.rejectNext = null;
      reject(this.failure);
    }
  }

  settle(result: IteratorResult<Buffer>): void {
    const resolve = this.resolveNext;
    if (resolve === null) return;
    this.resolveNext = null;
    this.rejectNext = null;
    resolve(result);
  }

  detach(): void {
    const stream = this.stream;
    stream.off('readable', onReadable);
    stream.off('end', onEnd);
    stream.off('error', onError);
    stream.off('close', onClose);
    stream[chunksOf] = undefined;
  }
}

function onReadable(this: BodyStream): void {
  this[chunksOf]?.wake();
}

function onEnd(this: BodyStream): void {
  const chunks = this[chunksOf];
  if (chunks === undefined) return;
  chunks.ended = true;
  chunks.wake();
}

function onError(this: BodyStream, error: Error): void {
  const chunks = this[chunksOf];
  if (chunks === undefined) return;
  chunks.failure = error;
  chunks.wake();
}

function onClose(this: BodyStream): void {
  const chunks = this[chunksOf];
  if (chunks === undefined || chunks.ended || chunks.failure !== null) return;
  chunks.failure = new Error('the client closed its request before the end of the body');
  chunks.wake();
}
