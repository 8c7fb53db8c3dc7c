// The compiled matcher (routing-semantics §2–§4): hosts by Map (exact, then one-label wildcard,
// then host-less), exact paths by Map, Prefix paths by a hashed map of every path prefix scanned in
// one pass. Every possible result is a frozen Match built at compile time, so `match` allocates
// nothing. `explain` is a separate, plain walk over the table: it is for people, not for traffic.

import type {
  ExplainCandidate,
  Explanation,
  HostKind,
  HostRules,
  Match,
  Matcher,
  PathRoute,
  RequestFacts,
  RouteTable,
} from './types.ts';
import { OrderedRoutes } from './gateway/ordered-routes.ts';
import { HASH_SEED, RangeMap, hashStep } from './path-range-map.ts';
import { prefixKey, prefixKeyMatches, prefixSegmentCount, rulePathKey } from './path-rule-key.ts';
import { RegexRoutes } from './regex-routes.ts';

const CODE_SLASH = 0x2f;

/** Above this many host rule sets, explain lists only hosts related to the request, not every one. */
const EXPLAIN_ALL_HOSTS_LIMIT = 100;

interface CompiledHost {
  readonly rules: HostRules;
  /** Normalised exact path → Match; null when the host has no Exact rule. */
  readonly exact: Map<string, Match> | null;
  /** Prefix key (no trailing slash, '' for `/`) → Match; null when the host has no Prefix rule. */
  readonly prefixes: RangeMap<Match> | null;
  /** The root prefix (`/`), looked up once at compile time. */
  readonly rootPrefix: Match | null;
  /** The host's default backend, or null (→ 404). */
  readonly fallback: Match | null;
  /** One Match per route, in the order of `rules.routes` (explain finds its choice here). */
  readonly routeMatches: readonly Match[];
  /** For a host matched as regex (rules.regex): the only path lookup. */
  readonly regex: RegexRoutes | null;
  /** For an ordered (Gateway API) host: the only path lookup, conditions included. */
  readonly ordered: OrderedRoutes | null;
}

function freezeMatch(
  kind: Match['kind'],
  target: Match['target'],
  host: HostRules | null,
  route: PathRoute | null,
): Match {
  return Object.freeze({ kind, target, host, route });
}

function compileHost(rules: HostRules): CompiledHost {
  let exact: Map<string, Match> | null = null;
  let prefixes: RangeMap<Match> | null = null;
  const routeMatches: Match[] = [];
  for (const route of rules.routes) {
    const match = freezeMatch('path', route, rules, route);
    routeMatches.push(match);
    if (route.match === 'exact') {
      exact ??= new Map();
      const key = rulePathKey(route.path);
      if (!exact.has(key)) exact.set(key, match);
    } else {
      prefixes ??= new RangeMap();
      prefixes.add(prefixKey(route.path), match);
    }
  }
  const rootPrefix = prefixes === null ? null : (prefixes.get('', 0, 0) ?? null);
  const fallback =
    rules.defaultBackend === null ? null : freezeMatch('host-default', rules.defaultBackend, rules, null);
  const regex = rules.regex === true ? new RegexRoutes(rules.routes, routeMatches) : null;
  const ordered = rules.ordered === true ? new OrderedRoutes(rules.routes, routeMatches) : null;
  return { rules, exact, prefixes, rootPrefix, fallback, routeMatches, regex, ordered };
}

/** The longest Prefix rule matching `path`: every prefix ending at a '/' (or at the end) is looked up. */
function matchPrefix(host: CompiledHost, path: string): Match | null {
  const prefixes = host.prefixes;
  if (prefixes === null) return null;
  let best = host.rootPrefix;
  const length = path.length;
  const scanEnd = Math.min(length, prefixes.maxKeyLength + 1);
  let hash = HASH_SEED;
  for (let i = 0; i < scanEnd; i++) {
    const code = path.charCodeAt(i);
    if (code === CODE_SLASH && i > 0) {
      const found = prefixes.getHashed(path, 0, i, hash);
      if (found !== undefined) best = found;
    }
    hash = hashStep(hash, code);
  }
  // The whole path is a candidate too, unless it ends with '/' (no key does).
  if (scanEnd === length && length > 0 && path.charCodeAt(length - 1) !== CODE_SLASH) {
    const found = prefixes.getHashed(path, 0, length, hash);
    if (found !== undefined) best = found;
  }
  return best;
}

function matchInHost(host: CompiledHost, path: string, facts: RequestFacts | undefined): Match | null {
  if (host.ordered !== null) return host.ordered.match(path, facts) ?? host.fallback;
  if (host.regex !== null) return host.regex.match(path) ?? host.fallback;
  if (host.exact !== null) {
    const found = host.exact.get(path);
    if (found !== undefined) return found;
  }
  const prefix = matchPrefix(host, path);
  return prefix !== null ? prefix : host.fallback;
}

class CompiledMatcher implements Matcher {
  readonly #table: RouteTable;
  readonly #exactHosts = new Map<string, CompiledHost>();
  /** Keyed by the wildcard's suffix without "*.": "foo.com" for "*.foo.com". */
  readonly #wildcardHosts = new RangeMap<CompiledHost>();
  /** Gateway API wildcards (one or more labels), by suffix as above. */
  readonly #deepWildcards = new RangeMap<CompiledHost>();
  readonly #anyHost: CompiledHost | null;
  readonly #globalDefault: Match | null;
  /** Parallel to table.hosts, for explain. */
  readonly #compiledHosts: CompiledHost[] = [];

  constructor(table: RouteTable) {
    this.#table = table;
    let anyHost: CompiledHost | null = null;
    for (const rules of table.hosts) {
      const compiled = compileHost(rules);
      this.#compiledHosts.push(compiled);
      if (rules.kind === 'exact') {
        if (!this.#exactHosts.has(rules.host)) this.#exactHosts.set(rules.host, compiled);
      } else if (rules.kind === 'wildcard') {
        if (rules.deepWildcard === true) this.#deepWildcards.add(wildcardSuffix(rules.host), compiled);
        else this.#wildcardHosts.add(wildcardSuffix(rules.host), compiled);
      } else {
        anyHost ??= compiled;
      }
    }
    this.#anyHost = anyHost;
    this.#globalDefault =
      table.defaultBackend === null ? null : freezeMatch('default', table.defaultBackend, null, null);
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
    return explainPlainly(this.#table, this.#compiledHosts, host, path, this.#globalDefault, facts);
  }
}

function wildcardSuffix(host: string): string {
  return host.startsWith('*.') ? host.slice(2) : host;
}

export function compileMatcher(table: RouteTable): Matcher {
  return new CompiledMatcher(table);
}

// ---- explain: the same decision, taken plainly, with the reasons for everything passed over ----

interface HostChoice {
  /** Index into table.hosts, or -1. */
  readonly index: number;
  readonly kind: HostKind | 'none';
}

function hostRuleMatches(rules: HostRules, host: string): boolean {
  if (rules.kind === 'any') return true;
  if (rules.kind === 'exact') return rules.host === host;
  if (rules.deepWildcard === true) return host.endsWith(rules.host.slice(1)) && host.length > rules.host.length - 1;
  const dot = host.indexOf('.');
  return dot > 0 && host.slice(dot + 1) === wildcardSuffix(rules.host);
}

function chooseHostPlainly(table: RouteTable, host: string): HostChoice {
  for (const kind of ['exact', 'wildcard', 'any'] as const) {
    let index = -1;
    // The most specific (longest) wildcard: only Gateway API wildcards can overlap.
    table.hosts.forEach((rules, at) => {
      if (rules.kind !== kind || !hostRuleMatches(rules, host)) return;
      if (index === -1 || rules.host.length > table.hosts[index].host.length) index = at;
    });
    if (index !== -1) return { index, kind };
  }
  return { index: -1, kind: 'none' };
}

/** Why a host rule set that does not match was not chosen. */
function hostMismatchReason(rules: HostRules, host: string): string {
  if (rules.kind !== 'wildcard') return 'host does not match';
  const suffix = wildcardSuffix(rules.host);
  if (host === suffix) return 'wildcard needs exactly one label before its suffix';
  if (host.endsWith('.' + suffix)) return 'wildcard matches one label only';
  return 'host does not match';
}

/** Related enough to list even in a large table: shares the request's parent domain. */
function isRelatedHost(rules: HostRules, host: string): boolean {
  if (rules.kind !== 'wildcard') return false;
  const suffix = wildcardSuffix(rules.host);
  return host === suffix || host.endsWith('.' + suffix);
}

/** Index of the chosen route in rules.routes, or -1. */
function chooseRoutePlainly(rules: HostRules, path: string): number {
  const exact = rules.routes.findIndex((route) => route.match === 'exact' && rulePathKey(route.path) === path);
  if (exact !== -1) return exact;
  let best = -1;
  let bestSegments = -1;
  rules.routes.forEach((route, index) => {
    if (route.match !== 'prefix') return;
    const key = prefixKey(route.path);
    const segments = prefixSegmentCount(key);
    if (segments > bestSegments && prefixKeyMatches(key, path)) {
      best = index;
      bestSegments = segments;
    }
  });
  return best;
}

function routeReason(route: PathRoute, chosen: PathRoute | null, path: string): string {
  if (route.conditions !== undefined && chosen !== null && chosen.gateway !== undefined)
    return 'earlier in Gateway API precedence, or its path, method, headers or query do not match';
  if (route.match === 'regex')
    return chosen === null ? 'regex does not match' : 'another regex matched first (longest path first)';
  if (route.match === 'exact') {
    const key = rulePathKey(route.path);
    if (key !== path) {
      const slashOnly = key + '/' === path || path + '/' === key;
      return slashOnly ? 'exact path differs (a trailing slash is significant)' : 'exact path differs';
    }
    return 'same exact path claimed by an earlier rule';
  }
  const key = prefixKey(route.path);
  if (!prefixKeyMatches(key, path)) {
    return path.startsWith(key) ? 'prefix does not match at a segment boundary' : 'prefix does not match';
  }
  if (chosen === null) return 'prefix matches but was not chosen';
  if (chosen.match === 'exact') return 'an exact path matched first';
  const chosenKey = prefixKey(chosen.path);
  return chosenKey === key ? 'same prefix claimed by an earlier rule' : 'shorter prefix than the chosen one';
}

function passedOverCandidate(
  rules: HostRules,
  route: PathRoute | null,
  source: ExplainCandidate['source'],
  reason: string,
): ExplainCandidate {
  return Object.freeze({
    host: rules.host,
    path: route === null ? null : route.path,
    pathType: route === null ? null : route.pathType,
    source,
    reason,
  });
}

/** One candidate per Ingress contributing to a host rule set that was passed over as a whole. */
function hostCandidates(rules: HostRules, reason: string, into: ExplainCandidate[]): void {
  const seen = new Set<string>();
  for (const route of rules.routes) {
    const id = `${route.source.kind}/${route.source.namespace}/${route.source.name}`;
    if (seen.has(id)) continue;
    seen.add(id);
    into.push(passedOverCandidate(rules, null, route.source, reason));
  }
  if (rules.routes.length === 0 && rules.defaultBackend !== null) {
    into.push(passedOverCandidate(rules, null, rules.defaultBackend.source, reason));
  }
}

const PRECEDENCE_REASON: Readonly<Record<HostKind, string>> = {
  exact: 'an exact host rule was chosen',
  wildcard: 'a wildcard host rule was chosen',
  any: 'a rule without host was chosen',
};

function explainPlainly(
  table: RouteTable,
  compiledHosts: readonly CompiledHost[],
  host: string,
  path: string,
  globalDefault: Match | null,
  facts?: RequestFacts,
): Explanation {
  const choice = chooseHostPlainly(table, host);
  const chosenRules = choice.index === -1 ? null : table.hosts[choice.index];
  const passedOver: ExplainCandidate[] = [];
  let match: Match | null = globalDefault;
  const listEveryHost = table.hosts.length <= EXPLAIN_ALL_HOSTS_LIMIT;
  for (const rules of table.hosts) {
    if (rules === chosenRules) continue;
    if (hostRuleMatches(rules, host)) {
      if (choice.kind !== 'none' && choice.kind !== 'any')
        hostCandidates(rules, PRECEDENCE_REASON[choice.kind], passedOver);
      else hostCandidates(rules, 'an earlier rule set for the same host was chosen', passedOver);
    } else if (listEveryHost || isRelatedHost(rules, host)) {
      hostCandidates(rules, hostMismatchReason(rules, host), passedOver);
    }
  }
  if (chosenRules !== null) {
    const { regex, ordered } = compiledHosts[choice.index];
    const found = ordered !== null ? ordered.match(path, facts) : regex !== null ? regex.match(path) : undefined;
    const chosenIndex =
      found === undefined
        ? chooseRoutePlainly(chosenRules, path)
        : compiledHosts[choice.index].routeMatches.indexOf(found as Match);
    const chosen = chosenIndex === -1 ? null : chosenRules.routes[chosenIndex];
    chosenRules.routes.forEach((route, index) => {
      if (index !== chosenIndex)
        passedOver.push(passedOverCandidate(chosenRules, route, route.source, routeReason(route, chosen, path)));
    });
    const compiled = compiledHosts[choice.index];
    match = chosenIndex !== -1 ? compiled.routeMatches[chosenIndex] : compiled.fallback;
  }
  return Object.freeze({ host, path, match, hostMatch: choice.kind, passedOver: Object.freeze(passedOver) });
}
