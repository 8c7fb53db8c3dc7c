// Header policies: custom-headers (a ConfigMap of response headers, after ingress-nginx
// internal/ingress/annotations/customheaders/main.go), auth-proxy-set-headers (a ConfigMap of headers for
// the auth subrequest, authreq/main.go) and the snippets' safe header lines. The ConfigMaps themselves are
// read once the annotations are (configmap-headers.ts).

import { isDnsLabel } from '../backends.ts';
import { type AnnotationEntry, invalid, NGINX } from './registry-types.ts';
import { applySnippet } from './snippets.ts';

function isConfigMapRef(value: string): boolean {
  const parts = value.split('/');
  return (
    parts.length <= 2 && parts.every((part) => isDnsLabel(part) || /^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/.test(part))
  );
}

export const HEADER_ANNOTATIONS: readonly AnnotationEntry[] = [
  {
    name: `${NGINX}custom-headers`,
    family: 'headers',
    status: 'supported',
    doc: 'Every key of the ConfigMap ("name" or "namespace/name", in the Ingress namespace) is a response header set on every answer of the routes; a change to the ConfigMap applies at once.',
    apply(value, draft, field) {
      if (!isConfigMapRef(value)) return invalid('a ConfigMap reference "namespace/name"');
      draft.customHeadersConfigMap = { name: value, field };
      return null;
    },
  },
  {
    name: `${NGINX}auth-proxy-set-headers`,
    family: 'auth',
    status: 'supported',
    doc: 'Every key of the ConfigMap ("name" or "namespace/name", in the Ingress namespace) is a header set on the request to the auth-url service.',
    requires: { name: `${NGINX}auth-url`, enabled: (draft) => draft.externalAuth.url !== null },
    apply(value, draft, field) {
      if (!isConfigMapRef(value)) return invalid('a ConfigMap reference "namespace/name"');
      draft.authHeadersConfigMap = { name: value, field };
      return null;
    },
  },
  {
    name: `${NGINX}configuration-snippet`,
    family: 'snippets',
    status: 'partial',
    doc: 'Never executed; more_set_headers, more_clear_headers, add_header and proxy_set_header lines become header edits, any other line is unsupported.',
    apply: applySnippet,
  },
  {
    name: `${NGINX}server-snippet`,
    family: 'snippets',
    status: 'partial',
    doc: 'As configuration-snippet, for every route of the Ingress.',
    apply: applySnippet,
  },
  {
    name: `${NGINX}auth-snippet`,
    family: 'snippets',
    status: 'unsupported',
    doc: 'Never executed: the auth-url request is made from the annotations alone.',
    apply: null,
  },
  {
    name: `${NGINX}stream-snippet`,
    family: 'snippets',
    status: 'unsupported',
    doc: 'Never executed: sluice serves HTTP only, no TCP/UDP streams.',
    apply: null,
  },
];
