// routing-semantics §2–§3: rules of one host merged across Ingresses; identical claims resolved
// oldest-wins (creationTimestamp, then namespace/name; inside one Ingress, the earlier field).

import type { HostClaim, IngressDraft, RouteDraft } from './ingress-translate.ts';
import { problem } from './problems.ts';
import type { HostKind, Problem } from './types.ts';

export interface MergedHost {
  readonly host: string;
  readonly kind: HostKind;
  /** Ingresses that wrote a rule for this host, oldest first. */
  readonly contributors: IngressDraft[];
  /** Winning routes by match key, in precedence order of their claim. */
  readonly routes: Map<string, RouteDraft>;
}

/** `drafts` must be sorted oldest first; the merge is then independent of input order. */
export function mergeHosts(drafts: readonly IngressDraft[], problems: Problem[]): Map<string, MergedHost> {
  const hosts = new Map<string, MergedHost>();
  for (const draft of drafts) {
    for (const claim of draft.hosts) hostEntry(hosts, claim).contributors.push(draft);
    for (const route of draft.routes) {
      const entry = hosts.get(route.host);
      if (entry === undefined) continue; // every route's host was claimed above
      const winner = entry.routes.get(route.matchKey);
      if (winner === undefined) {
        entry.routes.set(route.matchKey, route);
        continue;
      }
      problems.push(problem('RouteConflict', draft.named.ref, `${route.field}.path`, conflictMessage(route, winner)));
    }
  }
  return hosts;
}

function hostEntry(hosts: Map<string, MergedHost>, claim: HostClaim): MergedHost {
  let entry = hosts.get(claim.host);
  if (entry === undefined) {
    entry = { host: claim.host, kind: claim.kind, contributors: [], routes: new Map() };
    hosts.set(claim.host, entry);
  }
  return entry;
}

function conflictMessage(loser: RouteDraft, winner: RouteDraft): string {
  const host = loser.host === '' ? 'any host' : `host "${loser.host}"`;
  const where =
    winner.ingress === loser.ingress
      ? `earlier in this Ingress (${winner.field})`
      : `by Ingress ${winner.ingress.named.key} (${winner.field}), which ${winner.ingress.created < loser.ingress.created ? 'is older' : 'is as old and sorts first by namespace/name'}`;
  return `${host} path "${loser.path}" (${loser.pathType}) is already claimed ${where}; this one is ignored`;
}
