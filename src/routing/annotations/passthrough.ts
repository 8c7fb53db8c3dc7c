// ssl-passthrough, after ingress-nginx internal/ingress/annotations/sslpassthrough/main.go: a boolean; the
// whole host is then served by TLS passthrough (its path rules do not apply: the edge never sees HTTP).

import { type AnnotationEntry, invalid, NGINX } from './registry-types.ts';

export const PASSTHROUGH_ANNOTATIONS: readonly AnnotationEntry[] = [
  {
    name: `${NGINX}ssl-passthrough`,
    family: 'tls',
    status: 'supported',
    doc: '"true": TLS connections for the host go as raw TCP to the backend of its "/" rule (the pod terminates TLS).',
    apply(value, draft) {
      const lower = value.toLowerCase();
      if (lower !== 'true' && lower !== 'false') return invalid('"true" or "false"');
      draft.sslPassthrough = lower === 'true';
      return null;
    },
  },
];
