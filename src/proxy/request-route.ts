import type { RoutingState } from '../controller/state.ts';
import { normalizeRequestHost } from '../routing/request-host.ts';
import { normalizeRequestPath, splitTarget } from '../routing/request-path.ts';
import type { BackendEndpoints, Match } from '../routing/types.ts';
import { proxyErrors, type ProxyError } from './errors.ts';
import { httpsRedirectLocation } from './redirect.ts';

/**
 * Where one request goes, decided from one table generation with the same rules for plain
 * requests and Upgrades: forward to a backend, redirect to HTTPS, or answer an error.
 */
export class RouteDecision {
  /** Normalised host ('' when the request had none); '' too when it was malformed. */
  host = '';
  /** Normalised path, forwarded as is. */
  path = '';
  /** Original query with its '?', or ''. */
  query = '';
  match: Match | null = null;
  backend: BackendEndpoints | null = null;
  /** Set when the request is answered by the edge itself. */
  error: ProxyError | null = null;
  reason: string | null = null;
  /** Set for the HTTPS redirect. */
  redirectTo: string | null = null;
}

/**
 * `rawHost`: the Host header (`:authority` for HTTP/2) or null when absent (HTTP/1.0 may omit it:
 * such requests match only rules without a host). `target`: the request target as received.
 */
export function decideRoute(
  state: RoutingState,
  rawHost: string | null,
  target: string,
  tls: boolean,
  httpsPort: number,
  out: RouteDecision,
): void {
  let host = '';
  if (rawHost !== null) {
    const normalised = normalizeRequestHost(rawHost);
    if (normalised === null) {
      out.error = proxyErrors.badRequest;
      out.reason = 'malformed Host';
      return;
    }
    host = normalised;
  }
  out.host = host;
  const split = splitTarget(target);
  const path = split === null ? null : normalizeRequestPath(split.path);
  if (split === null || path === null) {
    out.error = proxyErrors.badRequest;
    out.reason = 'malformed request target';
    return;
  }
  out.path = path;
  out.query = split.query;

  const match = state.matcher.match(host, path);
  if (match === null) {
    out.error = proxyErrors.noRoute;
    out.reason = null;
    return;
  }
  out.match = match;
  const matched = match.target;
  if (!tls && matched.policy.sslRedirect) {
    out.redirectTo = httpsRedirectLocation(host, httpsPort, path, split.query);
    return;
  }
  const backend = state.result.endpoints.get(matched.backend);
  if (backend === undefined) {
    out.error = proxyErrors.noEndpoint;
    out.reason = 'backend ' + matched.backend + ' is unknown';
    return;
  }
  if (backend.state === 'ok') {
    if (backend.usable.length === 0) {
      out.error = proxyErrors.noEndpoint;
      out.reason = 'no ready endpoints for ' + backend.key;
      return;
    }
  } else if (backend.state !== 'external-name' || backend.externalName === null) {
    out.error = proxyErrors.noEndpoint;
    out.reason = backend.reason ?? 'backend ' + backend.key + ': ' + backend.state;
    return;
  }
  out.backend = backend;
}
