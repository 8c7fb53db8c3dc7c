// What a Gateway API rule adds to a PathRoute beyond the shared policy model: the request conditions
// checked after the path (headers, query parameters, method) and the behaviour the Ingress model has no
// field for (weighted backends with 500 shares, redirect parts, prefix rewrites, mirrors, request timeout).

import type { HeaderEdits, SourceField } from '../policy-types.ts';
import type { BackendKey } from '../types.ts';

/** A header or query parameter test: equal to `value`, or matching it as an RE2 regex (whole value). */
export interface ValueCondition {
  /** Header names lower-case; query parameter names exact. */
  readonly name: string;
  readonly kind: 'exact' | 'regex';
  readonly value: string;
}

/** Checked after the path matched; every piece must hold. */
export interface RouteConditions {
  /** Upper-case method, or null for any. */
  readonly method: string | null;
  readonly headers: readonly ValueCondition[];
  readonly query: readonly ValueCondition[];
}

/** One backendRef: `backend` null when the reference is invalid (that share of requests gets a 500). */
export interface WeightedBackend {
  readonly backend: BackendKey | null;
  readonly weight: number;
  readonly field: SourceField;
  /** backendRefs[].filters RequestHeaderModifier: applied after the rule's own edits; absent when none. */
  readonly requestHeaders?: HeaderEdits;
}

/** ReplaceFullPath, or ReplacePrefixMatch of the route's matched Prefix `matched`. */
export type PathReplacement =
  | { readonly kind: 'full'; readonly value: string }
  | { readonly kind: 'prefix'; readonly value: string; readonly matched: string };

/** RequestRedirect: each null part keeps the request's own (port: the scheme's default when scheme changes). */
export interface RedirectParts {
  readonly scheme: 'http' | 'https' | null;
  readonly hostname: string | null;
  readonly port: number | null;
  readonly path: PathReplacement | null;
  readonly status: 301 | 302 | 303 | 307 | 308;
  readonly field: SourceField;
}

export interface Mirror {
  readonly backend: BackendKey | null;
  /** Share of requests mirrored, 0..100. */
  readonly percent: number;
  readonly field: SourceField;
}

export interface GatewayRouteData {
  /** "HTTPRoute ns/name rules[i].matches[j]" style label for the page. */
  readonly rule: string;
  /** Empty when the rule only redirects; every entry weight 0 or all invalid → 500 (spec). */
  readonly backends: readonly WeightedBackend[];
  readonly totalWeight: number;
  readonly redirect: RedirectParts | null;
  /** URLRewrite path part (its hostname goes to the policy's upstreamHost). */
  readonly rewritePath: PathReplacement | null;
  readonly mirrors: readonly Mirror[];
  /** timeouts.request: the whole exchange, ms; null: none. (backendRequest is policy.requestTimeoutMs.) */
  readonly requestTimeoutMs: number | null;
  /** GRPCRoute rules: the backends speak gRPC (HTTP/2, h2c unless the Service says otherwise). */
  readonly grpc: boolean;
}
