// Basic authentication annotations, after ingress-nginx internal/ingress/annotations/auth/main.go:
// auth-type "basic" or "digest", auth-secret "name" or "namespace/name", auth-secret-type "auth-file"
// (default: the Secret's "auth" key holds an htpasswd file) or "auth-map" (each key a user, its value the
// hash), auth-realm (default "Authentication Required" in nginx's template; sluice says the same).

import type { PolicyDraft } from './draft.ts';
import { type AnnotationEntry, invalid, NGINX } from './registry-types.ts';

const SECRET_NAME = /^([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?\/)?[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

/** Printable ASCII without the quote and backslash: it goes into WWW-Authenticate: Basic realm="…". */
function isRealm(value: string): boolean {
  return value.length > 0 && value.length <= 128 && /^[\x20-\x7e]+$/.test(value) && !/["\\]/.test(value);
}

export const AUTH_ANNOTATIONS: readonly AnnotationEntry[] = [
  {
    name: `${NGINX}auth-type`,
    family: 'auth',
    status: 'supported',
    doc: '"basic": requests need a user and password from auth-secret (401 otherwise). "digest" is not supported.',
    apply(value, draft, field) {
      const lower = value.toLowerCase();
      if (lower === 'digest') return { unsupported: 'digest authentication is not supported; use basic over HTTPS' };
      if (lower !== 'basic') return invalid('"basic"');
      draft.auth.type = 'basic';
      draft.auth.field = field;
      return null;
    },
  },
  {
    name: `${NGINX}auth-secret`,
    family: 'auth',
    status: 'supported',
    doc: 'The Secret (this namespace) with the htpasswd file (key "auth") or the user map; bcrypt, apr1, {SHA}, $5$, $6$.',
    requires: { name: `${NGINX}auth-type`, enabled: (draft) => draft.auth.type !== null },
    apply(value, draft, field) {
      if (!SECRET_NAME.test(value)) return invalid('"name" or "namespace/name" of a Secret');
      draft.auth.secret = value;
      draft.auth.secretField = field;
      return null;
    },
  },
  {
    name: `${NGINX}auth-secret-type`,
    family: 'auth',
    status: 'supported',
    doc: '"auth-file" (default: an htpasswd file under key "auth") or "auth-map" (each key a user, its value the hash).',
    requires: { name: `${NGINX}auth-type`, enabled: (draft) => draft.auth.type !== null },
    apply(value, draft) {
      if (value !== 'auth-file' && value !== 'auth-map') return invalid('"auth-file" or "auth-map"');
      draft.auth.secretType = value;
      return null;
    },
  },
  {
    name: `${NGINX}auth-realm`,
    family: 'auth',
    status: 'supported',
    doc: 'The realm the browser shows in its password prompt.',
    requires: { name: `${NGINX}auth-type`, enabled: (draft) => draft.auth.type !== null },
    apply(value, draft) {
      if (!isRealm(value)) return invalid('printable text without quotes or backslashes, at most 128 characters');
      draft.auth.realm = value;
      return null;
    },
  },
];

/** "name" → "namespace/name" once the Ingress is read. */
export function qualifyAuthSecret(draft: PolicyDraft, namespace: string): void {
  const secret = draft.auth.secret;
  if (secret !== null && !secret.includes('/')) draft.auth.secret = namespace + '/' + secret;
}
