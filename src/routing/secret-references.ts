// Which Secrets the sources keep: every TLS Secret, and an Opaque one only when an Ingress annotation names it
// (auth-secret's htpasswd, proxy-ssl-secret's CA and client certificate). A cluster holds many Opaque Secrets
// (tokens, passwords) that are none of an ingress controller's business: keeping them all would cost memory
// and exposure. Pure: both the cluster source and the manifest source apply the same rule.
import { NGINX } from './annotations/registry-types.ts';
import type { KubeObject } from './types.ts';

export const TLS_SECRET_TYPE = 'kubernetes.io/tls';
export const OPAQUE_SECRET_TYPE = 'Opaque';

/** Annotations whose value is "name" or "namespace/name" of a Secret (policy-secrets.ts reads them). */
const SECRET_ANNOTATIONS = [`${NGINX}auth-secret`, `${NGINX}proxy-ssl-secret`];

/**
 * "namespace/name" of the Secrets an Ingress's annotations name; a bare name is in the Ingress's namespace.
 * A name in another namespace is left out: the build never reads it (policy-secrets.ts reports it instead).
 */
export function referencedSecretKeys(ingress: KubeObject): string[] {
  const metadata = ingress.metadata as { namespace?: unknown; annotations?: unknown } | undefined;
  const namespace = typeof metadata?.namespace === 'string' ? metadata.namespace : '';
  const annotations = metadata?.annotations;
  if (namespace === '' || typeof annotations !== 'object' || annotations === null) return [];
  const out: string[] = [];
  for (const name of SECRET_ANNOTATIONS) {
    const value = (annotations as Record<string, unknown>)[name];
    if (typeof value !== 'string' || value === '') continue;
    const key = value.includes('/') ? value : `${namespace}/${value}`;
    if (key.startsWith(`${namespace}/`) && !out.includes(key)) out.push(key);
  }
  return out;
}

/** The Secrets a snapshot keeps of `secrets`, given the Ingresses that may reference them. */
export function keptSecrets(secrets: readonly KubeObject[], ingresses: readonly KubeObject[]): KubeObject[] {
  const referenced = new Set(ingresses.flatMap(referencedSecretKeys));
  return secrets.filter((secret) => {
    // The API server defaults a Secret's type to Opaque.
    const type = secret.type ?? OPAQUE_SECRET_TYPE;
    if (type === TLS_SECRET_TYPE) return true;
    if (type !== OPAQUE_SECRET_TYPE) return false;
    const metadata = secret.metadata as { namespace?: unknown; name?: unknown } | undefined;
    return referenced.has(`${String(metadata?.namespace)}/${String(metadata?.name)}`);
  });
}
