// Client address allow and deny lists, after ingress-nginx internal/ingress/annotations/ipallowlist
// (whitelist-source-range is its older name) and ipdenylist. Checked against the real client
// address, as --trusted-proxies resolves it.

import { parseCidrList } from './cidr.ts';
import type { PolicyDraft } from './draft.ts';
import { type AnnotationEntry, type ApplyResult, invalid, NGINX } from './registry-types.ts';

function allow(value: string, draft: PolicyDraft, field: string): ApplyResult {
  const parsed = parseCidrList(value);
  if (!parsed.ok) return invalid(parsed.expected);
  // allowlist-source-range and whitelist-source-range both present: the union is allowed.
  draft.allow = [...(draft.allow ?? []), ...parsed.value.filter((cidr) => !(draft.allow ?? []).includes(cidr))];
  draft.accessField ||= field;
  return null;
}

export const ACCESS_ANNOTATIONS: readonly AnnotationEntry[] = [
  {
    name: `${NGINX}allowlist-source-range`,
    family: 'access',
    status: 'supported',
    doc: 'Only these client CIDRs (IPv4 and IPv6) are served; others get 403.',
    apply: allow,
  },
  {
    name: `${NGINX}whitelist-source-range`,
    family: 'access',
    status: 'supported',
    doc: 'The older name of allowlist-source-range.',
    apply: allow,
  },
  {
    name: `${NGINX}denylist-source-range`,
    family: 'access',
    status: 'supported',
    doc: 'Clients from these CIDRs get 403 (checked before the allow list).',
    apply(value, draft, field) {
      const parsed = parseCidrList(value);
      if (!parsed.ok) return invalid(parsed.expected);
      draft.deny = parsed.value;
      draft.accessField ||= field;
      return null;
    },
  },
];
