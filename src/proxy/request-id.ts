import { randomBytes } from 'node:crypto';

const MAX_REQUEST_ID_LENGTH = 128;

/** A client-sent X-Request-Id is kept only when it is 1–128 chars of [A-Za-z0-9._-]. */
export function isSaneRequestId(value: string | undefined): value is string {
  if (value === undefined) return false;
  const length = value.length;
  if (length === 0 || length > MAX_REQUEST_ID_LENGTH) return false;
  for (let i = 0; i < length; i++) {
    const c = value.charCodeAt(i);
    const ok =
      (c >= 0x30 && c <= 0x39) || // 0-9
      (c >= 0x41 && c <= 0x5a) || // A-Z
      (c >= 0x61 && c <= 0x7a) || // a-z
      c === 0x2e || // .
      c === 0x5f || // _
      c === 0x2d; // -
    if (!ok) return false;
  }
  return true;
}

/**
 * Request ids unique per process start: a random prefix (so workers and restarts never collide)
 * plus a counter. Cheaper than a UUID per request.
 */
export class RequestIdGenerator {
  readonly #prefix: string;
  #counter = 0;

  constructor(prefix: string = randomBytes(6).toString('hex')) {
    this.#prefix = prefix + '-';
  }

  next(): string {
    this.#counter++;
    return this.#prefix + this.#counter.toString(36);
  }
}
