// Resolves each backend key once per build and records which ones the table uses, so the endpoint
// index holds exactly the backends a request can reach.

import type { BackendRef } from './backends.ts';
import { resolveBackend, type Resolution, type ServiceCatalog } from './endpoints.ts';
import { problem } from './problems.ts';
import type { BackendEndpoints, BackendKey, ObjectRef, Problem } from './types.ts';

const FIELD_SUFFIX: Readonly<Record<string, string>> = {
  ServiceNotFound: '.service.name',
  ServiceExternalNameInvalid: '.service.name',
  ServicePortNotFound: '.service.port',
  NoReadyEndpoints: '.service',
};

interface Resolved {
  readonly key: BackendKey;
  readonly resolution: Resolution;
  /** Reachable by a request, so it belongs in the endpoint index. */
  used: boolean;
}

export class BackendResolver {
  readonly #catalog: ServiceCatalog;
  readonly #problems: Problem[];
  readonly #resolved = new Map<BackendKey, Resolved>();

  constructor(catalog: ServiceCatalog, problems: Problem[]) {
    this.#catalog = catalog;
    this.#problems = problems;
  }

  /**
   * Resolves `ref` and reports its problem against `source` at the backend's own field, `field + fieldTail`
   * (joined only when there is a problem: most backends have none).
   */
  check(ref: BackendRef, source: ObjectRef, field: string, fieldTail = ''): Resolution {
    return this.#resolve(ref, source, field, fieldTail).resolution;
  }

  /** Like check, and puts the backend into the endpoint index. */
  use(ref: BackendRef, source: ObjectRef, field: string, fieldTail = ''): void {
    this.#resolve(ref, source, field, fieldTail).used = true;
  }

  /**
   * The endpoint index of the used backends, in the order the table first uses them (hosts in table
   * order, then routes in precedence order): as deterministic as the table, and no sort of every key.
   */
  index(): Map<BackendKey, BackendEndpoints> {
    const index = new Map<BackendKey, BackendEndpoints>();
    for (const resolved of this.#resolved.values())
      if (resolved.used) index.set(resolved.key, resolved.resolution.endpoints);
    return index;
  }

  #resolve(ref: BackendRef, source: ObjectRef, field: string, fieldTail: string): Resolved {
    let resolved = this.#resolved.get(ref.key);
    if (resolved === undefined) {
      resolved = { key: ref.key, resolution: resolveBackend(ref, this.#catalog), used: false };
      this.#resolved.set(ref.key, resolved);
    }
    const found = useProblem(resolved.resolution, source, field, fieldTail);
    if (found !== null) this.#problems.push(found);
    return resolved;
  }
}

/** The problem one use of a backend reports (at the backend's own field), or null when it is usable. */
export function useProblem(
  resolution: Resolution,
  source: ObjectRef,
  field: string,
  fieldTail: string,
): Problem | null {
  const found = resolution.problem;
  if (found === null) return null;
  // An annotation (default-backend) names only a Service: its field is the annotation itself.
  const suffix = source.kind === 'Ingress' && !field.startsWith('metadata.') ? (FIELD_SUFFIX[found.code] ?? '') : '';
  return problem(found.code, source, field + fieldTail + suffix, found.message);
}
