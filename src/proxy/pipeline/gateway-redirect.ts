// HTTPRoute RequestRedirect at the edge (Gateway API spec, HTTPRequestRedirectFilter): each part the filter
// leaves out keeps the request's own; the port follows the new scheme when the scheme is set, else the
// listener's port, and is left out of Location when it is the scheme's well-known one.
import type { RedirectParts } from '../../routing/gateway/route-data.ts';

const WELL_KNOWN_PORT = { http: 80, https: 443 } as const;

/** `host` without port (normalised), `path` as matched, `query` without "?" ('' when none). */
export function gatewayRedirectLocation(
  redirect: RedirectParts,
  host: string,
  path: string,
  query: string,
  tls: boolean,
  listenerPort: number,
): string {
  const scheme = redirect.scheme ?? (tls ? 'https' : 'http');
  const port = redirect.port ?? (redirect.scheme !== null ? WELL_KNOWN_PORT[scheme] : listenerPort);
  const hostname = redirect.hostname ?? host;
  const authority = port === WELL_KNOWN_PORT[scheme] || port === 0 ? hostname : `${hostname}:${port}`;
  let target = path;
  if (redirect.path !== null && redirect.path.kind === 'full') target = redirect.path.value;
  else if (redirect.path !== null) {
    const rest = path.slice(redirect.path.matched.length);
    const base = redirect.path.value.endsWith('/') ? redirect.path.value.slice(0, -1) : redirect.path.value;
    target = rest === '' ? redirect.path.value || '/' : `${base}${rest.startsWith('/') ? rest : `/${rest}`}`;
  }
  return `${scheme}://${authority}${target}${query === '' ? '' : `?${query}`}`;
}
