// Canary Ingresses, after ingress-nginx internal/ingress/annotations/canary/main.go and
// docs/user-guide/nginx-configuration/annotations.md#canary: a canary Ingress adds its backend to the
// main Ingress's rule of the same host and path; header, then cookie, then weight decide.

import { RE2JS } from 're2js';
import type { PolicyDraft } from './draft.ts';
import { type AnnotationEntry, invalid, NGINX } from './registry-types.ts';
import { isHeaderName, isHeaderValue, parseGoBoolean, parseInteger } from './values.ts';

const needsCanary = { name: `${NGINX}canary`, enabled: (draft: PolicyDraft) => draft.canary.enabled };

/** null when RE2 accepts the pattern, else why not. */
export function re2Problem(pattern: string): string | null {
  try {
    RE2JS.compile(pattern);
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

export const CANARY_ANNOTATIONS: readonly AnnotationEntry[] = [
  {
    name: `${NGINX}canary`,
    family: 'canary',
    status: 'supported',
    doc: 'true: this Ingress is a canary of the main Ingress with the same host and path.',
    apply(value, draft, field) {
      const parsed = parseGoBoolean(value);
      if (!parsed.ok) return invalid(parsed.expected);
      draft.canary.enabled = parsed.value;
      draft.canary.field = field;
      return null;
    },
  },
  {
    name: `${NGINX}canary-by-header`,
    family: 'canary',
    status: 'supported',
    doc: 'Requests with this header "always" go to the canary, "never" to the main backend (else cookie, then weight).',
    apply(value, draft) {
      if (!isHeaderName(value)) return invalid('a header name');
      draft.canary.header = value.toLowerCase();
      return null;
    },
    requires: needsCanary,
  },
  {
    name: `${NGINX}canary-by-header-value`,
    family: 'canary',
    status: 'supported',
    doc: 'With canary-by-header: the header value that selects the canary (instead of "always").',
    apply(value, draft) {
      if (value === '' || !isHeaderValue(value)) return invalid('a header value');
      draft.canary.headerValue = value;
      return null;
    },
    requires: needsCanary,
  },
  {
    name: `${NGINX}canary-by-header-pattern`,
    family: 'canary',
    status: 'supported',
    doc: 'With canary-by-header: an RE2 pattern the header value must match (when no canary-by-header-value).',
    apply(value, draft) {
      if (value === '' || value.length > 1024) return invalid('an RE2 regular expression');
      const why = re2Problem(value);
      if (why !== null) return invalid(`an RE2 regular expression (${why})`);
      draft.canary.headerPattern = value;
      return null;
    },
    requires: needsCanary,
  },
  {
    name: `${NGINX}canary-by-cookie`,
    family: 'canary',
    status: 'supported',
    doc: 'Requests with this cookie "always" go to the canary, "never" to the main backend (else weight).',
    apply(value, draft) {
      if (!isHeaderName(value)) return invalid('a cookie name');
      draft.canary.cookie = value;
      return null;
    },
    requires: needsCanary,
  },
  {
    name: `${NGINX}canary-weight`,
    family: 'canary',
    status: 'supported',
    doc: 'Share of the other requests sent to the canary, out of canary-weight-total.',
    apply(value, draft) {
      const parsed = parseInteger(value, 0, 1_000_000);
      if (!parsed.ok) return invalid(parsed.expected);
      draft.canary.weight = parsed.value;
      return null;
    },
    requires: needsCanary,
  },
  {
    name: `${NGINX}canary-weight-total`,
    family: 'canary',
    status: 'supported',
    doc: 'The total canary-weight is out of (default 100).',
    apply(value, draft) {
      const parsed = parseInteger(value, 1, 1_000_000);
      if (!parsed.ok) return invalid(parsed.expected);
      draft.canary.weightTotal = parsed.value;
      return null;
    },
    requires: needsCanary,
  },
];
