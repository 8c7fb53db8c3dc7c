// from-to-www-redirect (ingress-nginx internal/ingress/annotations/redirect, test/e2e/annotations/
// fromtowwwredirect.go): for each host the Ingress names, the other spelling (www.<host>, or <host> for
// www.<host>) gets a rule that redirects (308) to the same path on the named host. As in ingress-nginx,
// nothing is added for a spelling the Ingress itself names; one another Ingress names keeps that
// Ingress's rules (the older claim wins, as for any host).

import type { IngressDraft } from './ingress-translate.ts';
import { NO_TRAFFIC } from './no-traffic.ts';
import { checkRuleHost } from './rule-host.ts';
import type { RoutePolicy } from './types.ts';

export function addWwwRedirects(draft: IngressDraft): void {
  const named = draft.hosts.filter((claim) => claim.kind === 'exact');
  for (const claim of named) {
    const other = claim.host.startsWith('www.') ? claim.host.slice(4) : `www.${claim.host}`;
    if (draft.hosts.some((each) => each.host === other)) continue;
    const check = checkRuleHost(other);
    const template = draft.routes.find((route) => route.host === claim.host);
    if (!check.ok || check.kind !== 'exact' || template === undefined) continue;
    draft.hosts.push({ host: check.host, kind: 'exact' });
    draft.routes.push({
      ...template,
      host: check.host,
      path: '/',
      pathType: 'Prefix',
      match: 'prefix',
      matchPath: '/',
      segments: 0,
      redirectToHost: claim.host,
    });
  }
}

/** The policy of a from-to-www-redirect rule: the Ingress's own, with the redirect to `host` only. */
export function hostRedirectPolicy(base: RoutePolicy, host: string): RoutePolicy {
  const field = 'metadata.annotations["nginx.ingress.kubernetes.io/from-to-www-redirect"]';
  return Object.freeze({
    ...base,
    traffic: Object.freeze({
      ...NO_TRAFFIC,
      redirect: Object.freeze({ kind: 'host', location: host, status: 308, field }),
    }),
  });
}
