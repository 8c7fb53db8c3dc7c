// Redirects, after ingress-nginx internal/ingress/annotations/redirect/redirect.go (permanent-redirect
// +code, temporal-redirect, from-to-www-redirect), approot/main.go and sslredirect handling in
// rewrite/main.go (ssl-redirect, force-ssl-redirect).

import { type AnnotationEntry, invalid, NGINX } from './registry-types.ts';
import { isHeaderValue, parseGoBoolean, parseInteger } from './values.ts';

/** An absolute http(s) URL without control characters or spaces. */
function isRedirectUrl(value: string): boolean {
  return /^https?:\/\/[^\s]+$/i.test(value) && value.length <= 2048 && isHeaderValue(value);
}

const URL_EXPECTED = 'an absolute http:// or https:// URL';

export const REDIRECT_ANNOTATIONS: readonly AnnotationEntry[] = [
  {
    name: `${NGINX}permanent-redirect`,
    family: 'redirect',
    status: 'supported',
    doc: 'Every request is answered with a redirect to this URL (301, or permanent-redirect-code).',
    apply(value, draft, field) {
      if (!isRedirectUrl(value)) return invalid(URL_EXPECTED);
      draft.permanentRedirect = { kind: 'url', location: value, status: 301, field };
      return null;
    },
  },
  {
    name: `${NGINX}permanent-redirect-code`,
    family: 'redirect',
    status: 'supported',
    doc: 'The status of permanent-redirect, 300 to 308.',
    apply(value, draft) {
      const parsed = parseInteger(value, 300, 308);
      if (!parsed.ok) return invalid(parsed.expected);
      draft.permanentCode = parsed.value;
      return null;
    },
    requires: { name: `${NGINX}permanent-redirect`, enabled: (draft) => draft.permanentRedirect !== null },
  },
  {
    name: `${NGINX}temporal-redirect`,
    family: 'redirect',
    status: 'supported',
    doc: 'Every request is answered with a 302 redirect to this URL (permanent-redirect wins when both are set).',
    apply(value, draft, field) {
      if (!isRedirectUrl(value)) return invalid(URL_EXPECTED);
      draft.temporalRedirect = { kind: 'url', location: value, status: 302, field };
      return null;
    },
  },
  {
    name: `${NGINX}app-root`,
    family: 'redirect',
    status: 'supported',
    doc: 'Requests for "/" are redirected (302) to this path.',
    apply(value, draft, field) {
      if (!/^\/[^\s?#]*$/.test(value) || value.length > 2048 || !isHeaderValue(value))
        return invalid('an absolute path such as "/app"');
      draft.appRoot = { kind: 'app-root', location: value, status: 302, field };
      return null;
    },
  },
  {
    name: `${NGINX}from-to-www-redirect`,
    family: 'redirect',
    status: 'supported',
    doc: 'Requests for www.<host> (or <host> when the rule is www.<host>) are redirected (308) to the rule host, unless another Ingress serves that host.',
    apply(value, draft) {
      const parsed = parseGoBoolean(value);
      if (!parsed.ok) return invalid(parsed.expected);
      draft.wwwRedirect = parsed.value;
      return null;
    },
  },
  {
    name: `${NGINX}ssl-redirect`,
    family: 'redirect',
    status: 'supported',
    doc: 'false: plain HTTP is served even when the host has TLS (default: redirected to HTTPS).',
    apply(value, draft) {
      const parsed = parseGoBoolean(value);
      if (!parsed.ok) return invalid(parsed.expected);
      draft.sslRedirect ??= parsed.value;
      return null;
    },
  },
  {
    name: `${NGINX}force-ssl-redirect`,
    family: 'redirect',
    status: 'supported',
    doc: 'true: plain HTTP is redirected to HTTPS even when the host has no TLS section.',
    apply(value, draft) {
      const parsed = parseGoBoolean(value);
      if (!parsed.ok) return invalid(parsed.expected);
      draft.forceSslRedirect = parsed.value;
      return null;
    },
  },
];
