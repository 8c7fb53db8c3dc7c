/** Upper bounds, in seconds, of the request and connect duration histograms (plus +Inf). */
export const DURATION_BUCKETS_SECONDS: readonly number[] = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
];

/** The same bounds in milliseconds, for the per-route windows. */
export const DURATION_BUCKETS_MS: readonly number[] = DURATION_BUCKETS_SECONDS.map((s) => s * 1000);

/** Index of the first bucket whose bound is >= value; `bounds.length` is the +Inf bucket. */
export function bucketIndex(bounds: readonly number[], value: number): number {
  let i = 0;
  while (i < bounds.length && value > bounds[i]) i++;
  return i;
}

/**
 * The q-quantile of non-cumulative bucket counts, interpolated linearly inside the bucket as
 * Prometheus' histogram_quantile does. The +Inf bucket answers its lower bound. null when empty.
 */
export function quantileFromBuckets(
  bounds: readonly number[],
  counts: ArrayLike<number>,
  offset: number,
  q: number,
): number | null {
  let total = 0;
  for (let i = 0; i <= bounds.length; i++) total += counts[offset + i];
  if (total === 0) return null;
  const rank = q * total;
  let seen = 0;
  for (let i = 0; i <= bounds.length; i++) {
    const inBucket = counts[offset + i];
    if (inBucket > 0 && seen + inBucket >= rank) {
      if (i === bounds.length) return bounds[bounds.length - 1];
      const lower = i === 0 ? 0 : bounds[i - 1];
      return lower + (bounds[i] - lower) * ((rank - seen) / inBucket);
    }
    seen += inBucket;
  }
  return bounds[bounds.length - 1];
}
