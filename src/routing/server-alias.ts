// server-alias (ingress-nginx internal/ingress/annotations/alias): the Ingress's rules also serve
// the alias hosts. Each alias becomes a host claim with copies of the routes of the Ingress's first
// named host, so precedence and conflicts work as for any host (an older claim wins).

import type { IngressDraft } from './ingress-translate.ts';
import { checkRuleHost } from './rule-host.ts';

export function addServerAliases(draft: IngressDraft): void {
  const first = draft.hosts.find((claim) => claim.kind !== 'any');
  if (first === undefined) return;
  const routes = draft.routes.filter((route) => route.host === first.host);
  for (const alias of draft.policy.aliases) {
    if (draft.hosts.some((claim) => claim.host === alias)) continue;
    const check = checkRuleHost(alias);
    if (!check.ok) continue;
    draft.hosts.push({ host: check.host, kind: check.kind });
    for (const route of routes) draft.routes.push({ ...route, host: check.host });
  }
}
