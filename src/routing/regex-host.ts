// ingress-nginx's quirk, followed because users rely on it: when any Ingress on a host uses
// use-regex or rewrite-target, nginx matches every location of that server as `~* "^path"`
// (template.go enforceRegexModifier / buildLocation). The host is flagged, and each other Ingress
// whose paths this changes is told so.

import type { MergedHost } from './conflicts.ts';
import { problem } from './problems.ts';
import type { Problem } from './types.ts';

export function regexHost(entry: MergedHost, problems: Problem[]): boolean {
  const cause = entry.routes.find((route) => route.ingress.policy.regex);
  if (cause === undefined) return false;
  const told = new Set<string>();
  for (const route of entry.routes) {
    const ingress = route.ingress;
    if (ingress.policy.regex || told.has(ingress.named.key)) continue;
    told.add(ingress.named.key);
    const host = entry.host === '' ? 'any host' : `host "${entry.host}"`;
    problems.push(
      problem(
        'HostMatchedAsRegex',
        ingress.named.ref,
        route.field,
        `Ingress ${cause.ingress.named.key} uses regex paths on ${host}, so (as in ingress-nginx) this Ingress's paths there match as case-insensitive regex prefixes too`,
      ),
    );
  }
  return true;
}
