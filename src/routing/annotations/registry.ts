// Every annotation sluice knows, in one list: the reader, the audit and the migration table all
// come from here. An nginx.ingress.kubernetes.io/ annotation not listed is unsupported.

import { ACCESS_ANNOTATIONS } from './access.ts';
import { AUTH_ANNOTATIONS } from './auth.ts';
import { EXTERNAL_AUTH_ANNOTATIONS } from './external-auth.ts';
import { PASSTHROUGH_ANNOTATIONS } from './passthrough.ts';
import { BACKEND_PROTOCOL_ANNOTATIONS } from './backend-protocol.ts';
import { CANARY_ANNOTATIONS } from './canary.ts';
import { CORS_ANNOTATIONS } from './cors.ts';
import { ERROR_ANNOTATIONS } from './errors.ts';
import { HEADER_ANNOTATIONS } from './headers.ts';
import { LIMIT_ANNOTATIONS } from './limits.ts';
import { PROXY_ANNOTATIONS, SLUICE_ANNOTATIONS } from './proxy.ts';
import { REDIRECT_ANNOTATIONS } from './redirect.ts';
import { type AnnotationEntry, NGINX } from './registry-types.ts';
import { REWRITE_ANNOTATIONS } from './rewrite.ts';
import { SESSION_ANNOTATIONS } from './session.ts';

function unsupported(short: string, doc: string): AnnotationEntry {
  return { name: `${NGINX}${short}`, family: 'unsupported', status: 'unsupported', doc, apply: null };
}

/** The most used annotations sluice does not honour yet, with why. */
const NOT_YET: readonly AnnotationEntry[] = [
  unsupported('auth-tls-secret', 'Client certificate authentication is planned.'),
  unsupported('auth-tls-verify-client', 'Client certificate authentication is planned.'),
];

export const ANNOTATION_REGISTRY: readonly AnnotationEntry[] = Object.freeze([
  ...REWRITE_ANNOTATIONS,
  ...REDIRECT_ANNOTATIONS,
  ...ACCESS_ANNOTATIONS,
  ...CORS_ANNOTATIONS,
  ...LIMIT_ANNOTATIONS,
  ...PROXY_ANNOTATIONS,
  ...SESSION_ANNOTATIONS,
  ...CANARY_ANNOTATIONS,
  ...ERROR_ANNOTATIONS,
  ...HEADER_ANNOTATIONS,
  ...BACKEND_PROTOCOL_ANNOTATIONS,
  ...AUTH_ANNOTATIONS,
  ...EXTERNAL_AUTH_ANNOTATIONS,
  ...PASSTHROUGH_ANNOTATIONS,
  ...NOT_YET,
  ...SLUICE_ANNOTATIONS,
]);

const BY_NAME: ReadonlyMap<string, AnnotationEntry> = new Map(ANNOTATION_REGISTRY.map((entry) => [entry.name, entry]));

export function annotationEntry(name: string): AnnotationEntry | undefined {
  return BY_NAME.get(name);
}
