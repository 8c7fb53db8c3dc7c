// routing-semantics §2–§3: rules of one host merged across Ingresses; identical claims resolved
// oldest-wins (creationTimestamp, then namespace/name; inside one Ingress, the earlier field).

import type { HostClaim, IngressDraft, RouteDraft } from './ingress-translate.ts';
import { problem } from './problems.ts';
import type { HostKind, Problem } from './types.ts';

/** Up to this many routes a host finds a claim by scanning its list; beyond, by a Map. */
const SCAN_LIMIT = 8;

export interface MergedHost {
  readonly host: string;
  readonly kind: HostKind;
  /** Ingresses that wrote a rule for this host, oldest first. */
  readonly contributors: IngressDraft[];
  /** Winning routes (one per match key), in precedence order of their claim. */
  readonly routes: RouteDraft[];
  /** Winning routes by match path, once the host has more than SCAN_LIMIT of them. */
  exact: Map<string, RouteDraft> | null;
  prefix: Map<string, RouteDraft> | null;
}

/** `drafts` must be sorted oldest first; the merge is then independent of input order. */
export function mergeHosts(drafts: readonly IngressDraft[], problems: Problem[]): Map<string, MergedHost> {
  const hosts = new Map<string, MergedHost>();
  for (const draft of drafts) {
    let entry: MergedHost | undefined;
    for (let h = 0; h < draft.hosts.length; h++) entry = contribute(hosts, draft.hosts[h], draft);
    for (let r = 0; r < draft.routes.length; r++) {
      const route = draft.routes[r];
      // Most Ingresses name one host: the entry just claimed is the usual answer.
      if (entry === undefined || entry.host !== route.host) entry = hosts.get(route.host);
      if (entry === undefined) continue; // every route's host was claimed above
      const winner = claimed(entry, route);
      if (winner === undefined) {
        entry.routes.push(route);
        if (entry.exact !== null) index(entry, route);
        else if (entry.routes.length > SCAN_LIMIT) {
          entry.exact = new Map();
          entry.prefix = new Map();
          for (const each of entry.routes) index(entry, each);
        }
        continue;
      }
      problems.push(problem('RouteConflict', draft.named.ref, `${route.field}.path`, conflictMessage(route, winner)));
    }
  }
  return hosts;
}

/** The winning route that matches the same requests as `route`, if any. */
function claimed(entry: MergedHost, route: RouteDraft): RouteDraft | undefined {
  if (entry.exact !== null) return (route.match === 'exact' ? entry.exact : entry.prefix)?.get(route.matchPath);
  for (const each of entry.routes) if (each.match === route.match && each.matchPath === route.matchPath) return each;
  return undefined;
}

function index(entry: MergedHost, route: RouteDraft): void {
  (route.match === 'exact' ? entry.exact : entry.prefix)?.set(route.matchPath, route);
}

function contribute(hosts: Map<string, MergedHost>, claim: HostClaim, draft: IngressDraft): MergedHost {
  let entry = hosts.get(claim.host);
  if (entry === undefined) {
    entry = { host: claim.host, kind: claim.kind, contributors: [draft], routes: [], exact: null, prefix: null };
    hosts.set(claim.host, entry);
  } else {
    entry.contributors.push(draft);
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
