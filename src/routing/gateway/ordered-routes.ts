// The matcher for an `ordered` host (Gateway API): routes are already in the spec's precedence, so the
// first whose path and conditions (method, headers, query) hold wins. Everything is compiled once per
// table (regexes on re2js, path keys, an index by path); a request looks up only the rules its path can
// match and allocates nothing beyond what re2js does for a regex.

import { RE2JS } from 're2js';
import { RangeMap } from '../path-range-map.ts';
import { prefixKey, prefixKeyMatches, rulePathKey } from '../path-rule-key.ts';
import type { Match, PathRoute, RequestFacts } from '../types.ts';
import type { ValueCondition } from './route-data.ts';

const CODE_SLASH = 0x2f;

class ValueTest {
  readonly name: string;
  readonly exact: string | null;
  readonly pattern: RE2JS | null;

  constructor(condition: ValueCondition) {
    this.name = condition.name;
    this.exact = condition.kind === 'exact' ? condition.value : null;
    this.pattern = condition.kind === 'regex' ? RE2JS.compile(condition.value) : null;
  }

  holds(value: string | undefined): boolean {
    if (value === undefined) return false;
    return this.exact !== null ? value === this.exact : (this.pattern as RE2JS).matches(value);
  }
}

class OrderedRule {
  readonly match: Match;
  readonly #exact: string | null;
  readonly #prefix: string | null;
  readonly #regex: RE2JS | null;
  readonly #method: string | null;
  readonly #headers: readonly ValueTest[];
  readonly #query: readonly ValueTest[];
  readonly #conditional: boolean;

  constructor(route: PathRoute, match: Match) {
    this.match = match;
    this.#exact = route.match === 'exact' ? rulePathKey(route.path) : null;
    this.#prefix = route.match === 'prefix' ? prefixKey(route.path) : null;
    this.#regex = route.match === 'regex' ? RE2JS.compile(route.path) : null;
    const conditions = route.conditions;
    this.#method = conditions?.method ?? null;
    this.#headers = (conditions?.headers ?? []).map((c) => new ValueTest(c));
    this.#query = (conditions?.query ?? []).map((c) => new ValueTest(c));
    this.#conditional = this.#method !== null || this.#headers.length > 0 || this.#query.length > 0;
  }

  /** The exact path key, the prefix key, or null for a regex rule. */
  get exactKey(): string | null {
    return this.#exact;
  }

  get prefixKey(): string | null {
    return this.#prefix;
  }

  accepts(path: string, facts: RequestFacts | undefined): boolean {
    if (this.#exact !== null) {
      if (path !== this.#exact) return false;
    } else if (this.#prefix !== null) {
      if (!prefixKeyMatches(this.#prefix, path)) return false;
    } else if (!(this.#regex as RE2JS).matches(path)) return false;
    return this.holds(facts);
  }

  /** The conditions alone (the path is known to match). */
  holds(facts: RequestFacts | undefined): boolean {
    if (!this.#conditional) return true;
    if (facts === undefined) return false;
    if (this.#method !== null && facts.method !== this.#method) return false;
    for (const test of this.#headers) if (!test.holds(facts.header(test.name))) return false;
    for (const test of this.#query) if (!test.holds(facts.query(test.name))) return false;
    return true;
  }
}

/** The first rule in `rules` whose conditions hold, or null. */
function firstHolding(rules: readonly OrderedRule[], facts: RequestFacts | undefined): Match | null {
  for (let i = 0; i < rules.length; i++) if (rules[i].holds(facts)) return rules[i].match;
  return null;
}

/**
 * HTTPRoute precedence puts every Exact rule first, then regexes, then Prefix rules longest first, so a
 * request looks up only the rules its path can match: exact rules by path, prefix rules by each prefix
 * of the path (longest first, no slicing), regexes in order. Same answer as walking the list.
 */
class IndexedRoutes {
  readonly #exact = new Map<string, OrderedRule[]>();
  readonly #regexes: OrderedRule[] = [];
  readonly #prefixes = new RangeMap<OrderedRule[]>();

  constructor(rules: readonly OrderedRule[]) {
    for (const rule of rules) {
      const exact = rule.exactKey;
      const prefix = rule.prefixKey;
      if (exact !== null) {
        const list = this.#exact.get(exact);
        if (list === undefined) this.#exact.set(exact, [rule]);
        else list.push(rule);
      } else if (prefix !== null) {
        const list = this.#prefixes.get(prefix, 0, prefix.length);
        if (list === undefined) this.#prefixes.add(prefix, [rule]);
        else list.push(rule);
      } else this.#regexes.push(rule);
    }
  }

  match(path: string, facts: RequestFacts | undefined): Match | null {
    const exact = this.#exact.get(path);
    if (exact !== undefined) {
      const found = firstHolding(exact, facts);
      if (found !== null) return found;
    }
    const regexes = this.#regexes;
    for (let i = 0; i < regexes.length; i++) if (regexes[i].accepts(path, facts)) return regexes[i].match;
    const prefixes = this.#prefixes;
    if (prefixes.size === 0) return null;
    const length = path.length;
    for (let end = Math.min(length, prefixes.maxKeyLength); end > 0; end--) {
      const boundary = end === length ? path.charCodeAt(end - 1) !== CODE_SLASH : path.charCodeAt(end) === CODE_SLASH;
      if (!boundary) continue;
      const rules = prefixes.get(path, 0, end);
      if (rules === undefined) continue;
      const found = firstHolding(rules, facts);
      if (found !== null) return found;
    }
    const root = prefixes.get(path, 0, 0);
    return root === undefined ? null : firstHolding(root, facts);
  }
}

export class OrderedRoutes {
  readonly #rules: readonly OrderedRule[];
  readonly #indexed: IndexedRoutes | null;

  /** `matches` parallel to `routes`. Throws only on a regex the builder would have refused. */
  constructor(routes: readonly PathRoute[], matches: readonly Match[]) {
    this.#rules = routes.map((route, index) => new OrderedRule(route, matches[index]));
    // GRPCRoute precedence (service, then method characters) mixes match kinds: those hosts walk the list.
    this.#indexed = routes.some((route) => route.gateway?.grpc === true) ? null : new IndexedRoutes(this.#rules);
  }

  match(path: string, facts: RequestFacts | undefined): Match | null {
    if (this.#indexed !== null) return this.#indexed.match(path, facts);
    const rules = this.#rules;
    for (let i = 0; i < rules.length; i++) if (rules[i].accepts(path, facts)) return rules[i].match;
    return null;
  }
}
