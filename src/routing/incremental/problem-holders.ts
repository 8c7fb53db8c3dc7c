// The problems of an incremental build, kept by their holder (an Ingress, a host, the TLS table, an index):
// only holders with problems are kept, and the sorted list is made again only when one of them changed.

import { sortProblems } from '../problems.ts';
import type { Problem } from '../types.ts';
import type { KindIndex } from './kind-index.ts';

export interface ProblemHolder {
  problems: readonly Problem[];
  useProblems?: readonly Problem[];
}

export class ProblemHolders {
  readonly #holders = new Set<ProblemHolder>();
  /** The indexes whose own problems (invalid, duplicate) are read again when they say they changed. */
  readonly #indexHolders = new Map<KindIndex, ProblemHolder>();
  #changed = true;
  #problems: readonly Problem[] = [];

  watch(index: KindIndex): void {
    this.#indexHolders.set(index, { problems: [] });
  }

  /** Call whenever the problems of `holder` may have changed. */
  track(holder: ProblemHolder): void {
    if (holder.problems.length > 0 || (holder.useProblems?.length ?? 0) > 0) {
      this.#holders.add(holder);
      this.#changed = true;
    } else this.untrack(holder);
  }

  /** Call when `holder` is gone. */
  untrack(holder: ProblemHolder): void {
    if (this.#holders.delete(holder)) this.#changed = true;
  }

  gather(): readonly Problem[] {
    for (const [index, holder] of this.#indexHolders) {
      if (!index.problemsChanged) continue;
      index.problemsChanged = false;
      holder.problems = index.problems();
      this.track(holder);
    }
    if (!this.#changed) return this.#problems;
    this.#changed = false;
    const all: Problem[] = [];
    for (const holder of this.#holders) {
      for (const item of holder.problems) all.push(item);
      for (const item of holder.useProblems ?? []) all.push(item);
    }
    this.#problems = Object.freeze(sortProblems(all));
    return this.#problems;
  }
}
