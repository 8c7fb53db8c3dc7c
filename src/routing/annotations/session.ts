// Sessions and balancing, after ingress-nginx internal/ingress/annotations/sessionaffinity/main.go
// (cookie affinity, INGRESSCOOKIE by default, balanced|persistent modes), upstreamhashby/main.go
// (nginx variables on a consistent-hash ring) and loadbalancing/main.go (round_robin, ewma).

import type { HashKeyPart } from '../policy-types.ts';
import type { PolicyDraft } from './draft.ts';
import { type AnnotationEntry, invalid, NGINX } from './registry-types.ts';
import { isHeaderValue, parseGoBoolean, parseInteger } from './values.ts';

const COOKIE_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,128}$/;

const needsAffinity = { name: `${NGINX}affinity`, enabled: (draft: PolicyDraft) => draft.affinity === 'cookie' };

const FIXED_VARIABLES: Readonly<Record<string, HashKeyPart>> = {
  request_uri: { from: 'uri' },
  uri: { from: 'path' },
  args: { from: 'query' },
  query_string: { from: 'query' },
  host: { from: 'host' },
  remote_addr: { from: 'client-address' },
  binary_remote_addr: { from: 'client-address' },
  request_method: { from: 'method' },
  // nginx: the user name of an `Authorization: Basic` header (auth-cache-key examples use it).
  remote_user: { from: 'remote-user' },
};

const VARIABLE = /\$\{?([a-z_][a-z0-9_]*)\}?/gi;

/** "$request_uri", "$http_x_user$cookie_id", "user-$arg_id" → key parts; null for an unknown variable. */
export function parseHashKey(text: string): HashKeyPart[] | null {
  const parts: HashKeyPart[] = [];
  let last = 0;
  for (const found of text.matchAll(VARIABLE)) {
    if (found.index > last) parts.push({ from: 'text', text: text.slice(last, found.index) });
    const name = found[1].toLowerCase();
    const fixed = FIXED_VARIABLES[name];
    if (fixed !== undefined) parts.push(fixed);
    else if (name.startsWith('http_') && name.length > 5)
      parts.push({ from: 'header', name: name.slice(5).replaceAll('_', '-') });
    else if (name.startsWith('cookie_') && name.length > 7) parts.push({ from: 'cookie', name: found[1].slice(7) });
    else if (name.startsWith('arg_') && name.length > 4) parts.push({ from: 'arg', name: found[1].slice(4) });
    else return null;
    last = found.index + found[0].length;
  }
  if (last < text.length) parts.push({ from: 'text', text: text.slice(last) });
  return parts.some((part) => part.from !== 'text') ? parts : null;
}

export const SESSION_ANNOTATIONS: readonly AnnotationEntry[] = [
  {
    name: `${NGINX}affinity`,
    family: 'session',
    status: 'supported',
    doc: '"cookie": a client keeps its endpoint, pinned by a cookie the edge sets.',
    apply(value, draft, field) {
      if (value !== 'cookie') return invalid('"cookie"');
      draft.affinity = 'cookie';
      draft.cookie.field = field;
      return null;
    },
  },
  {
    name: `${NGINX}affinity-mode`,
    family: 'session',
    status: 'partial',
    doc: '"persistent": a client keeps its endpoint while it exists; "balanced" is served the same (sessions are not redistributed on scale-up).',
    apply(value, draft) {
      if (value !== 'balanced' && value !== 'persistent') return invalid('"balanced" or "persistent"');
      draft.cookie.mode = value;
      return value === 'balanced'
        ? { partial: 'served as "persistent": sessions are not redistributed when endpoints are added' }
        : null;
    },
    requires: needsAffinity,
  },
  {
    name: `${NGINX}session-cookie-name`,
    family: 'session',
    status: 'supported',
    doc: 'The affinity cookie name (default INGRESSCOOKIE).',
    apply(value, draft) {
      if (!COOKIE_NAME.test(value)) return invalid('a cookie name');
      draft.cookie.cookie = value;
      return null;
    },
    requires: needsAffinity,
  },
  {
    name: `${NGINX}session-cookie-path`,
    family: 'session',
    status: 'supported',
    doc: 'Path attribute of the affinity cookie (default: the route path).',
    apply(value, draft) {
      if (!value.startsWith('/') || !isHeaderValue(value) || /[;\s]/.test(value)) return invalid('a path such as "/"');
      draft.cookie.path = value;
      return null;
    },
    requires: needsAffinity,
  },
  {
    name: `${NGINX}session-cookie-max-age`,
    family: 'session',
    status: 'supported',
    doc: 'Max-Age attribute of the affinity cookie, in seconds.',
    apply(value, draft) {
      const parsed = parseInteger(value, 0, 1_000_000_000);
      if (!parsed.ok) return invalid(parsed.expected);
      draft.cookie.maxAgeSeconds = parsed.value;
      return null;
    },
    requires: needsAffinity,
  },
  {
    name: `${NGINX}session-cookie-expires`,
    family: 'session',
    status: 'supported',
    doc: 'Expires attribute of the affinity cookie, in seconds from now.',
    apply(value, draft) {
      const parsed = parseInteger(value, 0, 1_000_000_000);
      if (!parsed.ok) return invalid(parsed.expected);
      draft.cookie.expiresSeconds = parsed.value;
      return null;
    },
    requires: needsAffinity,
  },
  {
    name: `${NGINX}session-cookie-secure`,
    family: 'session',
    status: 'supported',
    doc: 'Secure attribute of the affinity cookie.',
    apply(value, draft) {
      const parsed = parseGoBoolean(value);
      if (!parsed.ok) return invalid(parsed.expected);
      draft.cookie.secure = parsed.value;
      return null;
    },
    requires: needsAffinity,
  },
  {
    name: `${NGINX}session-cookie-samesite`,
    family: 'session',
    status: 'supported',
    doc: 'SameSite attribute of the affinity cookie: None, Lax or Strict.',
    apply(value, draft) {
      if (value !== 'None' && value !== 'Lax' && value !== 'Strict') return invalid('"None", "Lax" or "Strict"');
      draft.cookie.sameSite = value;
      return null;
    },
    requires: needsAffinity,
  },
  {
    name: `${NGINX}session-cookie-change-on-failure`,
    family: 'session',
    status: 'supported',
    doc: 'A pinned endpoint that is gone or ejected is always replaced for the request (with or without this); the cookie is only rewritten when it names no endpoint.',
    apply(value, draft) {
      const parsed = parseGoBoolean(value);
      if (!parsed.ok) return invalid(parsed.expected);
      draft.cookie.changeOnFailure = parsed.value;
      return null;
    },
    requires: needsAffinity,
  },
  {
    name: `${NGINX}upstream-hash-by`,
    family: 'session',
    status: 'supported',
    doc: 'Consistent hashing on a key of nginx variables ($request_uri, $remote_addr, $http_x_*, $cookie_*, $arg_*).',
    apply(value, draft, field) {
      const key = value.length <= 256 ? parseHashKey(value) : null;
      if (key === null)
        return invalid(
          'a key of nginx variables such as "$request_uri" or "$http_x_user$cookie_id" (known: $request_uri, $uri, $args, $host, $remote_addr, $request_method, $http_*, $cookie_*, $arg_*)',
        );
      draft.hashBy = { key, field };
      return null;
    },
  },
  {
    name: `${NGINX}load-balance`,
    family: 'session',
    status: 'supported',
    doc: '"round_robin", or "ewma" (served as least-request).',
    apply(value, draft) {
      if (value === 'round_robin') draft.balance = 'round-robin';
      else if (value === 'ewma') draft.balance = 'least-request';
      else return invalid('"round_robin" or "ewma"');
      return null;
    },
  },
];
