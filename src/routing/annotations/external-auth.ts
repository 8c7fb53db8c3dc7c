// External authentication annotations, after ingress-nginx internal/ingress/annotations/authreq/main.go:
// auth-url (http or https URL), auth-method, auth-signin (+auth-signin-redirect-param, default "rd"),
// auth-response-headers (comma-separated names), auth-request-redirect, auth-always-set-cookie,
// auth-cache-key (nginx variables) and auth-cache-duration (auth-cache-duration.ts).

import type { PolicyDraft } from './draft.ts';
import { type AnnotationEntry, invalid, NGINX } from './registry-types.ts';
import { isHeaderName, splitList } from './values.ts';
import { parseAuthCacheDurations } from './auth-cache-duration.ts';
import { parseHashKey } from './session.ts';

const METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** An absolute http(s) URL without spaces, quotes or nginx variables. */
function isHttpUrl(value: string): boolean {
  return /^https?:\/\/[^\s"'$<>\\]+$/i.test(value) && value.length <= 2048 && URL.canParse(value);
}

const requiresUrl = { name: `${NGINX}auth-url`, enabled: (draft: PolicyDraft) => draft.externalAuth.url !== null };

export const EXTERNAL_AUTH_ANNOTATIONS: readonly AnnotationEntry[] = [
  {
    name: `${NGINX}auth-url`,
    family: 'auth',
    status: 'supported',
    doc: 'Every request is first sent (headers only) to this URL: 2xx lets it through, 401/403 answer, anything else 500.',
    apply(value, draft, field) {
      if (!isHttpUrl(value)) return invalid('an absolute http:// or https:// URL without nginx variables');
      draft.externalAuth.url = value;
      draft.externalAuth.field = field;
      return null;
    },
  },
  {
    name: `${NGINX}auth-method`,
    family: 'auth',
    status: 'supported',
    doc: 'Method of the auth request (default: the request method).',
    requires: requiresUrl,
    apply(value, draft) {
      const upper = value.toUpperCase();
      if (!METHODS.has(upper)) return invalid(`one of ${[...METHODS].join(', ')}`);
      draft.externalAuth.method = upper;
      return null;
    },
  },
  {
    name: `${NGINX}auth-signin`,
    family: 'auth',
    status: 'supported',
    doc: 'On 401 from the auth service, redirect (302) here with rd=<the original URL>.',
    requires: requiresUrl,
    apply(value, draft) {
      const literal = value.replace(
        /[?&]rd=\$(escaped_request_uri|request_uri|scheme:\/\/\$host\$escaped_request_uri)$/,
        '',
      );
      if (!isHttpUrl(literal) && !/^\/[^\s"'$<>\\]*$/.test(literal)) return invalid('a URL or an absolute path');
      draft.externalAuth.signin = literal;
      return null;
    },
  },
  {
    name: `${NGINX}auth-signin-redirect-param`,
    family: 'auth',
    status: 'supported',
    doc: 'Name of the query parameter carrying the original URL to auth-signin (default "rd").',
    requires: requiresUrl,
    apply(value, draft) {
      if (!/^[A-Za-z0-9_.-]{1,64}$/.test(value)) return invalid('a query parameter name');
      draft.externalAuth.redirectParam = value;
      return null;
    },
  },
  {
    name: `${NGINX}auth-response-headers`,
    family: 'auth',
    status: 'supported',
    doc: "Headers of the auth answer copied onto the request to the pod (the client's own copies are removed).",
    requires: requiresUrl,
    apply(value, draft) {
      const names = splitList(value).map((name) => name.toLowerCase());
      if (names.length === 0 || !names.every(isHeaderName)) return invalid('comma-separated header names');
      draft.externalAuth.responseHeaders = names;
      return null;
    },
  },
  {
    name: `${NGINX}auth-request-redirect`,
    family: 'auth',
    status: 'supported',
    doc: 'Sent to the auth service as X-Auth-Request-Redirect (default: the request URI).',
    requires: requiresUrl,
    apply(value, draft) {
      if (!/^[^\s"'$<>\\]{1,2048}$/.test(value)) return invalid('a URL without nginx variables');
      draft.externalAuth.requestRedirect = value;
      return null;
    },
  },
  {
    name: `${NGINX}auth-always-set-cookie`,
    family: 'auth',
    status: 'supported',
    doc: 'Set-Cookie of the auth answer is passed to the client on every answer (sluice always does).',
    requires: requiresUrl,
    apply(value) {
      const lower = value.toLowerCase();
      if (lower === 'true') return null;
      if (lower === 'false') return { partial: 'sluice passes Set-Cookie from the auth service on every answer' };
      return invalid('"true" or "false"');
    },
  },
  {
    name: `${NGINX}auth-cache-key`,
    family: 'auth',
    status: 'supported',
    doc: 'Answers of the auth service are cached per value of this key of nginx variables ($remote_user, $http_*, $cookie_*…); requests share an answer only when every variable is equal.',
    requires: requiresUrl,
    apply(value, draft) {
      const parts = value.length <= 512 ? parseHashKey(value) : null;
      if (parts === null)
        return invalid(
          'a key with at least one nginx variable such as "$remote_user$http_authorization" or "$cookie__oauth2_proxy" (known: $remote_user, $http_*, $cookie_*, $arg_*, $request_uri, $uri, $args, $host, $remote_addr, $request_method)',
        );
      draft.externalAuth.cacheKey = { text: value, parts };
      return null;
    },
  },
  {
    name: `${NGINX}auth-cache-duration`,
    family: 'auth',
    status: 'supported',
    doc: 'How long cached auth answers are kept, per status: "200 202 401 5m" by default; only 2xx, 401 and 403 answers are cached.',
    requires: { name: `${NGINX}auth-cache-key`, enabled: (draft) => draft.externalAuth.cacheKey !== null },
    apply(value, draft) {
      const parsed = parseAuthCacheDurations(value);
      if (!parsed.ok) return invalid(parsed.expected);
      draft.externalAuth.cacheDurations = parsed.value.durations;
      if (parsed.value.ignored.length > 0)
        return {
          partial: `answers with status ${parsed.value.ignored.join(', ')} are never cached (only 2xx, 401 and 403 are)`,
        };
      return null;
    },
  },
];
