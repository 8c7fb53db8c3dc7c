// The SNI → backend table of ssl-passthrough. As in ingress-nginx, passthrough takes the whole host: the
// backend of its "/" path rule (else its first rule) receives every TLS connection naming the host.
// Exact hosts only (SNI names one host; a wildcard rule is matched by the TLS listener as usual).

import type { BackendKey, HostRules } from './types.ts';

export function passthroughHosts(hosts: readonly HostRules[]): Map<string, BackendKey> {
  const out = new Map<string, BackendKey>();
  for (const host of hosts) {
    if (host.kind !== 'exact') continue;
    const routes = host.routes.filter((route) => route.policy.traffic?.sslPassthrough === true);
    if (routes.length === 0) continue;
    const root = routes.find((route) => route.path === '/') ?? routes[0];
    out.set(host.host, root.backend);
  }
  return out;
}
