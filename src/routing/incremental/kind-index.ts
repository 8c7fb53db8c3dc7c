// indexObjects (object-index.ts), kept up to date one object at a time: objects by the caller's id (the
// store key), named as a build names them. An object without a usable name is reported; two objects with
// one name are reported and both dropped, exactly as a full build does, whatever order they came in.

import { nameObject, type Named } from '../object-index.ts';
import { problem } from '../problems.ts';
import type { KubeObject, Problem } from '../types.ts';

interface Stored {
  readonly object: KubeObject;
  readonly named: Named | null;
}

/** The ids claiming one name: one (almost always) or more (a duplicate, dropped). */
type Claims = { readonly id: string; readonly named: Named } | Map<string, Named>;

export class KindIndex {
  readonly #kind: string;
  readonly #namespaced: boolean;
  readonly #byId = new Map<string, Stored>();
  readonly #claims = new Map<string, Claims>();
  readonly #invalid = new Map<string, Problem>();
  /** Set when the index's own problems (invalid, duplicate) may have changed. */
  problemsChanged = false;

  constructor(kind: string, namespaced: boolean) {
    this.#kind = kind;
    this.#namespaced = namespaced;
  }

  /** Stores (or, with null, removes) the object of `id`; adds every name whose object may change to `touched`. */
  set(id: string, object: KubeObject | null, touched: Set<string>): void {
    const before = this.#byId.get(id);
    if (before?.object === object) return;
    if (before !== undefined) this.#forget(id, before, touched);
    if (object === null) {
      this.#byId.delete(id);
      return;
    }
    const problems: Problem[] = [];
    const named = nameObject(this.#kind, object, this.#namespaced, problems);
    this.#byId.set(id, { object, named });
    if (named === null) {
      this.#invalid.set(id, problems[0]);
      this.problemsChanged = true;
      return;
    }
    touched.add(named.key);
    const claims = this.#claims.get(named.key);
    if (claims === undefined || (!(claims instanceof Map) && claims.id === id)) {
      this.#claims.set(named.key, { id, named });
      return;
    }
    const all = claims instanceof Map ? claims : new Map([[claims.id, claims.named]]);
    all.set(id, named);
    this.#claims.set(named.key, all);
    this.problemsChanged = true;
  }

  #forget(id: string, before: Stored, touched: Set<string>): void {
    if (before.named === null) {
      this.#invalid.delete(id);
      this.problemsChanged = true;
      return;
    }
    const key = before.named.key;
    touched.add(key);
    const claims = this.#claims.get(key);
    if (claims === undefined) return;
    if (!(claims instanceof Map)) {
      if (claims.id === id) this.#claims.delete(key);
      return;
    }
    claims.delete(id);
    if (claims.size > 1) return;
    this.problemsChanged = true;
    const [rest] = claims;
    if (rest === undefined) this.#claims.delete(key);
    else this.#claims.set(key, { id: rest[0], named: rest[1] });
  }

  /** The one object named `key`, as a build's index would hold it. */
  get(key: string): Named | undefined {
    const claims = this.#claims.get(key);
    return claims === undefined || claims instanceof Map ? undefined : claims.named;
  }

  /** Every usable object (for small kinds: IngressClasses). */
  named(): Map<string, Named> {
    const all = new Map<string, Named>();
    for (const [key, claims] of this.#claims) if (!(claims instanceof Map)) all.set(key, claims.named);
    return all;
  }

  problems(): Problem[] {
    const found = [...this.#invalid.values()];
    for (const [key, claims] of this.#claims) {
      if (!(claims instanceof Map)) continue;
      const named = claims.values().next().value;
      if (named === undefined) continue;
      const message = `more than one ${this.#kind} is named ${key}; all are ignored`;
      found.push(problem('DuplicateObject', named.ref, 'metadata.name', message));
    }
    return found;
  }
}
