import { DURATION_BUCKETS_MS, bucketIndex, quantileFromBuckets } from './duration-buckets.ts';

const SLOT_MS = 5_000;
const SLOTS = 12; // 12 × 5 s: the last minute
const BUCKETS = DURATION_BUCKETS_MS.length + 1;
const REQUESTS = 0;
const ERRORS = 1;
const FIRST_BUCKET = 2;
const STRIDE = FIRST_BUCKET + BUCKETS;

export interface WindowSummary {
  /** Requests finished in the window. */
  readonly requests: number;
  readonly errors: number;
  readonly requestsPerSecond: number;
  /** errors / requests, 0 when there were none. */
  readonly errorRate: number;
  /** Estimated from fixed buckets; null without requests. */
  readonly p99Ms: number | null;
  /** How many seconds the figures cover (55–60). */
  readonly windowSeconds: number;
}

/**
 * A one-minute rolling window of request count, error count and a duration histogram, kept as a
 * ring of twelve 5-second slots in one typed array: recording is a few array writes, no allocation.
 */
export class RollingWindow {
  readonly #slotNumbers = new Float64Array(SLOTS).fill(-1);
  readonly #cells = new Float64Array(SLOTS * STRIDE);

  record(endMs: number, durationMs: number, isError: boolean): void {
    const slotNumber = Math.floor(endMs / SLOT_MS);
    const slot = slotNumber % SLOTS;
    const base = slot * STRIDE;
    if (this.#slotNumbers[slot] !== slotNumber) {
      this.#cells.fill(0, base, base + STRIDE);
      this.#slotNumbers[slot] = slotNumber;
    }
    this.#cells[base + REQUESTS]++;
    if (isError) this.#cells[base + ERRORS]++;
    this.#cells[base + FIRST_BUCKET + bucketIndex(DURATION_BUCKETS_MS, durationMs)]++;
  }

  summary(nowMs: number): WindowSummary {
    const current = Math.floor(nowMs / SLOT_MS);
    const merged = new Float64Array(BUCKETS);
    let requests = 0;
    let errors = 0;
    for (let slot = 0; slot < SLOTS; slot++) {
      const slotNumber = this.#slotNumbers[slot];
      if (slotNumber > current || slotNumber <= current - SLOTS) continue;
      const base = slot * STRIDE;
      requests += this.#cells[base + REQUESTS];
      errors += this.#cells[base + ERRORS];
      for (let b = 0; b < BUCKETS; b++) merged[b] += this.#cells[base + FIRST_BUCKET + b];
    }
    const windowSeconds = ((SLOTS - 1) * SLOT_MS + (nowMs - current * SLOT_MS)) / 1000;
    return {
      requests,
      errors,
      requestsPerSecond: requests / windowSeconds,
      errorRate: requests === 0 ? 0 : errors / requests,
      p99Ms: quantileFromBuckets(DURATION_BUCKETS_MS, merged, 0, 0.99),
      windowSeconds,
    };
  }
}
