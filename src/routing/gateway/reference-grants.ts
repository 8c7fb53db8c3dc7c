// ReferenceGrant (v1 and v1beta1, same spec): a reference from another namespace is allowed only when
// a grant in the target's namespace lists the referrer (group, kind, namespace) in `from` and the
// target (group, kind, optional name) in `to`. Removing the grant revokes it at the next build.
// Upstream: conformance/tests/httproute-reference-grant.go, gateway-secret-reference-grant-specific.go.

import { readArray, readString } from '../kube-read.ts';
import type { Named } from '../object-index.ts';

interface Grant {
  readonly from: readonly { group: string; kind: string; namespace: string }[];
  readonly to: readonly { group: string; kind: string; name: string | null }[];
}

export interface GroupKind {
  readonly group: string;
  readonly kind: string;
}

export class ReferenceGrants {
  /** Target namespace → its grants. */
  readonly #byNamespace = new Map<string, Grant[]>();

  constructor(grants: Iterable<Named>) {
    for (const named of grants) {
      const spec = named.object.spec;
      const from = (readArray(spec, 'from') ?? []).map((entry) => ({
        group: readString(entry, 'group') ?? '',
        kind: readString(entry, 'kind') ?? '',
        namespace: readString(entry, 'namespace') ?? '',
      }));
      const to = (readArray(spec, 'to') ?? []).map((entry) => ({
        group: readString(entry, 'group') ?? '',
        kind: readString(entry, 'kind') ?? '',
        name: readString(entry, 'name') || null,
      }));
      const list = this.#byNamespace.get(named.ref.namespace) ?? [];
      list.push({ from, to });
      this.#byNamespace.set(named.ref.namespace, list);
    }
  }

  /** Whether `from` (in namespace `fromNamespace`) may refer to `to` named `name` in `toNamespace`. */
  allows(from: GroupKind, fromNamespace: string, to: GroupKind, toNamespace: string, name: string): boolean {
    if (fromNamespace === toNamespace) return true;
    for (const grant of this.#byNamespace.get(toNamespace) ?? []) {
      const fromOk = grant.from.some(
        (f) => f.group === from.group && f.kind === from.kind && f.namespace === fromNamespace,
      );
      if (!fromOk) continue;
      if (grant.to.some((t) => t.group === to.group && t.kind === to.kind && (t.name === null || t.name === name)))
        return true;
    }
    return false;
  }
}
