// Secrets that route policies read (proxy-ssl-secret's CA and client certificate, auth-secret's htpasswd):
// resolved once per build into decoded, frozen data, so the edge never reads the cluster. Only Secrets in
// the referring Ingress's own namespace are read (a Secret name in an annotation is no way into another
// namespace); a missing one is a problem, and the policy that needs it fails closed at the edge.

import { decodeBase64 } from './base64.ts';
import { readBasicAuthSecret } from './htpasswd.ts';
import type { IngressDraft } from './ingress-translate.ts';
import { isRecord, readRecord } from './kube-read.ts';
import type { Named } from './object-index.ts';
import { problem } from './problems.ts';
import type { Problem } from './types.ts';

/** One Secret's data, decoded (latin-1 text of its bytes), by key. */
export type PolicySecret = Readonly<Record<string, string>>;

/** A Secret larger than this (all values decoded) is refused: policies need certificates and password files. */
export const MAX_POLICY_SECRET_BYTES = 256 * 1024;

/** "namespace/name" of every Secret an Ingress's policy names, with the annotation field naming it. */
function referencedSecrets(draft: IngressDraft): { key: string; field: string }[] {
  const traffic = draft.policy.plain.traffic;
  const out: { key: string; field: string }[] = [];
  const upstream = traffic?.upstream;
  if (upstream?.secret != null) out.push({ key: upstream.secret, field: upstream.secretField });
  const basicAuth = traffic?.basicAuth;
  if (basicAuth?.secret != null) out.push({ key: basicAuth.secret, field: basicAuth.secretField });
  return out;
}

export function collectPolicySecrets(
  drafts: readonly IngressDraft[],
  secrets: Pick<ReadonlyMap<string, Named>, 'get'>,
  problems: Problem[],
): Map<string, PolicySecret> {
  const out = new Map<string, PolicySecret>();
  for (const draft of drafts) {
    for (const { key, field } of referencedSecrets(draft)) {
      if (out.has(key)) continue;
      const ref = draft.named.ref;
      if (!key.startsWith(ref.namespace + '/')) {
        const message = `secret ${key} is in another namespace; only Secrets in ${ref.namespace} are read`;
        problems.push(problem('PolicySecretNotFound', ref, field, message));
        continue;
      }
      const named = secrets.get(key);
      const data = named === undefined ? null : decodeData(named);
      if (data === null) {
        const message =
          named === undefined ? `secret ${key} not found` : `secret ${key} data is not base64, or over 256 KiB`;
        problems.push(problem('PolicySecretNotFound', ref, field, message));
        continue;
      }
      out.set(key, data);
    }
    reportBasicAuth(draft, out, problems);
  }
  return out;
}

/** auth-type basic: a missing auth-secret, and htpasswd entries sluice refuses, are problems. */
function reportBasicAuth(draft: IngressDraft, secrets: ReadonlyMap<string, PolicySecret>, problems: Problem[]): void {
  const auth = draft.policy.plain.traffic?.basicAuth;
  if (auth === undefined) return;
  const ref = draft.named.ref;
  if (auth.secret === null) {
    problems.push(
      problem(
        'PolicySecretNotFound',
        ref,
        auth.field,
        'auth-type basic needs auth-secret; every request is refused (503)',
      ),
    );
    return;
  }
  const data = secrets.get(auth.secret);
  if (data === undefined) return;
  const { users, refused } = readBasicAuthSecret(data, auth.secretType);
  const head = refused.slice(0, 3).join('; ') + (refused.length > 3 ? `; and ${refused.length - 3} more` : '');
  if (refused.length > 0)
    problems.push(problem('AuthEntryRefused', ref, auth.secretField, `secret ${auth.secret}: ${head}`));
  else if (users.size === 0)
    problems.push(
      problem('AuthEntryRefused', ref, auth.secretField, `secret ${auth.secret} lists no user; every request gets 401`),
    );
}

function decodeData(named: Named): PolicySecret | null {
  const data = readRecord(named.object, 'data');
  if (data === null || !isRecord(data)) return Object.freeze({});
  const out: Record<string, string> = {};
  let total = 0;
  for (const [name, value] of Object.entries(data)) {
    if (typeof value !== 'string') return null;
    const text = decodeBase64(value);
    if (text === null) return null;
    total += text.length;
    if (total > MAX_POLICY_SECRET_BYTES) return null;
    out[name] = text;
  }
  return Object.freeze(out);
}
