// The per-route traffic policy: what the edge does to a request and its answer besides choosing a
// backend. Named after behaviour, not after the annotation or filter it came from, so Ingress
// annotations and Gateway API filters compile into the same pieces. Every piece records `field`,
// where it was written (for problems, the audit and the status page). All of it is frozen data.

import type { BackendRef } from './backends.ts';
import type { BackendKey, ObjectRef } from './types.ts';
import type { UpstreamPolicy } from './upstream-policy.ts';

/** Where a piece was written, e.g. 'metadata.annotations["nginx.ingress.kubernetes.io/rewrite-target"]'. */
export type SourceField = string;

/**
 * The path sent upstream: `target` with `$1`..`$9` taken from the route's regex captures; or, with `replace`
 * (Gateway API URLRewrite path), `target` as the whole path ('full') or in place of the route's matched
 * prefix `matched` ('prefix').
 */
export interface PathRewrite {
  readonly target: string;
  readonly replace?: { readonly kind: 'full' } | { readonly kind: 'prefix'; readonly matched: string };
  readonly field: SourceField;
}

/** Answer with a redirect instead of forwarding. */
export interface Redirect {
  /**
   * 'url': always to `location`; 'app-root': only requests for "/" go to `location` (a path); 'host': to the
   * same path and query on host `location`, same scheme (from-to-www-redirect).
   */
  readonly kind: 'url' | 'app-root' | 'host';
  readonly location: string;
  readonly status: number;
  readonly field: SourceField;
}

export interface HeaderEdits {
  /** [name (lower-case), value] pairs, set in order (replacing any header of that name). */
  readonly set: readonly (readonly [string, string])[];
  /** Lower-case names removed. */
  readonly remove: readonly string[];
  /** Gateway API `add`: appended to any value already there (absent when nothing). */
  readonly add?: readonly (readonly [string, string])[];
  readonly field: SourceField;
}

export interface Cors {
  /** '*', or exact origins ("https://a.example") and one-label wildcards ("https://*.example.com"). */
  readonly allowOrigins: readonly string[];
  readonly allowMethods: string;
  readonly allowHeaders: string;
  readonly exposeHeaders: string;
  readonly allowCredentials: boolean;
  readonly maxAgeSeconds: number;
  /** Gateway API HTTPCORSFilter semantics (wildcard origins of any depth, "*" methods and headers echoed). */
  readonly gateway?: true;
  readonly field: SourceField;
}

/** Client address checks. CIDRs are canonical text ("10.0.0.0/8", "2001:db8::/32"). */
export interface Access {
  /** null: every address is allowed (unless denied). */
  readonly allow: readonly string[] | null;
  readonly deny: readonly string[];
  readonly field: SourceField;
}

/** Per client address, per replica (as ingress-nginx's limit_req / limit_conn zones). */
export interface RateLimit {
  readonly requestsPerSecond: number | null;
  readonly requestsPerMinute: number | null;
  readonly connections: number | null;
  /** Burst = rate × this (ingress-nginx default 5). */
  readonly burstMultiplier: number;
  /** CIDRs never limited. */
  readonly exempt: readonly string[];
  /** Status of a refused request (ingress-nginx: limit-req-status-code, default 503). */
  readonly status: number;
  readonly field: SourceField;
}

export interface Timeouts {
  readonly connectMs: number | null;
  readonly sendMs: number | null;
  readonly field: SourceField;
}

/** When another endpoint is tried (proxy-next-upstream). */
export interface Retry {
  /** Conditions: 'error', 'timeout', 'http_502', ... ; empty: never ('off'). */
  readonly on: readonly string[];
  /** Attempts in all, 0 = no limit beyond the endpoints. */
  readonly tries: number | null;
  readonly timeoutMs: number | null;
  readonly field: SourceField;
}

export interface CookieSession {
  readonly kind: 'cookie';
  readonly cookie: string;
  readonly path: string | null;
  readonly maxAgeSeconds: number | null;
  readonly expiresSeconds: number | null;
  readonly secure: boolean;
  readonly sameSite: 'None' | 'Lax' | 'Strict' | null;
  /** A new endpoint is chosen (and the cookie rewritten) when the pinned one fails. */
  readonly changeOnFailure: boolean;
  /** 'balanced' re-pins when endpoints scale; 'persistent' never does. */
  readonly mode: 'balanced' | 'persistent';
  readonly field: SourceField;
}

/** A key built from request parts ("$request_uri", "$http_x_user", "$cookie_id", literals), on a hash ring. */
export interface HashSession {
  readonly kind: 'hash';
  readonly key: readonly HashKeyPart[];
  readonly field: SourceField;
}

export type HashKeyPart =
  | { readonly from: 'text'; readonly text: string }
  | { readonly from: 'uri' | 'path' | 'query' | 'host' | 'client-address' | 'method' | 'remote-user' }
  | { readonly from: 'header' | 'cookie' | 'arg'; readonly name: string };

export type Session = CookieSession | HashSession;

/** Answers with these statuses from upstream are replaced by the error backend's answer. */
export interface CustomErrors {
  readonly statuses: readonly number[];
  readonly field: SourceField;
}

export interface TrafficPolicy {
  readonly rewrite: PathRewrite | null;
  /** The Host sent upstream (upstream-vhost). */
  readonly upstreamHost: string | null;
  /** X-Forwarded-Prefix sent upstream: the value, or '$path' style captures already resolved at edit time. */
  readonly forwardedPrefix: string | null;
  /** Rewrite Location headers of answers starting with `from` to start with `to`. */
  readonly locationRewrite: { readonly from: string; readonly to: string } | null;
  readonly redirect: Redirect | null;
  readonly requestHeaders: HeaderEdits | null;
  readonly responseHeaders: HeaderEdits | null;
  readonly cors: Cors | null;
  readonly access: Access | null;
  readonly rateLimit: RateLimit | null;
  readonly timeouts: Timeouts | null;
  readonly retry: Retry | null;
  /** Read the whole body (up to the body limit) before the upstream sees it. */
  readonly bufferRequest: boolean | null;
  readonly session: Session | null;
  readonly balance: 'round-robin' | 'least-request' | null;
  readonly customErrors: CustomErrors | null;
  /**
   * The default-backend annotation's Service (its first port) answering customErrors, and requests when the
   * route's Service has no ready endpoints; its endpoints are in the table's endpoint index.
   */
  readonly errorBackend: BackendRef | null;
  /** Send to the Service's cluster IP instead of its endpoints. */
  readonly serviceUpstream: boolean;
  /** Protocol and TLS checks towards the pods (backend-protocol, proxy-ssl-*); absent: HTTP/1.1 or appProtocol. */
  readonly upstream?: UpstreamPolicy;
  /** auth-type basic: user and password checked against the Secret's htpasswd entries. */
  readonly basicAuth?: BasicAuthPolicy;
  /** auth-url: an auth service decides each request first. */
  readonly externalAuth?: ExternalAuthPolicy;
  /** ssl-passthrough: TLS connections whose SNI names this route's host go to its backend as raw TCP. */
  readonly sslPassthrough?: true;
}

export interface ExternalAuthPolicy {
  readonly url: string;
  /** null: the request's own method. */
  readonly method: string | null;
  /** Where a 401 from the auth service redirects (with `redirectParam`=<original URL>); null: the 401 goes to the client. */
  readonly signin: string | null;
  readonly redirectParam: string;
  /** Lower-case names copied from the auth answer onto the request to the pod. */
  readonly responseHeaders: readonly string[];
  /** X-Auth-Request-Redirect sent to the auth service; null: the request URI. */
  readonly requestRedirect: string | null;
  readonly field: SourceField;
  /** auth-proxy-set-headers: [name (lower-case), value] pairs set on the auth request; absent when none. */
  readonly proxySetHeaders?: readonly (readonly [string, string])[];
  /** auth-cache-key (+auth-cache-duration): answers kept per key; absent when not cached. */
  readonly cache?: AuthCachePolicy;
}

export interface AuthCachePolicy {
  /** The key as written ("$remote_user$http_authorization"). */
  readonly keyText: string;
  /** Its variables: requests share a cached answer only when every one of them is equal. */
  readonly key: readonly HashKeyPart[];
  readonly durations: readonly AuthCacheDuration[];
}

/** One proxy_cache_valid entry of auth-cache-duration: answers of these statuses are kept `ms`. */
export interface AuthCacheDuration {
  readonly statuses: readonly number[] | 'any';
  readonly ms: number;
}

export interface BasicAuthPolicy {
  /** "namespace/name"; null when auth-secret is missing (every request is then refused with 503). */
  readonly secret: string | null;
  readonly secretType: 'auth-file' | 'auth-map';
  readonly realm: string;
  readonly field: SourceField;
  readonly secretField: SourceField;
}

/**
 * A canary: requests go to `backend` instead of the route's own when the header (then the cookie)
 * says so, else for `weight` out of `weightTotal` of them. ingress-nginx precedence: header, cookie, weight.
 */
export interface Canary {
  readonly backend: BackendKey;
  readonly source: ObjectRef;
  /** The canary Ingress's route field. */
  readonly field: SourceField;
  /** Header name (lower-case); with `value`: equal to it; with `pattern`: matches it (RE2); else "always"/"never". */
  readonly header: { readonly name: string; readonly value: string | null; readonly pattern: string | null } | null;
  readonly cookie: string | null;
  readonly weight: number;
  readonly weightTotal: number;
}
