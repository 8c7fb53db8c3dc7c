// Which Ingresses name each host: the ones claiming it, and the canaries lending it backends. A list per
// host, not a set: most hosts have one or a few.

import type { HostKind } from '../types.ts';
import type { IngressEntry } from './ingress-entry.ts';

const NO_ENTRIES: readonly IngressEntry[] = Object.freeze([]);

export class HostClaims {
  /** Host → the Ingresses claiming it. */
  readonly #contributors = new Map<string, IngressEntry[]>();
  /** Host → the canary Ingresses naming it. */
  readonly #canaries = new Map<string, IngressEntry[]>();

  contributors(host: string): readonly IngressEntry[] {
    return this.#contributors.get(host) ?? NO_ENTRIES;
  }

  canaries(host: string): readonly IngressEntry[] {
    return this.#canaries.get(host) ?? NO_ENTRIES;
  }

  /** Adds `entry` to every host it names, and each of those hosts to `touched`. */
  add(entry: IngressEntry, touched: Set<string>): void {
    const byHost = entry.canary ? this.#canaries : this.#contributors;
    for (const { host } of entry.hosts) {
      const contributors = byHost.get(host);
      if (contributors === undefined) byHost.set(host, [entry]);
      else contributors.push(entry);
      touched.add(host);
    }
  }

  /** Removes `entry` from every host it names, and adds each of those hosts to `touched`. */
  remove(entry: IngressEntry, touched: Set<string>): void {
    const byHost = entry.canary ? this.#canaries : this.#contributors;
    for (const { host } of entry.hosts) {
      const contributors = byHost.get(host);
      if (contributors === undefined) continue;
      const at = contributors.indexOf(entry);
      if (at >= 0) contributors.splice(at, 1);
      if (contributors.length === 0) byHost.delete(host);
      touched.add(host);
    }
  }
}

/** As rule-host.ts classifies a host: "" any, "*." wildcard, else exact. */
export function hostKind(host: string): HostKind {
  return host === '' ? 'any' : host.startsWith('*.') ? 'wildcard' : 'exact';
}
