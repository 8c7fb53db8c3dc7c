// backendRefs[].filters (HTTPRouteBackendRequestHeaderModification): a RequestHeaderModifier applied only to
// the requests sent to that backend, after the rule's own header edits. Other per-backend filter types are
// reported and not applied.
// Upstream: conformance/tests/httproute-request-header-modifier-backend-weights.go.

import { readArray, readRecord, readString } from '../kube-read.ts';
import { NO_TRAFFIC } from '../no-traffic.ts';
import type { HeaderEdits } from '../policy-types.ts';
import { problem } from '../problems.ts';
import type { RoutePolicy } from '../types.ts';
import type { BackendContext } from './backend-refs.ts';
import { headerEdits } from './filters.ts';

/** The backendRef's RequestHeaderModifier edits (several are applied in order), or null. */
export function backendRequestHeaders(raw: unknown, at: string, context: BackendContext): HeaderEdits | null {
  let edits: HeaderEdits | null = null;
  (readArray(raw, 'filters') ?? []).forEach((filter, index) => {
    const field = `${at}.filters[${index}]`;
    const type = readString(filter, 'type') ?? '';
    if (type !== 'RequestHeaderModifier') {
      const message = `per-backend filter ${JSON.stringify(type)} is not supported; it is not applied`;
      context.problems.push(problem('GatewayFilterUnsupported', context.route.ref, field, message));
      return;
    }
    const next = headerEdits(readRecord(filter, 'requestHeaderModifier'), field);
    edits = edits === null ? next : appendEdits(edits, next);
  });
  return edits;
}

function appendEdits(first: HeaderEdits, then: HeaderEdits): HeaderEdits {
  const add = [...(first.add ?? []), ...(then.add ?? [])];
  return {
    set: [...first.set, ...then.set],
    remove: [...first.remove, ...then.remove],
    ...(add.length > 0 ? { add } : {}),
    field: first.field,
  };
}

/** The rule's policy with a backend's own request header edits after its own. */
export function policyForBackend(policy: RoutePolicy, edits: HeaderEdits): RoutePolicy {
  const traffic = policy.traffic ?? NO_TRAFFIC;
  const own = traffic.requestHeaders;
  return { ...policy, traffic: { ...traffic, requestHeaders: own === null ? edits : appendEdits(own, edits) } };
}
