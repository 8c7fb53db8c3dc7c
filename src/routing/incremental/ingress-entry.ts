// One owned Ingress as the incremental builder keeps it: translated once per object (an update brings a
// new object, so object identity stands for resourceVersion), but only what the builder reads without
// merging is kept (hosts, TLS claims, default backend, problems). Its routes are translated again when
// one of its hosts is merged: at 10k Ingresses, 30k route drafts kept next to the 30k published routes
// were the largest part of the builder's memory, and translating the few Ingresses of one host costs
// microseconds.

import type { AnnotationReport } from '../annotations.ts';
import type { BackendRef, BackendRefs } from '../backends.ts';
import { translateIngress, type HostClaim, type IngressDraft } from '../ingress-translate.ts';
import type { ConfigMapLookup } from '../header-configmap.ts';
import type { Named } from '../object-index.ts';
import type { TlsClaim } from '../tls.ts';
import type { Problem } from '../types.ts';
import { NO_PROBLEMS, type UseOwner } from './backend-index.ts';

export interface IngressEntry {
  readonly named: Named;
  /** As in its draft: creationTimestamp in ms (precedence). */
  readonly created: number;
  readonly hosts: readonly HostClaim[];
  readonly tls: readonly TlsClaim[];
  readonly defaultBackend: BackendRef | null;
  /** A canary Ingress lends its backends to main Ingresses' rules and claims nothing itself. */
  readonly canary: boolean;
  /** Its translation's problems. */
  readonly problems: readonly Problem[];
  /** Its annotations' reports (the draft's frozen list). */
  readonly reports: readonly AnnotationReport[];
  /** The check of its spec.defaultBackend (reported even when another Ingress's default wins), if it has one. */
  readonly check: UseOwner | null;
}

const NO_TLS: readonly TlsClaim[] = Object.freeze([]);

/** The entry, and its draft for the merges of this apply (not kept past it). */
export function translateEntry(
  named: Named,
  refs: BackendRefs,
  configMaps: ConfigMapLookup,
): { entry: IngressEntry; draft: IngressDraft } {
  const problems: Problem[] = [];
  const draft = translateIngress(named, refs, problems, configMaps);
  const entry = {
    named,
    created: draft.created,
    hosts: draft.hosts,
    tls: draft.tls.length === 0 ? NO_TLS : draft.tls,
    defaultBackend: draft.defaultBackend,
    canary: draft.policy.canary !== null,
    problems: problems.length === 0 ? NO_PROBLEMS : problems,
    reports: draft.policy.reports,
    check: null as UseOwner | null,
  };
  if (draft.defaultBackend !== null && !entry.canary)
    entry.check = { order: { tier: 2, age: entry }, problems: NO_PROBLEMS, uses: [], useProblems: NO_PROBLEMS };
  return { entry, draft };
}

/**
 * The entry's draft again (its problems were kept from the first translation). The ConfigMaps it reads are
 * as they were then: a change to one translates the entries naming it anew (object-store.ts).
 */
export function translateAgain(entry: IngressEntry, refs: BackendRefs, configMaps: ConfigMapLookup): IngressDraft {
  return translateIngress(entry.named, refs, [], configMaps);
}

/** The draft as it would look with only its claim on `host`: what the merge of that one host reads. */
export function draftForHost(draft: IngressDraft, host: string): IngressDraft {
  if (draft.hosts.length === 1) return draft;
  const claim = draft.hosts.find((each) => each.host === host);
  if (claim === undefined) return draft;
  return { ...draft, hosts: [claim], routes: draft.routes.filter((route) => route.host === host) };
}
