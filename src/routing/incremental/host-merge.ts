// One host's rules from the Ingresses that claim it: the build's own merge (mergeHosts) and host pass
// (hostRules), run over that host's contributors only, with the backend uses recorded instead of resolved.

import type { BackendRef } from '../backends.ts';
import { hostRules, type BackendUser } from '../build.ts';
import { CanaryIndex } from '../canary-routes.ts';
import { mergeHosts } from '../conflicts.ts';
import { compareAge, type IngressDraft } from '../ingress-translate.ts';
import type { BuildOptions, HostRules, ObjectRef, Problem } from '../types.ts';
import { NO_PROBLEMS, type BackendUse } from './backend-index.ts';
import { draftForHost, type IngressEntry } from './ingress-entry.ts';

/** Records uses as a build's resolver would see them; the backend index resolves them. */
export class UseRecorder implements BackendUser {
  readonly uses: BackendUse[] = [];

  use(ref: BackendRef, source: ObjectRef, field: string, fieldTail = ''): void {
    this.uses.push({ ref, source, field, tail: fieldTail, used: true });
  }
}

export interface MergedRules {
  /** Null when only canaries name the host: they have no main rule to attach to. */
  readonly rules: HostRules | null;
  /** Route conflicts, regex notes and unused canary paths of the host. */
  readonly problems: readonly Problem[];
  readonly uses: readonly BackendUse[];
}

/** The host's rules from its main Ingresses (`contributors`) and the canaries that name it, as build does. */
export function mergeHost(
  host: string,
  contributors: readonly IngressEntry[],
  canaryContributors: readonly IngressEntry[],
  draftOf: (entry: IngressEntry) => IngressDraft,
  declaredTls: ReadonlyMap<string, string>,
  flag: BackendRef | null,
  options: BuildOptions,
): MergedRules {
  const forHost = (entries: readonly IngressEntry[]) =>
    entries.map((entry) => draftForHost(draftOf(entry), host)).sort(compareAge);
  const problems: Problem[] = [];
  const canaries = new CanaryIndex(forHost(canaryContributors));
  const merged = contributors.length === 0 ? undefined : mergeHosts(forHost(contributors), problems).get(host);
  const recorder = new UseRecorder();
  const rules =
    merged === undefined ? null : hostRules(merged, declaredTls, flag, recorder, options, canaries, problems);
  canaries.reportUnused(problems);
  return { rules, problems: problems.length === 0 ? NO_PROBLEMS : problems, uses: recorder.uses };
}
