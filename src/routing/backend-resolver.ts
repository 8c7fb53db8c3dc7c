// Resolves each backend key once per build and records which ones the table uses, so the endpoint
// index holds exactly the backends a request can reach.

import type { BackendRef } from './backends.ts';
import { resolveBackend, type Resolution } from './endpoints.ts';
import type { Named } from './object-index.ts';
import { problem } from './problems.ts';
import type { BackendEndpoints, BackendKey, ObjectRef, Problem } from './types.ts';

const FIELD_SUFFIX: Readonly<Record<string, string>> = {
  ServiceNotFound: '.service.name',
  ServiceExternalNameInvalid: '.service.name',
  ServicePortNotFound: '.service.port',
  NoReadyEndpoints: '.service',
};

export class BackendResolver {
  readonly #services: ReadonlyMap<string, Named>;
  readonly #slicesByService: ReadonlyMap<string, readonly Named[]>;
  readonly #problems: Problem[];
  readonly #resolved = new Map<BackendKey, Resolution>();
  readonly #used = new Map<BackendKey, BackendEndpoints>();

  constructor(services: ReadonlyMap<string, Named>, slicesByService: ReadonlyMap<string, readonly Named[]>, problems: Problem[]) {
    this.#services = services;
    this.#slicesByService = slicesByService;
    this.#problems = problems;
  }

  /** Resolves `ref` and reports its problem against `source` at `field` (the backend's own field). */
  check(ref: BackendRef, source: ObjectRef, field: string): Resolution {
    let resolution = this.#resolved.get(ref.key);
    if (resolution === undefined) {
      resolution = resolveBackend(ref, this.#services, this.#slicesByService);
      this.#resolved.set(ref.key, resolution);
    }
    const found = resolution.problem;
    if (found !== null) {
      const suffix = source.kind === 'Ingress' ? (FIELD_SUFFIX[found.code] ?? '') : '';
      this.#problems.push(problem(found.code, source, `${field}${suffix}`, found.message));
    }
    return resolution;
  }

  /** Like check, and puts the backend into the endpoint index. */
  use(ref: BackendRef, source: ObjectRef, field: string): void {
    const resolution = this.check(ref, source, field);
    this.#used.set(ref.key, resolution.endpoints);
  }

  /** The endpoint index, sorted by key. */
  index(): Map<BackendKey, BackendEndpoints> {
    return new Map([...this.#used].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)));
  }
}
