// One host's rules from the Ingresses that claim it: the build's own merge (mergeHosts) and host pass
// (hostRules), run over that host's contributors only, with the backend uses recorded instead of resolved.

import type { BackendRef } from '../backends.ts';
import { hostRules, type BackendUser } from '../build.ts';
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
  readonly rules: HostRules;
  /** Route conflicts within the host. */
  readonly problems: readonly Problem[];
  readonly uses: readonly BackendUse[];
}

export function mergeHost(
  host: string,
  contributors: readonly IngressEntry[],
  draftOf: (entry: IngressEntry) => IngressDraft,
  declaredTls: ReadonlyMap<string, string>,
  flag: BackendRef | null,
  options: BuildOptions,
): MergedRules | null {
  const drafts = contributors.map((entry) => draftForHost(draftOf(entry), host)).sort(compareAge);
  const problems: Problem[] = [];
  const merged = mergeHosts(drafts, problems).get(host);
  if (merged === undefined) return null;
  const recorder = new UseRecorder();
  const rules = hostRules(merged, declaredTls, flag, recorder, options);
  return { rules, problems: problems.length === 0 ? NO_PROBLEMS : problems, uses: recorder.uses };
}
