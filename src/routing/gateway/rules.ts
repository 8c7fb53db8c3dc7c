// One route's rules → PathRoutes (one per match) in the shared route model, each with the facts the
// spec's precedence sorts by. Shared by every host the route serves.

import { NO_TRAFFIC } from '../no-traffic.ts';
import { readArray, readRecord, readString, readValue } from '../kube-read.ts';
import { UNUSABLE } from '../backends.ts';
import { prefixKey } from '../path-rule-key.ts';
import { problem } from '../problems.ts';
import type { TrafficPolicy } from '../policy-types.ts';
import type { UpstreamPolicy } from '../upstream-policy.ts';
import type { PathRoute, RoutePolicy } from '../types.ts';
import type { RouteIdentity } from './attach.ts';
import type { BackendContext } from './backend-refs.ts';
import { backendRequestHeaders } from './backend-filters.ts';
import { resolveBackendRef } from './backend-refs.ts';
import { compileFilters, GRPC_FILTERS, HTTP_FILTERS, type FilterSet, type PathModifier } from './filters.ts';
import { compileGrpcMatch, compileHttpMatch, type CompiledMatch } from './matches.ts';
import type { GatewayRouteData, PathReplacement, WeightedBackend } from './route-data.ts';
import { pickBackend } from './request-rewrites.ts';
import { parseGatewayDuration } from './values.ts';

export interface RankedRoute {
  readonly route: PathRoute;
  readonly rank: Rank;
}

/** The spec's precedence facts (HTTPRouteRule.matches, GRPCRouteRule.matches), then the tie-breakers. */
export interface Rank {
  readonly pathRank: number; // exact 0, regex 1, prefix 2
  readonly pathLength: number;
  readonly method: number;
  readonly headers: number;
  readonly query: number;
  readonly created: string;
  readonly key: string;
  readonly rule: number;
  readonly match: number;
}

const PATH_RANK = { exact: 0, regex: 1, prefix: 2 } as const;

export function compileRules(identity: RouteIdentity, created: string, context: BackendContext): RankedRoute[] {
  const out: RankedRoute[] = [];
  const grpc = identity.kind === 'GRPCRoute';
  (readArray(identity.named.object.spec, 'rules') ?? []).forEach((rule, ruleIndex) => {
    const field = `spec.rules[${ruleIndex}]`;
    const filters = compileFilters(
      readArray(rule, 'filters') ?? [],
      `${field}.filters`,
      grpc ? GRPC_FILTERS : HTTP_FILTERS,
      context,
    );
    const backends = readBackends(rule, field, context);
    const timeouts = readRecord(rule, 'timeouts');
    const requestTimeoutMs = readTimeout(timeouts, 'request', field, context);
    const backendTimeoutMs = readTimeout(timeouts, 'backendRequest', field, context);
    const rulePolicy = routePolicy(filters, backendTimeoutMs, grpc ? grpcUpstream(field) : null);
    const rawMatches = readArray(rule, 'matches');
    const matches = rawMatches === null || rawMatches.length === 0 ? [{}] : rawMatches;
    matches.forEach((raw, matchIndex) => {
      const at = rawMatches === null || rawMatches.length === 0 ? field : `${field}.matches[${matchIndex}]`;
      const compiled = grpc ? compileGrpcMatch(raw) : compileHttpMatch(raw);
      if (!compiled.ok) {
        context.problems.push(problem('GatewayMatchInvalid', identity.named.ref, at, compiled.message));
        return;
      }
      const data = routeData(identity, at, compiled.value, filters, backends, requestTimeoutMs, grpc, context);
      const policy = data.rewritePath === null ? rulePolicy : withPathRewrite(rulePolicy, data.rewritePath, filters);
      const route: PathRoute = {
        // What code that knows no weights sends to: the backend of roll 0 (the first weighted one).
        backend: pickBackend(data, 0) ?? UNUSABLE,
        source: identity.named.ref,
        policy,
        path: compiled.value.path,
        pathType: compiled.value.pathType,
        match: compiled.value.match,
        field: at,
        conditions: compiled.value.conditions,
        gateway: data,
      };
      out.push({ route, rank: rankOf(compiled.value, created, identity, ruleIndex, matchIndex) });
    });
  });
  return out;
}

function rankOf(match: CompiledMatch, created: string, identity: RouteIdentity, rule: number, index: number): Rank {
  return {
    // GRPCRoute: longer service, then longer method, then more headers, whatever the match type.
    pathRank: match.grpcWeight === null ? PATH_RANK[match.match] : 0,
    // Prefix length as matched (trailing slashes ignored), so the matcher's longest-key-first index agrees.
    pathLength: match.grpcWeight ?? (match.match === 'prefix' ? prefixKey(match.path).length : match.path.length),
    method: match.conditions.method === null ? 0 : 1,
    headers: match.conditions.headers.length,
    query: match.conditions.query.length,
    created,
    key: identity.named.key,
    rule,
    match: index,
  };
}

function readBackends(rule: unknown, field: string, context: BackendContext): WeightedBackend[] {
  return (readArray(rule, 'backendRefs') ?? []).map((raw, index) => {
    const at = `${field}.backendRefs[${index}]`;
    const requestHeaders = backendRequestHeaders(raw, at, context);
    const weight = readValue(raw, 'weight');
    const ref = resolveBackendRef(raw, at, context);
    return {
      backend: ref === null ? null : ref.key,
      weight: typeof weight === 'number' && Number.isInteger(weight) && weight >= 0 ? weight : 1,
      field: at,
      ...(requestHeaders === null ? {} : { requestHeaders }),
    };
  });
}

function readTimeout(timeouts: unknown, key: string, field: string, context: BackendContext): number | null {
  const text = readString(timeouts, key);
  if (text === null) return null;
  const ms = parseGatewayDuration(text);
  if (ms === null)
    context.problems.push(
      problem(
        'GatewayMatchInvalid',
        context.route.ref,
        `${field}.timeouts.${key}`,
        `${JSON.stringify(text)} is not a Gateway API duration`,
      ),
    );
  return ms === null || ms === 0 ? null : ms;
}

/**
 * A GRPCRoute's backends speak gRPC: HTTP/2 (h2c, or TLS when the Service port's appProtocol says so), gRPC
 * answers relayed as such (trailers-only ones too), long-lived streams, also without an appProtocol.
 */
function grpcUpstream(field: string): UpstreamPolicy {
  return {
    protocol: null,
    grpc: true,
    verify: false,
    serverName: null,
    sendServerName: false,
    secret: null,
    secretField: '',
    field,
  };
}

function routePolicy(
  filters: FilterSet,
  backendTimeoutMs: number | null,
  upstream: UpstreamPolicy | null,
): RoutePolicy {
  const base = { sslRedirect: false, requestTimeoutMs: backendTimeoutMs, maxBodyBytes: null };
  if (
    filters.requestHeaders === null &&
    filters.responseHeaders === null &&
    filters.cors === null &&
    filters.rewriteHost === null &&
    upstream === null
  )
    return base;
  const traffic: TrafficPolicy = {
    ...NO_TRAFFIC,
    upstreamHost: filters.rewriteHost,
    requestHeaders: filters.requestHeaders,
    responseHeaders: filters.responseHeaders,
    cors: filters.cors,
    ...(upstream === null ? {} : { upstream }),
  };
  return { ...base, traffic };
}

/** URLRewrite path into the shared policy's rewrite (the edge's rewrite step runs it). */
function withPathRewrite(policy: RoutePolicy, path: PathReplacement, filters: FilterSet): RoutePolicy {
  const replace =
    path.kind === 'full' ? ({ kind: 'full' } as const) : ({ kind: 'prefix', matched: path.matched } as const);
  const rewrite = { target: path.value, replace, field: filters.rewritePathField ?? '' };
  return { ...policy, traffic: { ...(policy.traffic ?? NO_TRAFFIC), rewrite } };
}

function replacement(modifier: PathModifier | null, match: CompiledMatch): PathReplacement | null | 'invalid' {
  if (modifier === null) return null;
  if (modifier.kind === 'full') return { kind: 'full', value: modifier.value };
  return match.prefix === null ? 'invalid' : { kind: 'prefix', value: modifier.value, matched: match.prefix };
}

function routeData(
  identity: RouteIdentity,
  at: string,
  match: CompiledMatch,
  filters: FilterSet,
  backends: WeightedBackend[],
  requestTimeoutMs: number | null,
  grpc: boolean,
  context: BackendContext,
): GatewayRouteData {
  const rewritePath = replacement(filters.rewritePath, match);
  const redirectPath = filters.redirect === null ? null : replacement(filters.redirect.pathModifier, match);
  let broken = filters.broken;
  if (rewritePath === 'invalid' || redirectPath === 'invalid') {
    broken = true;
    // HTTPPathModifier: "Using any other HTTPRouteMatch type ... Accepted Condition ... status: False".
    context.rejected ??= `${at}: ReplacePrefixMatch needs a PathPrefix match`;
    context.problems.push(
      problem('GatewayFilterUnsupported', identity.named.ref, at, 'ReplacePrefixMatch needs a PathPrefix match'),
    );
  }
  const redirect =
    broken || filters.redirect === null || redirectPath === 'invalid'
      ? null
      : {
          scheme: filters.redirect.scheme,
          hostname: filters.redirect.hostname,
          port: filters.redirect.port,
          path: redirectPath,
          status: filters.redirect.status,
          field: filters.redirect.field,
        };
  const answered = broken ? [{ backend: null, weight: 1, field: at }] : backends;
  return {
    rule: `${identity.kind} ${identity.named.key} ${at}`,
    backends: answered,
    totalWeight: answered.reduce((sum, b) => sum + b.weight, 0),
    redirect,
    rewritePath: rewritePath === 'invalid' ? null : rewritePath,
    mirrors: filters.mirrors,
    requestTimeoutMs,
    grpc,
  };
}
