export interface BackoffOptions {
  readonly initialMs: number;
  readonly maxMs: number;
}

export const defaultBackoff: BackoffOptions = { initialMs: 250, maxMs: 30_000 };

/**
 * Capped exponential backoff with "equal jitter": attempt n waits between half and all of
 * min(max, initial * 2^n), so replicas that failed together do not retry together.
 */
export class Backoff {
  readonly #options: BackoffOptions;
  #attempt = 0;

  constructor(options: BackoffOptions = defaultBackoff) {
    this.#options = options;
  }

  next(): number {
    const ceiling = Math.min(this.#options.maxMs, this.#options.initialMs * 2 ** Math.min(this.#attempt, 30));
    this.#attempt += 1;
    return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
  }

  reset(): void {
    this.#attempt = 0;
  }

  get attempt(): number {
    return this.#attempt;
  }
}
