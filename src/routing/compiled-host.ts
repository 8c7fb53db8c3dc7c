// A host's rule set compiled for the matcher (routing-semantics §3–§4): exact paths by Map, Prefix paths by
// a hashed map of every path prefix scanned in one pass, regex and ordered (Gateway API) hosts by their own
// tables. Every possible result is a frozen Match built here, so matching a path allocates nothing.

import type { HostRules, Match, PathRoute, RequestFacts } from './types.ts';
import { OrderedRoutes } from './gateway/ordered-routes.ts';
import { HASH_SEED, RangeMap, hashStep } from './path-range-map.ts';
import { prefixKey, rulePathKey } from './path-rule-key.ts';
import { RegexRoutes } from './regex-routes.ts';

const CODE_SLASH = 0x2f;

export interface CompiledHost {
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

export function freezeMatch(
  kind: Match['kind'],
  target: Match['target'],
  host: HostRules | null,
  route: PathRoute | null,
): Match {
  return Object.freeze({ kind, target, host, route });
}

/**
 * Compiled hosts by their (frozen) rules: a new table that keeps a host's rules object (the incremental
 * builder does, for every host a change did not touch) reuses its compiled form.
 */
const compiledByRules = new WeakMap<HostRules, CompiledHost>();

export function compileHost(rules: HostRules): CompiledHost {
  let compiled = compiledByRules.get(rules);
  if (compiled === undefined) {
    compiled = compileHostRules(rules);
    compiledByRules.set(rules, compiled);
  }
  return compiled;
}

function compileHostRules(rules: HostRules): CompiledHost {
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

export function matchInHost(host: CompiledHost, path: string, facts: RequestFacts | undefined): Match | null {
  if (host.ordered !== null) return host.ordered.match(path, facts) ?? host.fallback;
  if (host.regex !== null) return host.regex.match(path) ?? host.fallback;
  if (host.exact !== null) {
    const found = host.exact.get(path);
    if (found !== undefined) return found;
  }
  const prefix = matchPrefix(host, path);
  return prefix !== null ? prefix : host.fallback;
}

/** The key of a wildcard host in the matcher's maps: its suffix without "*.", "foo.com" for "*.foo.com". */
export function wildcardSuffix(host: string): string {
  return host.startsWith('*.') ? host.slice(2) : host;
}
