// Route backendRefs (and mirror refs): a Service in the route's namespace, or in another one a
// ReferenceGrant allows. An unusable ref keeps its weight and answers 500 (spec: HTTPBackendRef).
// Upstream: conformance/tests/httproute-invalid-nonexistent-backendref.go,
// httproute-invalid-backendref-unknown-kind.go, httproute-invalid-cross-namespace-backend-ref.go,
// httproute-invalid-reference-grant.go, httproute-partially-invalid-via-invalid-reference-grant.go.

import type { BackendResolver } from '../backend-resolver.ts';
import type { BackendRefs, BackendRef } from '../backends.ts';
import { readString, readValue } from '../kube-read.ts';
import type { Named } from '../object-index.ts';
import { problem } from '../problems.ts';
import type { Problem } from '../types.ts';
import type { Verdict } from './conditions.ts';
import type { ReferenceGrants } from './reference-grants.ts';
import { GATEWAY_GROUP, type RouteKind } from './types.ts';

export interface BackendContext {
  readonly route: Named;
  readonly kind: RouteKind;
  readonly refs: BackendRefs;
  readonly resolver: BackendResolver;
  readonly grants: ReferenceGrants;
  readonly problems: Problem[];
  /** The route's ResolvedRefs: the first failure found wins. */
  resolvedRefs: Verdict | null;
  /** Set when the route must not be accepted at all (spec: ReplacePrefixMatch without a PathPrefix match). */
  rejected: string | null;
}

const SERVICE = { group: '', kind: 'Service' };

/** The usable BackendRef, or null (the failure recorded on the context). */
export function resolveBackendRef(raw: unknown, field: string, context: BackendContext): BackendRef | null {
  const group = readString(raw, 'group') ?? '';
  const kind = readString(raw, 'kind') ?? 'Service';
  const name = readString(raw, 'name') ?? '';
  const namespace = readString(raw, 'namespace') ?? context.route.ref.namespace;
  const port = readValue(raw, 'port');
  const fail = (reason: string, message: string): null => {
    context.resolvedRefs ??= [false, reason, message];
    context.problems.push(problem('GatewayBackendInvalid', context.route.ref, field, message));
    return null;
  };
  if ((group !== '' && group !== 'core') || kind !== 'Service')
    return fail('InvalidKind', `backendRef kind ${group === '' ? '' : `${group}/`}${kind} is not supported`);
  const from = { group: GATEWAY_GROUP, kind: context.kind };
  if (!context.grants.allows(from, context.route.ref.namespace, SERVICE, namespace, name))
    return fail('RefNotPermitted', `no ReferenceGrant in ${namespace} allows Service ${name}`);
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535)
    return fail('UnsupportedValue', 'backendRef port must be a number from 1 to 65535');
  const ref = context.refs.get(namespace, name, port);
  const problemCount = context.problems.length;
  const resolution = context.resolver.check(ref, context.route.ref, field);
  const code = resolution.problem?.code;
  if (code === 'ServiceNotFound' || code === 'ServicePortNotFound') {
    context.problems.length = problemCount; // reported once, as the Gateway problem below
    return fail('BackendNotFound', resolution.problem?.message ?? 'backend not found');
  }
  context.resolver.use(ref, context.route.ref, field);
  return ref;
}
