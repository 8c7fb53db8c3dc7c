// Route filters → the shared policy pieces (header edits, CORS, upstream host) and the Gateway-only
// ones (redirect parts, path replacement, mirrors). An unsupported filter is reported and makes its rule
// answer 500 instead of being skipped (spec: HTTPRouteFilter).
// Upstream: conformance/tests/httproute-request-header-modifier.go, httproute-response-header-modifier.go,
// httproute-redirect-*.go, httproute-rewrite-host.go, httproute-rewrite-path.go, httproute-request-mirror.go,
// httproute-cors.go, grpcroute-request-header-modifier.go.

import { readArray, readBoolean, readRecord, readString, readValue } from '../kube-read.ts';
import { problem } from '../problems.ts';
import type { Cors, HeaderEdits } from '../policy-types.ts';
import type { BackendContext } from './backend-refs.ts';
import { resolveBackendRef } from './backend-refs.ts';
import type { Mirror, RedirectParts } from './route-data.ts';

/** ReplaceFullPath / ReplacePrefixMatch before the match's prefix is known. */
export interface PathModifier {
  readonly kind: 'full' | 'prefix';
  readonly value: string;
}

export interface FilterSet {
  requestHeaders: HeaderEdits | null;
  responseHeaders: HeaderEdits | null;
  redirect: (Omit<RedirectParts, 'path'> & { readonly pathModifier: PathModifier | null }) | null;
  rewriteHost: string | null;
  rewritePath: PathModifier | null;
  /** Where the URLRewrite with a path was written. */
  rewritePathField: string | null;
  mirrors: Mirror[];
  cors: Cors | null;
  /** An unsupported or invalid filter: the rule answers 500. */
  broken: boolean;
}

const REDIRECT_CODES = [301, 302, 303, 307, 308] as const;

function pairs(list: readonly unknown[] | null): [string, string][] {
  return (list ?? []).map((entry) => [
    (readString(entry, 'name') ?? '').toLowerCase(),
    readString(entry, 'value') ?? '',
  ]);
}

export function headerEdits(raw: unknown, field: string): HeaderEdits {
  const remove = (readArray(raw, 'remove') ?? []).filter((n) => typeof n === 'string').map((n) => n.toLowerCase());
  const add = pairs(readArray(raw, 'add'));
  return { set: pairs(readArray(raw, 'set')), remove, ...(add.length > 0 ? { add } : {}), field };
}

function pathModifier(raw: unknown): PathModifier | null | string {
  if (raw === undefined || raw === null) return null;
  const type = readString(raw, 'type');
  if (type === 'ReplaceFullPath') return { kind: 'full', value: readString(raw, 'replaceFullPath') ?? '/' };
  if (type === 'ReplacePrefixMatch') return { kind: 'prefix', value: readString(raw, 'replacePrefixMatch') ?? '/' };
  return `path modifier type ${String(type)} is not supported`;
}

function strings(raw: unknown, key: string): string[] {
  return (readArray(raw, key) ?? []).filter((v): v is string => typeof v === 'string');
}

function cors(raw: unknown, field: string): Cors {
  const maxAge = readValue(raw, 'maxAge');
  return {
    allowOrigins: strings(raw, 'allowOrigins'),
    allowMethods: strings(raw, 'allowMethods').join(', '),
    allowHeaders: strings(raw, 'allowHeaders').join(', '),
    exposeHeaders: strings(raw, 'exposeHeaders').join(', '),
    allowCredentials: readBoolean(raw, 'allowCredentials') ?? false,
    maxAgeSeconds: typeof maxAge === 'number' ? maxAge : 5,
    gateway: true,
    field,
  };
}

function mirrorPercent(raw: unknown): number {
  const percent = readValue(raw, 'percent');
  if (typeof percent === 'number') return Math.min(100, Math.max(0, percent));
  const fraction = readRecord(raw, 'fraction');
  const numerator = readValue(fraction, 'numerator');
  const denominator = readValue(fraction, 'denominator') ?? 100;
  if (typeof numerator === 'number' && typeof denominator === 'number' && denominator > 0)
    return Math.min(100, Math.max(0, (numerator / denominator) * 100));
  return 100;
}

/** `allowed`: the filter types this route kind takes (GRPCRoute: header modifiers and mirror). */
export function compileFilters(
  list: readonly unknown[],
  field: string,
  allowed: readonly string[],
  context: BackendContext,
): FilterSet {
  const set: FilterSet = {
    requestHeaders: null,
    responseHeaders: null,
    redirect: null,
    rewriteHost: null,
    rewritePath: null,
    rewritePathField: null,
    mirrors: [],
    cors: null,
    broken: false,
  };
  list.forEach((raw, index) => {
    const at = `${field}[${index}]`;
    const type = readString(raw, 'type') ?? '';
    const unsupported = (message: string): void => {
      set.broken = true;
      context.problems.push(problem('GatewayFilterUnsupported', context.route.ref, at, message));
    };
    if (!allowed.includes(type)) return unsupported(`filter type ${JSON.stringify(type)} is not supported`);
    if (type === 'RequestHeaderModifier')
      set.requestHeaders = headerEdits(readRecord(raw, 'requestHeaderModifier'), at);
    else if (type === 'ResponseHeaderModifier')
      set.responseHeaders = headerEdits(readRecord(raw, 'responseHeaderModifier'), at);
    else if (type === 'CORS') set.cors = cors(readRecord(raw, 'cors'), at);
    else if (type === 'RequestMirror') {
      const mirror = readRecord(raw, 'requestMirror');
      const ref = resolveBackendRef(readRecord(mirror, 'backendRef'), `${at}.requestMirror.backendRef`, context);
      set.mirrors.push({ backend: ref === null ? null : ref.key, percent: mirrorPercent(mirror), field: at });
    } else if (type === 'URLRewrite') {
      const rewrite = readRecord(raw, 'urlRewrite');
      const path = pathModifier(readValue(rewrite, 'path'));
      if (typeof path === 'string') return unsupported(path);
      set.rewriteHost = readString(rewrite, 'hostname');
      set.rewritePath = path;
      if (path !== null) set.rewritePathField = `${at}.urlRewrite.path`;
    } else if (type === 'RequestRedirect') {
      const redirect = readRecord(raw, 'requestRedirect');
      const path = pathModifier(readValue(redirect, 'path'));
      if (typeof path === 'string') return unsupported(path);
      const scheme = readString(redirect, 'scheme');
      const port = readValue(redirect, 'port');
      const code = readValue(redirect, 'statusCode') ?? 302;
      const status = REDIRECT_CODES.find((c) => c === code);
      if (status === undefined) return unsupported(`redirect statusCode ${String(code)} is not supported`);
      set.redirect = {
        scheme: scheme === 'http' || scheme === 'https' ? scheme : null,
        hostname: readString(redirect, 'hostname'),
        port: typeof port === 'number' ? port : null,
        status,
        field: at,
        pathModifier: path,
      };
    }
  });
  return set;
}

export const HTTP_FILTERS = [
  'RequestHeaderModifier',
  'ResponseHeaderModifier',
  'RequestRedirect',
  'URLRewrite',
  'RequestMirror',
  'CORS',
];
export const GRPC_FILTERS = ['RequestHeaderModifier', 'ResponseHeaderModifier', 'RequestMirror'];
