// HTTPRoute and GRPCRoute matches → a path rule plus conditions, with the facts precedence sorts by.
// Regexes (path, header, query, gRPC service/method) are checked here on re2js, the linear-time engine.
// Upstream: conformance/tests/httproute-matching.go, httproute-exact-path-matching.go,
// httproute-header-matching.go, httproute-query-param-matching.go, httproute-method-matching.go,
// grpcroute-exact-method-matching.go, grpcroute-header-matching.go.

import { RE2JS } from 're2js';
import { readArray, readRecord, readString } from '../kube-read.ts';
import type { PathType } from '../types.ts';
import type { RouteConditions, ValueCondition } from './route-data.ts';

export interface CompiledMatch {
  readonly path: string;
  readonly pathType: PathType;
  readonly match: 'exact' | 'prefix' | 'regex';
  readonly conditions: RouteConditions;
  /** For ReplacePrefixMatch: the PathPrefix value, else null. */
  readonly prefix: string | null;
  /** GRPCRoute: characters of service then method (GRPCRouteRule.matches precedence); null for HTTPRoute. */
  readonly grpcWeight: number | null;
}

export type MatchResult =
  | { readonly ok: true; readonly value: CompiledMatch }
  | { readonly ok: false; readonly message: string };

const MAX_PATTERN = 1024;

export function checkPattern(pattern: string): string | null {
  if (pattern.length > MAX_PATTERN) return `a regular expression must be at most ${MAX_PATTERN} characters`;
  try {
    RE2JS.compile(pattern);
    return null;
  } catch (error) {
    return `${JSON.stringify(pattern.slice(0, 64))} is not an RE2 regular expression (${error instanceof Error ? error.message : String(error)})`;
  }
}

function readValueConditions(list: readonly unknown[] | null, lower: boolean, what: string): ValueCondition[] | string {
  const out: ValueCondition[] = [];
  for (const raw of list ?? []) {
    const type = readString(raw, 'type') ?? 'Exact';
    const name = readString(raw, 'name') ?? '';
    const value = readString(raw, 'value') ?? '';
    if (name === '') return `a ${what} match needs a name`;
    if (type !== 'Exact' && type !== 'RegularExpression') return `${what} match type ${type} is not supported`;
    if (type === 'RegularExpression') {
      const bad = checkPattern(value);
      if (bad !== null) return bad;
    }
    const key = lower ? name.toLowerCase() : name;
    // The spec: only the first of several matches with one name counts.
    if (!out.some((c) => c.name === key)) out.push({ name: key, kind: type === 'Exact' ? 'exact' : 'regex', value });
  }
  return out;
}

export function compileHttpMatch(raw: unknown): MatchResult {
  const path = readRecord(raw, 'path');
  const type = readString(path, 'type') ?? 'PathPrefix';
  const value = readString(path, 'value') ?? '/';
  if (type === 'RegularExpression') {
    const bad = checkPattern(value);
    if (bad !== null) return { ok: false, message: bad };
  } else if (!value.startsWith('/')) return { ok: false, message: 'path value must start with "/"' };
  else if (type !== 'Exact' && type !== 'PathPrefix')
    return { ok: false, message: `path type ${type} is not supported` };
  const headers = readValueConditions(readArray(raw, 'headers'), true, 'header');
  if (typeof headers === 'string') return { ok: false, message: headers };
  const query = readValueConditions(readArray(raw, 'queryParams'), false, 'query parameter');
  if (typeof query === 'string') return { ok: false, message: query };
  const method = readString(raw, 'method');
  return {
    ok: true,
    value: {
      path: value,
      pathType: type === 'Exact' ? 'Exact' : type === 'PathPrefix' ? 'Prefix' : 'ImplementationSpecific',
      match: type === 'Exact' ? 'exact' : type === 'PathPrefix' ? 'prefix' : 'regex',
      conditions: { method: method === null ? null : method.toUpperCase(), headers, query },
      prefix: type === 'PathPrefix' ? value : null,
      grpcWeight: null,
    },
  };
}

const GRPC_NAME = /^[A-Za-z0-9_.]+$/;

/** GRPCRoute method match → the HTTP/2 path "/service/method" (exact, prefix on the service, or regex). */
export function compileGrpcMatch(raw: unknown): MatchResult {
  const method = readRecord(raw, 'method');
  const type = readString(method, 'type') ?? 'Exact';
  const service = readString(method, 'service');
  const name = readString(method, 'method');
  const headers = readValueConditions(readArray(raw, 'headers'), true, 'header');
  if (typeof headers === 'string') return { ok: false, message: headers };
  const conditions: RouteConditions = { method: null, headers, query: [] };
  const result = (path: string, match: CompiledMatch['match']): MatchResult => ({
    ok: true,
    value: {
      path,
      pathType: match === 'exact' ? 'Exact' : match === 'prefix' ? 'Prefix' : 'ImplementationSpecific',
      match,
      conditions,
      prefix: null,
      grpcWeight: (service?.length ?? 0) * 4096 + (name?.length ?? 0),
    },
  });
  if (type === 'RegularExpression') {
    for (const part of [service, name]) {
      const bad = part === null ? null : checkPattern(part);
      if (bad !== null) return { ok: false, message: bad };
    }
    return result(`/(?:${service ?? '[^/]+'})/(?:${name ?? '[^/]+'})`, 'regex');
  }
  if (type !== 'Exact') return { ok: false, message: `method match type ${type} is not supported` };
  for (const part of [service, name]) {
    if (part !== null && !GRPC_NAME.test(part))
      return { ok: false, message: `${JSON.stringify(part)} is not a gRPC name` };
  }
  if (service !== null && name !== null) return result(`/${service}/${name}`, 'exact');
  if (service !== null) return result(`/${service}`, 'prefix');
  if (name !== null) return result(`/[^/]+/${RE2JS.quote(name)}`, 'regex');
  return result('/', 'prefix');
}
