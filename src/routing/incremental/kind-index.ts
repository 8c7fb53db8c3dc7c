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

export class KindIndex {
  readonly #kind: string;
  readonly #namespaced: boolean;
  readonly #byId = new Map<string, Stored>();
  /** "namespace/name" → id → its Named: more than one id is a duplicate. */
  readonly #claims = new Map<string, Map<string, Named>>();
  readonly #invalid = new Map<string, Problem>();
  readonly #duplicates = new Set<string>();
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
    let claims = this.#claims.get(named.key);
    if (claims === undefined) {
      claims = new Map();
      this.#claims.set(named.key, claims);
    }
    claims.set(id, named);
    if (claims.size > 1 && !this.#duplicates.has(named.key)) {
      this.#duplicates.add(named.key);
      this.problemsChanged = true;
    }
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
    claims?.delete(id);
    if (claims === undefined || claims.size === 0) this.#claims.delete(key);
    if ((claims?.size ?? 0) <= 1 && this.#duplicates.delete(key)) this.problemsChanged = true;
  }

  /** The one object named `key`, as a build's index would hold it. */
  get(key: string): Named | undefined {
    const claims = this.#claims.get(key);
    if (claims === undefined || claims.size !== 1) return undefined;
    return claims.values().next().value;
  }

  /** Every usable object (for small kinds: IngressClasses). */
  named(): Map<string, Named> {
    const all = new Map<string, Named>();
    for (const key of this.#claims.keys()) {
      const named = this.get(key);
      if (named !== undefined) all.set(key, named);
    }
    return all;
  }

  problems(): Problem[] {
    const found = [...this.#invalid.values()];
    for (const key of this.#duplicates) {
      const named = this.#claims.get(key)?.values().next().value;
      if (named === undefined) continue;
      const message = `more than one ${this.#kind} is named ${key}; all are ignored`;
      found.push(problem('DuplicateObject', named.ref, 'metadata.name', message));
    }
    return found;
  }
}
