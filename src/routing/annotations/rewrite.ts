// Rewrites and regex paths, after ingress-nginx internal/ingress/annotations/rewrite/main.go,
// upstreamvhost/main.go, xforwardedprefix/main.go and proxy/main.go (proxy-redirect-from/-to).

import { type AnnotationEntry, type ApplyResult, invalid, NGINX } from './registry-types.ts';
import { isHeaderValue, parseGoBoolean } from './values.ts';

const MAX_TARGET = 2048;

function readRewriteTarget(value: string): ApplyResult | string {
  if (value.length === 0 || value.length > MAX_TARGET || !isHeaderValue(value) || /\s/.test(value))
    return invalid('a path up to 2048 characters, with $1..$9 for the path regex captures, such as "/$2"');
  if (/\$(?![1-9])/.test(value))
    return invalid('a path whose only "$" are captures $1..$9 (nginx variables are not read)');
  return value;
}

const HOST = /^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?(:\d{1,5})?$/;

export const REWRITE_ANNOTATIONS: readonly AnnotationEntry[] = [
  {
    name: `${NGINX}rewrite-target`,
    family: 'rewrite',
    status: 'supported',
    doc: 'The path sent upstream, with $1..$9 from the path regex; makes the host match as regex, like ingress-nginx.',
    apply(value, draft, field) {
      const target = readRewriteTarget(value);
      if (typeof target !== 'string') return target;
      draft.rewriteTarget = { target, field };
      return null;
    },
  },
  {
    name: `${NGINX}use-regex`,
    family: 'rewrite',
    status: 'supported',
    doc: 'Paths are RE2 regular expressions: case-insensitive, anchored at the start, longest first, for every path of the host.',
    apply(value, draft) {
      const parsed = parseGoBoolean(value);
      if (!parsed.ok) return invalid(parsed.expected);
      draft.regex = parsed.value;
      return null;
    },
  },
  {
    name: `${NGINX}x-forwarded-prefix`,
    family: 'rewrite',
    status: 'supported',
    doc: 'Sends X-Forwarded-Prefix with this value upstream.',
    apply(value, draft) {
      if (value === '' || !isHeaderValue(value) || value.includes('$'))
        return invalid('a header value without nginx variables, such as "/app"');
      draft.forwardedPrefix = value;
      return null;
    },
  },
  {
    name: `${NGINX}upstream-vhost`,
    family: 'rewrite',
    status: 'supported',
    doc: 'The Host header sent upstream.',
    apply(value, draft) {
      if (!HOST.test(value)) return invalid('a host name, optionally with a port, such as "api.internal:8080"');
      draft.upstreamHost = value;
      return null;
    },
  },
  {
    name: `${NGINX}proxy-redirect-from`,
    family: 'rewrite',
    status: 'supported',
    doc: 'With proxy-redirect-to: Location headers of answers starting with this text are rewritten.',
    apply(value, draft) {
      if (value === '' || !isHeaderValue(value))
        return invalid('the start of a Location header, such as "http://internal/"');
      if (value !== 'off' && value !== 'default') draft.locationFrom = value;
      return null;
    },
  },
  {
    name: `${NGINX}proxy-redirect-to`,
    family: 'rewrite',
    status: 'supported',
    doc: 'The replacement for proxy-redirect-from in Location headers.',
    apply(value, draft) {
      if (value === '' || !isHeaderValue(value))
        return invalid('the start of a Location header, such as "https://example.com/"');
      draft.locationTo = value;
      return null;
    },
    requires: { name: `${NGINX}proxy-redirect-from`, enabled: (draft) => draft.locationFrom !== null },
  },
];
