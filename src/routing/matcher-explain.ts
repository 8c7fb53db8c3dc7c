// explain: the matcher's decision taken again plainly, over the route table, with the reason for every
// rule passed over. It is for people, not for traffic: a plain walk, no precompiled lookups.

import type {
  ExplainCandidate,
  Explanation,
  HostKind,
  HostRules,
  Match,
  PathRoute,
  RequestFacts,
  RouteTable,
} from './types.ts';
import { wildcardSuffix, type CompiledHost } from './compiled-host.ts';
import { prefixKey, prefixKeyMatches, prefixSegmentCount, rulePathKey } from './path-rule-key.ts';

/** Above this many host rule sets, explain lists only hosts related to the request, not every one. */
const EXPLAIN_ALL_HOSTS_LIMIT = 100;

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

export function explainPlainly(
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
