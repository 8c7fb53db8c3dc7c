// Capped exponential backoff with jitter. The delay is a pure function of the attempt number and a
// random draw, so callers (and tests) control randomness; a tiny stateful wrapper counts attempts.

export interface BackoffPolicy {
  /** Delay ceiling of the first retry (attempt 0). */
  readonly initialMs: number;
  /** No delay ever exceeds this. */
  readonly maxMs: number;
  /** Growth per attempt. */
  readonly factor: number;
  /**
   * Fraction of the ceiling that is randomised, 0..1: the delay lies in [ceiling * (1 - jitter), ceiling].
   * Jitter only shortens, so the cap holds; replicas that failed together spread out instead of retrying together.
   */
  readonly jitter: number;
}

/** 1 s, 2 s, 4 s … 30 s, each up to 20 % shorter. */
export const DEFAULT_BACKOFF: BackoffPolicy = Object.freeze({ initialMs: 1000, maxMs: 30_000, factor: 2, jitter: 0.2 });

/** A source of numbers in [0, 1), like Math.random. */
export type RandomSource = () => number;

/** Milliseconds to wait before retry number `attempt` (0-based). Never negative, never above `maxMs`. */
export function backoffDelay(
  attempt: number,
  policy: BackoffPolicy = DEFAULT_BACKOFF,
  random: RandomSource = Math.random,
): number {
  const maxMs = Math.max(0, policy.maxMs);
  // Clamping the exponent keeps factor ** n well defined (1 ** Infinity is NaN); 2 ** 10000 is Infinity.
  const n = attempt > 0 ? Math.min(Math.floor(attempt), 10_000) : 0;
  const ceiling = Math.min(maxMs, Math.max(0, policy.initialMs) * policy.factor ** n);
  const jitter = Math.min(1, Math.max(0, policy.jitter));
  const draw = Math.min(1, Math.max(0, random()));
  return Math.round(ceiling * (1 - jitter * draw));
}

/** Counts attempts for one retry loop: `next()` after each failure, `reset()` after a success. */
export class Backoff {
  readonly #policy: BackoffPolicy;
  readonly #random: RandomSource;
  #attempt = 0;

  constructor(policy: BackoffPolicy = DEFAULT_BACKOFF, random: RandomSource = Math.random) {
    this.#policy = policy;
    this.#random = random;
  }

  /** The delay before the next retry; advances the attempt count. */
  next(): number {
    const delay = backoffDelay(this.#attempt, this.#policy, this.#random);
    this.#attempt += 1;
    return delay;
  }

  reset(): void {
    this.#attempt = 0;
  }

  get attempt(): number {
    return this.#attempt;
  }
}
