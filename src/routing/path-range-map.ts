// A map from string keys that is looked up by a range of a longer string, so the matcher can ask
// "is path[0..i) a prefix rule?" or "is host[dot+1..] a wildcard suffix?" without slicing (and so
// without allocating) per request. Keys are bucketed by a 30-bit FNV-1a hash (30 bits keep the
// number a small integer in V8) and confirmed with startsWith, so collisions only cost a compare.

export const HASH_SEED = 0x811c9dc5 | 0;

/** One step of FNV-1a over UTF-16 code units. */
export function hashStep(hash: number, code: number): number {
  return Math.imul(hash ^ code, 0x01000193);
}

export function hashRange(text: string, start: number, end: number): number {
  let hash = HASH_SEED;
  for (let i = start; i < end; i++) hash = hashStep(hash, text.charCodeAt(i));
  return hash;
}

/** Chains are never changed once made, so a clone can share them. */
interface RangeEntry<V> {
  readonly key: string;
  readonly value: V;
  readonly next: RangeEntry<V> | null;
}

export class RangeMap<V> {
  readonly #buckets: Map<number, RangeEntry<V>>;
  #maxKeyLength = 0;
  #size = 0;

  constructor(buckets = new Map<number, RangeEntry<V>>()) {
    this.#buckets = buckets;
  }

  get size(): number {
    return this.#size;
  }

  /** The length of the longest key (an upper bound once keys are deleted): a longer range cannot match. */
  get maxKeyLength(): number {
    return this.#maxKeyLength;
  }

  /** Adds `key` unless present. Returns false (and keeps the first value) when it was already there. */
  add(key: string, value: V): boolean {
    const bucket = hashRange(key, 0, key.length) & 0x3fffffff;
    const head = this.#buckets.get(bucket) ?? null;
    for (let entry = head; entry !== null; entry = entry.next) if (entry.key === key) return false;
    this.#buckets.set(bucket, { key, value, next: head });
    this.#size++;
    if (key.length > this.#maxKeyLength) this.#maxKeyLength = key.length;
    return true;
  }

  /** Removes `key` (its bucket's chain is made again, never changed: a clone may share it). */
  delete(key: string): boolean {
    const bucket = hashRange(key, 0, key.length) & 0x3fffffff;
    const head = this.#buckets.get(bucket) ?? null;
    let kept: RangeEntry<V> | null = null;
    let found = false;
    for (let entry = head; entry !== null; entry = entry.next) {
      if (entry.key === key) found = true;
      else kept = { key: entry.key, value: entry.value, next: kept };
    }
    if (!found) return false;
    if (kept === null) this.#buckets.delete(bucket);
    else this.#buckets.set(bucket, kept);
    this.#size--;
    return true;
  }

  /** A copy that shares the chains (O(buckets), no entry copied). */
  clone(): RangeMap<V> {
    const copy = new RangeMap<V>(new Map(this.#buckets));
    copy.#size = this.#size;
    copy.#maxKeyLength = this.#maxKeyLength;
    return copy;
  }

  /** The value whose key equals text[start..end), given that range's `hashRange`. */
  getHashed(text: string, start: number, end: number, hash: number): V | undefined {
    let entry: RangeEntry<V> | null = this.#buckets.get(hash & 0x3fffffff) ?? null;
    const length = end - start;
    while (entry !== null) {
      if (entry.key.length === length && text.startsWith(entry.key, start)) return entry.value;
      entry = entry.next;
    }
    return undefined;
  }

  /** The value whose key equals text[start..end). */
  get(text: string, start: number, end: number): V | undefined {
    return this.getHashed(text, start, end, hashRange(text, start, end));
  }
}
