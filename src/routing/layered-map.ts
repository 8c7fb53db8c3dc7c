// A map changed by making a new one that shares the old: a small top layer of changes over a shared,
// never-changed base, folded into a new base once it holds more than an eighth of it. One change to a
// map of 10k hosts then costs a copy of the few changes, not of 10k entries; a lookup costs one more get.

const DELETED: unique symbol = Symbol('deleted');

export class LayeredMap<V> {
  readonly #base: ReadonlyMap<string, V>;
  readonly #top: ReadonlyMap<string, V | typeof DELETED> | null;

  constructor(base: ReadonlyMap<string, V> = new Map(), top: ReadonlyMap<string, V | typeof DELETED> | null = null) {
    this.#base = base;
    this.#top = top;
  }

  get(key: string): V | undefined {
    if (this.#top !== null) {
      const changed = this.#top.get(key);
      if (changed !== undefined) return changed === DELETED ? undefined : changed;
    }
    return this.#base.get(key);
  }

  /** A new map with `changes` applied (a null value deletes the key); this one is left as it was. */
  with(changes: ReadonlyMap<string, V | null>): LayeredMap<V> {
    if (changes.size === 0) return this;
    const top = new Map<string, V | typeof DELETED>(this.#top ?? []);
    for (const [key, value] of changes) top.set(key, value === null ? DELETED : value);
    if (top.size * 8 <= this.#base.size) return new LayeredMap(this.#base, top);
    const base = new Map(this.#base);
    for (const [key, value] of top) {
      if (value === DELETED) base.delete(key);
      else base.set(key, value);
    }
    return new LayeredMap(base);
  }
}
