// One owned Ingress as the incremental builder keeps it: translated once per object (an update brings a
// new object, so object identity stands for resourceVersion), with its claims grouped by host so that the
// merge of one host reads only that host's routes.

import type { BackendRefs } from '../backends.ts';
import { translateIngress, type HostClaim, type IngressDraft, type RouteDraft } from '../ingress-translate.ts';
import type { Named } from '../object-index.ts';
import type { Problem } from '../types.ts';
import type { BackendUse, UseOwner } from './backend-index.ts';

export interface HostPart {
  readonly claim: HostClaim;
  readonly routes: RouteDraft[];
}

export interface IngressEntry {
  readonly named: Named;
  readonly draft: IngressDraft;
  /** Its translation's problems. */
  readonly problems: readonly Problem[];
  readonly hosts: ReadonlyMap<string, HostPart>;
  /** The check of its spec.defaultBackend (reported even when another Ingress's default wins). */
  readonly check: UseOwner;
  readonly checkUses: readonly BackendUse[];
}

export function translateEntry(named: Named, refs: BackendRefs): IngressEntry {
  const problems: Problem[] = [];
  const draft = translateIngress(named, refs, problems);
  const hosts = new Map<string, HostPart>();
  for (const claim of draft.hosts) hosts.set(claim.host, { claim, routes: [] });
  for (const route of draft.routes) hosts.get(route.host)?.routes.push(route);
  const checkUses: BackendUse[] =
    draft.defaultBackend === null
      ? []
      : [{ ref: draft.defaultBackend, source: named.ref, field: 'spec.defaultBackend', used: false }];
  return {
    named,
    draft,
    problems,
    hosts,
    check: { order: { tier: 2, draft }, problems: [], uses: [], useProblems: [] },
    checkUses,
  };
}

/** The draft as it would look with only its claim on `host`: what the merge of that one host reads. */
export function draftForHost(entry: IngressEntry, host: string): IngressDraft {
  const part = entry.hosts.get(host);
  if (entry.hosts.size === 1 || part === undefined) return entry.draft;
  return { ...entry.draft, hosts: [part.claim], routes: part.routes };
}
