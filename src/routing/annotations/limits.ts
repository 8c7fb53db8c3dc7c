// Rate and connection limits, after ingress-nginx internal/ingress/annotations/ratelimit/main.go:
// per client address and per replica, burst = rate × limit-burst-multiplier (default 5), refused
// requests get 503 (limit-req-status-code's default), limit-whitelist exempts CIDRs.

import { parseCidrList } from './cidr.ts';
import type { PolicyDraft } from './draft.ts';
import { type AnnotationEntry, type ApplyResult, invalid, NGINX } from './registry-types.ts';
import { parseInteger } from './values.ts';

const MAX_RATE = 1_000_000;

function rate(value: string, draft: PolicyDraft, field: string, set: (n: number) => void): ApplyResult {
  const parsed = parseInteger(value, 1, MAX_RATE);
  if (!parsed.ok) return invalid(parsed.expected);
  set(parsed.value);
  draft.limitField ||= field;
  return null;
}

const needsLimit = {
  name: `${NGINX}limit-rps`,
  enabled: (draft: PolicyDraft) => draft.rps !== null || draft.rpm !== null || draft.connections !== null,
};

export const LIMIT_ANNOTATIONS: readonly AnnotationEntry[] = [
  {
    name: `${NGINX}limit-rps`,
    family: 'limits',
    status: 'supported',
    doc: 'Requests per second per client address (per replica); over the burst, 503.',
    apply: (value, draft, field) => rate(value, draft, field, (n) => (draft.rps = n)),
  },
  {
    name: `${NGINX}limit-rpm`,
    family: 'limits',
    status: 'supported',
    doc: 'Requests per minute per client address (per replica); over the burst, 503.',
    apply: (value, draft, field) => rate(value, draft, field, (n) => (draft.rpm = n)),
  },
  {
    name: `${NGINX}limit-connections`,
    family: 'limits',
    status: 'supported',
    doc: 'Concurrent requests per client address (per replica); over it, 503.',
    apply: (value, draft, field) => rate(value, draft, field, (n) => (draft.connections = n)),
  },
  {
    name: `${NGINX}limit-burst-multiplier`,
    family: 'limits',
    status: 'supported',
    doc: 'Burst size as a multiple of limit-rps / limit-rpm (default 5).',
    apply(value, draft) {
      const parsed = parseInteger(value, 1, 1000);
      if (!parsed.ok) return invalid(parsed.expected);
      draft.burstMultiplier = parsed.value;
      return null;
    },
    requires: needsLimit,
  },
  {
    name: `${NGINX}limit-whitelist`,
    family: 'limits',
    status: 'supported',
    doc: 'Client CIDRs that are never limited.',
    apply(value, draft) {
      const parsed = parseCidrList(value);
      if (!parsed.ok) return invalid(parsed.expected);
      draft.limitExempt = parsed.value;
      return null;
    },
    requires: needsLimit,
  },
];
