// The matcher for an `ordered` host (Gateway API): routes are already in the spec's precedence, so the
// first whose path and conditions (method, headers, query) hold wins. Everything is compiled once per
// table (regexes on re2js, path keys); a request walks the list and allocates nothing beyond what
// re2js does for a regex condition.

import { RE2JS } from 're2js';
import { prefixKey, prefixKeyMatches, rulePathKey } from '../path-rule-key.ts';
import type { Match, PathRoute, RequestFacts } from '../types.ts';
import type { ValueCondition } from './route-data.ts';

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

  accepts(path: string, facts: RequestFacts | undefined): boolean {
    if (this.#exact !== null) {
      if (path !== this.#exact) return false;
    } else if (this.#prefix !== null) {
      if (!prefixKeyMatches(this.#prefix, path)) return false;
    } else if (!(this.#regex as RE2JS).matches(path)) return false;
    if (!this.#conditional) return true;
    if (facts === undefined) return false;
    if (this.#method !== null && facts.method !== this.#method) return false;
    for (const test of this.#headers) if (!test.holds(facts.header(test.name))) return false;
    for (const test of this.#query) if (!test.holds(facts.query(test.name))) return false;
    return true;
  }
}

export class OrderedRoutes {
  readonly #rules: readonly OrderedRule[];

  /** `matches` parallel to `routes`. Throws only on a regex the builder would have refused. */
  constructor(routes: readonly PathRoute[], matches: readonly Match[]) {
    this.#rules = routes.map((route, index) => new OrderedRule(route, matches[index]));
  }

  match(path: string, facts: RequestFacts | undefined): Match | null {
    const rules = this.#rules;
    for (let i = 0; i < rules.length; i++) if (rules[i].accepts(path, facts)) return rules[i].match;
    return null;
  }
}
