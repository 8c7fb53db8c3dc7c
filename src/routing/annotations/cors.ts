// CORS, after ingress-nginx internal/ingress/annotations/cors/main.go: the same defaults (methods,
// headers, credentials true, max-age 1728000), origin lists with one-label wildcards
// ("https://*.example.com"); the edge answers preflights itself (test/e2e/annotations/cors.go).

import type { PolicyDraft } from './draft.ts';
import { type AnnotationEntry, invalid, NGINX } from './registry-types.ts';
import { parseGoBoolean, parseInteger, splitList } from './values.ts';

const DEFAULT_METHODS = 'GET, PUT, POST, DELETE, PATCH, OPTIONS';
const DEFAULT_HEADERS =
  'DNT,Keep-Alive,User-Agent,X-Requested-With,If-Modified-Since,Cache-Control,Content-Type,Range,Authorization';
const DEFAULT_MAX_AGE = 1_728_000;

const ORIGIN = /^https?:\/\/(\*\.)?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*(:\d{1,5})?$/;
const METHODS = /^[A-Za-z]+(\s*,\s*[A-Za-z]+)*$/;
const HEADERS = /^[A-Za-z0-9_-]+(\s*,\s*[A-Za-z0-9_-]+)*$/;

function cors(draft: PolicyDraft, field: string) {
  draft.cors ??= {
    allowOrigins: ['*'],
    allowMethods: DEFAULT_METHODS,
    allowHeaders: DEFAULT_HEADERS,
    exposeHeaders: '',
    allowCredentials: true,
    maxAgeSeconds: DEFAULT_MAX_AGE,
    field,
  };
  return draft.cors;
}

const needsCors = { name: `${NGINX}enable-cors`, enabled: (draft: PolicyDraft) => draft.corsEnabled };

export const CORS_ANNOTATIONS: readonly AnnotationEntry[] = [
  {
    name: `${NGINX}enable-cors`,
    family: 'cors',
    status: 'supported',
    doc: 'Adds CORS headers to answers and answers preflight (OPTIONS) requests at the edge.',
    apply(value, draft, field) {
      const parsed = parseGoBoolean(value);
      if (!parsed.ok) return invalid(parsed.expected);
      draft.corsEnabled = parsed.value;
      cors(draft, field).field = field;
      return null;
    },
  },
  {
    name: `${NGINX}cors-allow-origin`,
    family: 'cors',
    status: 'supported',
    doc: 'Allowed origins: "*", or a comma-separated list of origins, "https://*.example.com" for one label.',
    apply(value, draft, field) {
      const origins = splitList(value);
      const good = origins.length > 0 && origins.every((origin) => origin === '*' || ORIGIN.test(origin));
      if (!good)
        return invalid('"*" or a comma-separated list of origins such as "https://a.example, https://*.b.example"');
      cors(draft, field).allowOrigins = origins.includes('*') ? ['*'] : origins.map((o) => o.toLowerCase());
      return null;
    },
    requires: needsCors,
  },
  {
    name: `${NGINX}cors-allow-methods`,
    family: 'cors',
    status: 'supported',
    doc: 'Access-Control-Allow-Methods of preflight answers.',
    apply(value, draft, field) {
      if (!METHODS.test(value)) return invalid('a comma-separated list of methods such as "GET, POST"');
      cors(draft, field).allowMethods = value;
      return null;
    },
    requires: needsCors,
  },
  {
    name: `${NGINX}cors-allow-headers`,
    family: 'cors',
    status: 'supported',
    doc: 'Access-Control-Allow-Headers of preflight answers.',
    apply(value, draft, field) {
      if (!HEADERS.test(value)) return invalid('a comma-separated list of header names');
      cors(draft, field).allowHeaders = value;
      return null;
    },
    requires: needsCors,
  },
  {
    name: `${NGINX}cors-expose-headers`,
    family: 'cors',
    status: 'supported',
    doc: 'Access-Control-Expose-Headers of answers.',
    apply(value, draft, field) {
      if (value !== '*' && !HEADERS.test(value)) return invalid('"*" or a comma-separated list of header names');
      cors(draft, field).exposeHeaders = value;
      return null;
    },
    requires: needsCors,
  },
  {
    name: `${NGINX}cors-allow-credentials`,
    family: 'cors',
    status: 'supported',
    doc: 'Access-Control-Allow-Credentials (default true, as ingress-nginx).',
    apply(value, draft, field) {
      const parsed = parseGoBoolean(value);
      if (!parsed.ok) return invalid(parsed.expected);
      cors(draft, field).allowCredentials = parsed.value;
      return null;
    },
    requires: needsCors,
  },
  {
    name: `${NGINX}cors-max-age`,
    family: 'cors',
    status: 'supported',
    doc: 'Access-Control-Max-Age of preflight answers, in seconds (default 1728000).',
    apply(value, draft, field) {
      const parsed = parseInteger(value, 0, 100_000_000);
      if (!parsed.ok) return invalid(parsed.expected);
      cors(draft, field).maxAgeSeconds = parsed.value;
      return null;
    },
    requires: needsCors,
  },
];
