// The compiled matcher (routing-semantics §2–§4): hosts by Map (exact, then one-label wildcard, then
// host-less), each host's paths compiled by compiled-host.ts. `match` allocates nothing; `explain`
// (matcher-explain.ts) is a separate, plain walk over the table: it is for people, not for traffic.

import type { Explanation, HostRules, Match, Matcher, RequestFacts, RouteTable } from './types.ts';
import { type CompiledHost, compileHost, freezeMatch, matchInHost, wildcardSuffix } from './compiled-host.ts';
import { LayeredMap } from './layered-map.ts';
import { explainPlainly } from './matcher-explain.ts';
import { RangeMap } from './path-range-map.ts';

/** The hosts one incremental build removed and put in (new or replaced), for `recompileMatcher`. */
export interface HostChanges {
  readonly removed: readonly HostRules[];
  readonly upserted: readonly HostRules[];
}

interface HostMaps {
  readonly exact: LayeredMap<CompiledHost>;
  /** Keyed by the wildcard's suffix without "*.": "foo.com" for "*.foo.com". */
  readonly wildcard: RangeMap<CompiledHost>;
  /** Gateway API wildcards (one or more labels), by suffix as above. */
  readonly deepWildcard: RangeMap<CompiledHost>;
  readonly any: CompiledHost | null;
}

class CompiledMatcher implements Matcher {
  readonly #table: RouteTable;
  readonly #exactHosts: LayeredMap<CompiledHost>;
  readonly #wildcardHosts: RangeMap<CompiledHost>;
  readonly #deepWildcards: RangeMap<CompiledHost>;
  readonly #anyHost: CompiledHost | null;
  readonly #globalDefault: Match | null;
  /** Parallel to table.hosts, for explain: made by the first explain (compiled hosts are memoised). */
  #compiledHosts: CompiledHost[] | null = null;

  constructor(table: RouteTable, maps: HostMaps, globalDefault: Match | null) {
    this.#table = table;
    this.#exactHosts = maps.exact;
    this.#wildcardHosts = maps.wildcard;
    this.#deepWildcards = maps.deepWildcard;
    this.#anyHost = maps.any;
    this.#globalDefault = globalDefault;
  }

  static compile(table: RouteTable): CompiledMatcher {
    const exact = new Map<string, CompiledHost>();
    const wildcard = new RangeMap<CompiledHost>();
    const deepWildcard = new RangeMap<CompiledHost>();
    let any: CompiledHost | null = null;
    for (const rules of table.hosts) {
      const compiled = compileHost(rules);
      if (rules.kind === 'exact') {
        if (!exact.has(rules.host)) exact.set(rules.host, compiled);
      } else if (rules.kind === 'wildcard') {
        (rules.deepWildcard === true ? deepWildcard : wildcard).add(wildcardSuffix(rules.host), compiled);
      } else {
        any ??= compiled;
      }
    }
    const maps = { exact: new LayeredMap(exact), wildcard, deepWildcard, any };
    return new CompiledMatcher(table, maps, globalDefaultMatch(table));
  }

  /** The matcher of `table`, which differs from this one's by `changes`. */
  next(table: RouteTable, changes: HostChanges): CompiledMatcher {
    // Nothing a matcher holds is changed once it has it: what did not change is shared, not copied.
    const exactChanges = new Map<string, CompiledHost | null>();
    const touched = [...changes.removed, ...changes.upserted];
    const wildcard = touched.some((r) => r.kind === 'wildcard' && r.deepWildcard !== true)
      ? this.#wildcardHosts.clone()
      : this.#wildcardHosts;
    const deepWildcard = touched.some((r) => r.kind === 'wildcard' && r.deepWildcard === true)
      ? this.#deepWildcards.clone()
      : this.#deepWildcards;
    const wildcardsOf = (rules: HostRules) => (rules.deepWildcard === true ? deepWildcard : wildcard);
    let any = this.#anyHost;
    for (const rules of changes.removed) {
      if (rules.kind === 'exact') exactChanges.set(rules.host, null);
      else if (rules.kind === 'wildcard') wildcardsOf(rules).delete(wildcardSuffix(rules.host));
      else any = null;
    }
    for (const rules of changes.upserted) {
      const compiled = compileHost(rules);
      if (rules.kind === 'exact') exactChanges.set(rules.host, compiled);
      else if (rules.kind === 'wildcard') {
        wildcardsOf(rules).delete(wildcardSuffix(rules.host));
        wildcardsOf(rules).add(wildcardSuffix(rules.host), compiled);
      } else any = compiled;
    }
    const globalDefault =
      table.defaultBackend === this.#table.defaultBackend ? this.#globalDefault : globalDefaultMatch(table);
    const maps = { exact: this.#exactHosts.with(exactChanges), wildcard, deepWildcard, any };
    return new CompiledMatcher(table, maps, globalDefault);
  }

  match(host: string, path: string, facts?: RequestFacts): Match | null {
    const compiled = this.#chooseHost(host);
    return compiled === null ? this.#globalDefault : matchInHost(compiled, path, facts);
  }

  #chooseHost(host: string): CompiledHost | null {
    const exact = this.#exactHosts.get(host);
    if (exact !== undefined) return exact;
    const dot = host.indexOf('.');
    if (dot > 0 && this.#wildcardHosts.size > 0) {
      const wildcard = this.#wildcardHosts.get(host, dot + 1, host.length);
      if (wildcard !== undefined) return wildcard;
    }
    if (dot > 0 && this.#deepWildcards.size > 0) return this.#chooseDeepWildcard(host, dot);
    return this.#anyHost;
  }

  /** The longest suffix after any dot: "*.b.c" before "*.c" for "a.b.c" (Gateway API hostnames). */
  #chooseDeepWildcard(host: string, firstDot: number): CompiledHost | null {
    for (let dot = firstDot; dot > 0; dot = host.indexOf('.', dot + 1)) {
      const found = this.#deepWildcards.get(host, dot + 1, host.length);
      if (found !== undefined) return found;
    }
    return this.#anyHost;
  }

  explain(host: string, path: string, facts?: RequestFacts): Explanation {
    this.#compiledHosts ??= this.#table.hosts.map(compileHost);
    return explainPlainly(this.#table, this.#compiledHosts, host, path, this.#globalDefault, facts);
  }
}

function globalDefaultMatch(table: RouteTable): Match | null {
  return table.defaultBackend === null ? null : freezeMatch('default', table.defaultBackend, null, null);
}

export function compileMatcher(table: RouteTable): Matcher {
  return CompiledMatcher.compile(table);
}

/**
 * The matcher of `table` from `previous` (the matcher of the table before `changes`), in time proportional
 * to the changes plus copies of the wildcard buckets they touch. Any other previous matcher: compiled in full.
 */
export function recompileMatcher(previous: Matcher, table: RouteTable, changes: HostChanges): Matcher {
  return previous instanceof CompiledMatcher ? previous.next(table, changes) : compileMatcher(table);
}
