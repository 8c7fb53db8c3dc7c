import type { RoutingState } from '../../controller/state.ts';
import { policyForBackend } from '../../routing/gateway/backend-filters.ts';
import type { ListenerHosts } from '../../routing/gateway/listener-hosts.ts';
import { redirectLocation } from '../../routing/gateway/request-rewrites.ts';
import type { WeightedBackend } from '../../routing/gateway/route-data.ts';
import { normalizeRequestHost } from '../../routing/request-host.ts';
import { hidesDotSegment, normalizeRequestPath, splitTarget } from '../../routing/request-path.ts';
import type { BackendEndpoints, Match, RequestFacts, Target } from '../../routing/types.ts';
import { proxyErrors, type ProxyError } from '../errors.ts';
import { HTTPS_REDIRECT_STATUS, httpsRedirectLocation } from '../redirect.ts';
import { WeightedDecisions } from './weighted-decisions.ts';
import { compileRoute, type RouteDefaults } from './route-steps.ts';
import { fallbackBackend } from './exchange-rules.ts';
import type { CompiledRoute } from './steps.ts';

/** Forward a plain request (`forward`) or an Upgrade (`upgrade`) to the matched backend. */
export interface ForwardDecision {
  readonly kind: 'forward' | 'upgrade';
  readonly match: Match;
  readonly backend: BackendEndpoints;
  readonly route: CompiledRoute;
}

/** The plain-HTTP → HTTPS redirect. */
export interface RedirectDecision {
  readonly kind: 'redirect';
  readonly match: Match;
  readonly status: number;
  readonly location: string;
}

/** The edge answers with one of its errors. */
export interface AnswerDecision {
  readonly kind: 'answer';
  readonly match: Match | null;
  readonly error: ProxyError;
  readonly reason: string | null;
}

export type RouteDecision = ForwardDecision | RedirectDecision | AnswerDecision;

/** The request's normalised host, path and query, written by `decide`. */
export interface RouteRequest {
  host: string;
  path: string;
  query: string;
  /** Method, headers and query parameters for Gateway API matches. */
  readonly facts?: RequestFacts;
  /** The port the request arrived on (Gateway API redirects keep the listener's port). */
  readonly listenerPort?: number;
  /** The TLS server name (SNI) of the request's connection, or null; read only on Gateway HTTPS ports. */
  readonly serverName?: string | null;
}

interface MatchDecisions {
  readonly forward: ForwardDecision | AnswerDecision;
  readonly upgrade: ForwardDecision | AnswerDecision;
}

function answer(error: ProxyError, reason: string | null, match: Match | null): AnswerDecision {
  return Object.freeze({ kind: 'answer', match, error, reason });
}

const malformedHost = answer(proxyErrors.badRequest, 'malformed Host', null);
const malformedTarget = answer(proxyErrors.badRequest, 'malformed request target', null);
const hiddenDotSegment = answer(proxyErrors.badRequest, 'encoded slash or backslash next to a dot segment', null);
const noRoute = answer(proxyErrors.noRoute, null, null);
const misdirected = answer(
  proxyErrors.misdirected,
  'the Host belongs to another listener than the TLS server name',
  null,
);

/**
 * Where one request goes, decided from one table generation with the same rules for plain requests and
 * Upgrades. What depends only on the matched route (backend usable? compiled steps) is decided once per
 * generation and route and reused, so the common decision allocates nothing.
 */
export class RouteDecider {
  readonly defaults: RouteDefaults;
  readonly httpsPort: number;
  #state: RoutingState | null = null;
  /** By the matched Target (stable within a table generation, whatever Match object the matcher returns). */
  #byTarget = new Map<Target, MatchDecisions | WeightedDecisions<MatchDecisions>>();

  constructor(defaults: RouteDefaults, httpsPort: number) {
    this.defaults = defaults;
    this.httpsPort = httpsPort;
  }

  /**
   * `rawHost`: the Host header (`:authority` for HTTP/2) or null when absent (HTTP/1.0 may omit it: such
   * requests match only rules without a host). `target`: the request target as received.
   */
  decide(
    state: RoutingState,
    rawHost: string | null,
    target: string,
    tls: boolean,
    upgrade: boolean,
    out: RouteRequest,
  ): RouteDecision {
    let host = '';
    if (rawHost !== null) {
      const normalised = normalizeRequestHost(rawHost);
      if (normalised === null) return malformedHost;
      host = normalised;
    }
    out.host = host;
    const split = splitTarget(target);
    const path = split === null ? null : normalizeRequestPath(split.path);
    if (split === null || path === null) return malformedTarget;
    out.path = path;
    out.query = split.query;
    if (hidesDotSegment(path)) return hiddenDotSegment;
    const listeners = state.listenerHosts;
    if (listeners !== undefined && tls && host !== '' && isMisdirected(listeners, out.serverName, host))
      return misdirected;

    const match = state.matcher.match(host, path, out.facts);
    if (match === null) return noRoute;
    const redirect = match.route?.gateway?.redirect;
    if (redirect !== undefined && redirect !== null) {
      const scheme = tls ? 'https' : 'http';
      const request = { scheme, host, listenerPort: out.listenerPort ?? 0, path, query: split.query } as const;
      const location = redirectLocation(redirect, request);
      return { kind: 'redirect', match, status: redirect.status, location };
    }
    if (!tls && match.target.policy.sslRedirect) {
      if (upgrade) return answer(proxyErrors.httpsRequired, 'this host is served over HTTPS only', match);
      const location = httpsRedirectLocation(host, this.httpsPort, path, split.query);
      return { kind: 'redirect', match, status: HTTPS_REDIRECT_STATUS, location };
    }
    let decisions = this.#decisionsFor(state, match);
    if (decisions instanceof WeightedDecisions) decisions = decisions.pick(Math.random());
    return upgrade ? decisions.upgrade : decisions.forward;
  }

  #decisionsFor(state: RoutingState, match: Match): MatchDecisions | WeightedDecisions<MatchDecisions> {
    if (state !== this.#state) {
      this.#state = state;
      this.#byTarget = new Map();
    }
    let decisions = this.#byTarget.get(match.target);
    if (decisions === undefined) {
      decisions = weightedFor(state, match, this.defaults) ?? decideForMatch(state, singleShare(match), this.defaults);
      this.#byTarget.set(match.target, decisions);
    }
    return decisions;
  }
}

/** A Gateway API rule with several weighted backends: one decision per backend, picked per request. */
function weightedFor(
  state: RoutingState,
  match: Match,
  defaults: RouteDefaults,
): WeightedDecisions<MatchDecisions> | undefined {
  const shares = match.route?.gateway?.backends.filter((share) => share.weight > 0);
  if (shares === undefined || shares.length < 2) return undefined;
  const invalid = answer(proxyErrors.invalidBackendRefs, 'invalid backendRef', match);
  const choices = shares.map((share) =>
    share.backend === null
      ? Object.freeze({ forward: invalid, upgrade: invalid })
      : decideForMatch(state, shareMatch(match, share.backend, share), defaults),
  );
  return new WeightedDecisions(
    choices,
    shares.map((share) => share.weight),
  );
}

/** The match as sent to one backendRef: its backend, and its own request header edits when it has some. */
function shareMatch(match: Match, backend: string, share: WeightedBackend): Match {
  const edits = share.requestHeaders;
  const policy = edits === undefined ? match.target.policy : policyForBackend(match.target.policy, edits);
  return { ...match, target: { ...match.target, backend, policy } };
}

/** A rule with one backendRef that has filters of its own: the match with them; else the match itself. */
function singleShare(match: Match): Match {
  const backends = match.route?.gateway?.backends;
  if (backends === undefined) return match;
  const share = backends.find((candidate) => candidate.weight > 0);
  return share === undefined || share.backend === null || share.requestHeaders === undefined
    ? match
    : shareMatch(match, share.backend, share);
}

function decideForMatch(state: RoutingState, match: Match, defaults: RouteDefaults): MatchDecisions {
  const key = match.target.backend;
  const backend = state.result.endpoints.get(key);
  let refusal: AnswerDecision | null = null;
  if (backend === undefined && match.route?.gateway !== undefined) {
    refusal = answer(proxyErrors.invalidBackendRefs, 'no valid backendRef in this rule', match);
  } else if (backend === undefined) {
    refusal = answer(proxyErrors.noEndpoint, 'backend ' + key + ' is unknown', match);
  } else if (backend.state === 'ok') {
    if (backend.usable.length === 0) {
      refusal = answer(proxyErrors.noEndpoint, 'no ready endpoints for ' + backend.key, match);
    }
  } else if (backend.state !== 'external-name' || backend.externalName === null) {
    refusal = answer(proxyErrors.noEndpoint, backend.reason ?? 'backend ' + backend.key + ': ' + backend.state, match);
  }
  let chosen = backend;
  let serviceUnusable = false;
  let upgradeRefusal: AnswerDecision | null = null;
  const fallback =
    refusal !== null && backend !== undefined ? fallbackBackend(match.target, state.result.endpoints) : null;
  if (fallback !== null) {
    // ingress-nginx default-backend: it answers for the route while its Service has no ready endpoints (the
    // request as it is), or when the Service or its port is missing (an error page with X-Code 503).
    chosen = fallback;
    serviceUnusable = backend!.state !== 'ok' && backend!.state !== 'no-endpoints';
    upgradeRefusal = serviceUnusable ? refusal : null;
    refusal = null;
  }
  if (refusal !== null || chosen === undefined) return Object.freeze({ forward: refusal!, upgrade: refusal! });
  const { endpoints, policySecrets } = state.result;
  const route = compileRoute(match.target, defaults, endpoints, chosen, policySecrets, serviceUnusable);
  return Object.freeze({
    forward: Object.freeze({ kind: 'forward', match, backend: chosen, route }),
    // An error page cannot answer an Upgrade: it keeps its 503.
    upgrade: upgradeRefusal ?? Object.freeze({ kind: 'upgrade', match, backend: chosen, route }),
  });
}

function isMisdirected(listeners: ListenerHosts, serverName: string | null | undefined, host: string): boolean {
  if (serverName === null || serverName === undefined) return false;
  const name = normalizeRequestHost(serverName);
  return name !== null && name !== '' && listeners.misdirected(name, host);
}
