// A sorted list changed by copy: the published list is never touched. A few changes cost a binary search
// and a splice each; many (the first build) a sort.

import { sortInPlace } from '../compare.ts';

function search<T>(list: readonly T[], item: T, compare: (a: T, b: T) => number): number {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (compare(list[middle], item) < 0) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * `previous` with the items equal (by `compare`) to those in `removed` taken out and `upserts` put in
 * (replacing an equal item). Returns a new frozen array.
 */
export function changeSorted<T>(
  previous: readonly T[],
  removed: readonly T[],
  upserts: readonly T[],
  compare: (a: T, b: T) => number,
): readonly T[] {
  if (removed.length + upserts.length > 64 && removed.length + upserts.length > previous.length / 16) {
    const gone = [...removed, ...upserts];
    sortInPlace(gone, compare);
    const kept = previous.filter((item) => {
      const at = search(gone, item, compare);
      return at === gone.length || compare(gone[at], item) !== 0;
    });
    return Object.freeze(sortInPlace([...kept, ...upserts], compare));
  }
  const next = previous.slice();
  for (const item of removed) {
    const at = search(next, item, compare);
    if (at < next.length && compare(next[at], item) === 0) next.splice(at, 1);
  }
  for (const item of upserts) {
    const at = search(next, item, compare);
    if (at < next.length && compare(next[at], item) === 0) next[at] = item;
    else next.splice(at, 0, item);
  }
  return Object.freeze(next);
}
