// What a Gateway route does to one request, as pure functions the edge calls: the path a URLRewrite or
// redirect produces, the Location of a RequestRedirect, and the backend a weighted rule picks.
// Upstream: conformance/tests/httproute-rewrite-path.go, httproute-redirect-path.go,
// httproute-redirect-port-and-scheme.go, httproute-redirect-port.go, httproute-weight.go.

import { prefixKey } from '../path-rule-key.ts';
import type { BackendKey } from '../types.ts';
import type { GatewayRouteData, PathReplacement, RedirectParts } from './route-data.ts';

/**
 * @public For the edge's rewrite and redirect steps.
 * ReplaceFullPath: the value. ReplacePrefixMatch: the matched prefix (whole segments, trailing slash
 * ignored) replaced by the value: /prefix/one + /one → /prefix/one/two → /one/two; /strip-prefix → "/"
 * gives /strip-prefix/three → /three and /strip-prefix → /. The HTTPPathModifier table of the spec holds
 * (request /foo/ with /foo → /xyz gives /xyz/; an empty value strips the prefix).
 */
export function replacePath(path: string, replacement: PathReplacement): string {
  if (replacement.kind === 'full') return replacement.value;
  const matched = prefixKey(replacement.matched);
  // A match of "/" replaces the request's leading slash: "/" → the value itself, "/a" → value + "/a".
  const rest = matched === '' && path === '/' ? '' : path.slice(matched.length); // '' or '/...'
  const value = replacement.value.endsWith('/') ? replacement.value.slice(0, -1) : replacement.value;
  if (rest === '' || rest === '/') return value === '' ? '/' : value + (rest === '/' && value !== '' ? '/' : '');
  return value + rest;
}

export interface RedirectRequest {
  readonly scheme: 'http' | 'https';
  /** Host without port. */
  readonly host: string;
  /** The listener's port. */
  readonly listenerPort: number;
  readonly path: string;
  /** "?a=b" or "". */
  readonly query: string;
}

const WELL_KNOWN: Readonly<Record<string, number>> = { http: 80, https: 443 };

/**
 * @public For the edge's redirect step.
 * The Location of a RequestRedirect. A part left out keeps the request's; with no port, the scheme's
 * well-known port when the redirect sets a scheme, else the listener's; well-known ports are not written.
 */
export function redirectLocation(parts: RedirectParts, request: RedirectRequest): string {
  const scheme = parts.scheme ?? request.scheme;
  const port = parts.port ?? (parts.scheme !== null ? WELL_KNOWN[scheme] : request.listenerPort);
  const host = parts.hostname ?? request.host;
  const authority = port === WELL_KNOWN[scheme] ? host : `${host}:${port}`;
  const path = parts.path === null ? request.path : replacePath(request.path, parts.path);
  return `${scheme}://${authority}${path}${request.query}`;
}

/**
 * The backend for a roll in [0, 1): by weight; null means answer 500 (an invalid backendRef's share, or
 * no weight at all). No allocation.
 */
export function pickBackend(data: GatewayRouteData, roll: number): BackendKey | null {
  if (data.totalWeight <= 0) return null;
  let left = roll * data.totalWeight;
  const backends = data.backends;
  for (let i = 0; i < backends.length; i++) {
    left -= backends[i].weight;
    if (left < 0) return backends[i].backend;
  }
  // roll so close to 1 that rounding ran past the end: the last weighted entry.
  for (let i = backends.length - 1; i >= 0; i--) if (backends[i].weight > 0) return backends[i].backend;
  return null;
}
