// The policy Secrets of the incremental build (auth-secret, proxy-ssl-secret), as build.ts gets them from
// collectPolicySecrets: read again, with their problems, only when an Ingress naming one comes or goes or a
// Secret changes. Only the drafts of Ingresses whose policy names a Secret are kept for that.

import type { IngressDraft } from '../ingress-translate.ts';
import type { Named } from '../object-index.ts';
import { collectPolicySecrets, type PolicySecret } from '../policy-secrets.ts';
import { compareText } from '../compare.ts';
import type { Problem } from '../types.ts';
import type { IngressEntry } from './ingress-entry.ts';

export class PolicySecretState {
  readonly #drafts = new Map<IngressEntry, IngressDraft>();
  /** The problems of the last read (missing Secrets, refused htpasswd entries). */
  readonly holder: { problems: readonly Problem[] } = { problems: [] };
  #secrets: ReadonlyMap<string, PolicySecret> = new Map();
  #dirty = false;

  add(entry: IngressEntry, draft: IngressDraft): void {
    const traffic = draft.policy.plain.traffic;
    if (traffic?.basicAuth === undefined && traffic?.upstream?.secret == null) return;
    this.#drafts.set(entry, draft);
    this.#dirty = true;
  }

  remove(entry: IngressEntry): void {
    if (this.#drafts.delete(entry)) this.#dirty = true;
  }

  /** The decoded Secrets by "namespace/name" (the same map while nothing they depend on changed). */
  update(secrets: Pick<ReadonlyMap<string, Named>, 'get'>, secretsChanged: boolean): ReadonlyMap<string, PolicySecret> {
    if (!this.#dirty && !secretsChanged) return this.#secrets;
    this.#dirty = false;
    const problems: Problem[] = [];
    const found = collectPolicySecrets([...this.#drafts.values()], secrets, problems);
    this.#secrets = new Map([...found].sort((a, b) => compareText(a[0], b[0])));
    this.holder.problems = problems;
    return this.#secrets;
  }
}
