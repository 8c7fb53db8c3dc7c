// Backend uses, kept up to date: who uses which backend key (a host's routes and default, the global
// default, an Ingress's default backend check), each key resolved once and again only when its Service
// or that Service's EndpointSlices change. The endpoint index is copied on write, never mutated once
// published; an endpoint change touches the keys of one Service and the problems of their users only.

import type { BackendRef } from '../backends.ts';
import { useProblem } from '../backend-resolver.ts';
import { resolveBackend, type Resolution } from '../endpoints.ts';
import { compareHosts } from '../build.ts';
import { compareAge, type IngressDraft } from '../ingress-translate.ts';
import type { BackendEndpoints, BackendKey, HostKind, ObjectRef, Problem } from '../types.ts';
import type { IncrementalCatalog, ServiceKey } from './service-catalog.ts';

/** Shared by every owner with no problems (most), so none holds an empty list of its own. */
export const NO_PROBLEMS: readonly Problem[] = Object.freeze([]);

export interface BackendUse {
  readonly ref: BackendRef;
  readonly source: ObjectRef;
  /** The backend's own field is field + tail, joined only for a problem (most uses have none). */
  readonly field: string;
  readonly tail: string;
  /** In the endpoint index (reachable by a request), or only checked. */
  readonly used: boolean;
}

/**
 * Where an owner's uses come in a build (hosts in table order, then the global default, then each Ingress's
 * check, oldest first): a build resolves a key by its first use, which matters only in the rare case
 * where two refs with one key differ in their defect (the default-backend flag's and an Ingress's).
 */
export type OwnerOrder =
  | { readonly tier: 0; readonly host: { readonly kind: HostKind; readonly host: string } }
  | { readonly tier: 1 }
  | { readonly tier: 2; readonly age: Pick<IngressDraft, 'created' | 'named'> };

function compareOwners(a: OwnerOrder, b: OwnerOrder): number {
  if (a.tier !== b.tier) return a.tier - b.tier;
  if (a.tier === 0 && b.tier === 0) return compareHosts(a.host, b.host);
  if (a.tier === 2 && b.tier === 2) return compareAge(a.age, b.age);
  return 0;
}

function sameDefect(a: BackendRef, b: BackendRef): boolean {
  return a === b || (a.defect?.state === b.defect?.state && a.defect?.reason === b.defect?.reason);
}

/** Something that uses backends and reports problems: a host, the global default, an Ingress's check. */
export interface UseOwner {
  readonly order: OwnerOrder;
  /** Its own problems (e.g. route conflicts of a host). */
  problems: readonly Problem[];
  uses: readonly BackendUse[];
  /** The problems of its uses, kept by the index. */
  useProblems: readonly Problem[];
}

interface KeyState {
  /** The ref of the key's first use in build order. */
  ref: BackendRef;
  resolution: Resolution;
  readonly owners: Map<UseOwner, number>;
  /** Uses that put it in the endpoint index. */
  usedBy: number;
}

function serviceOf(ref: BackendRef): ServiceKey {
  return `${ref.namespace}/${ref.service}`;
}

export class BackendIndex {
  readonly #catalog: IncrementalCatalog;
  readonly #keys = new Map<BackendKey, KeyState>();
  readonly #byService = new Map<ServiceKey, Set<BackendKey>>();
  #endpoints = new Map<BackendKey, BackendEndpoints>();
  #endpointsChanged = false;
  /** Keys held by refs that differ in their defect. */
  readonly #mixed = new Set<BackendKey>();
  /** Told when an owner's useProblems change (so the builder re-gathers problems). */
  readonly #onProblems: (owner: UseOwner) => void;

  constructor(catalog: IncrementalCatalog, onProblems: (owner: UseOwner) => void) {
    this.#catalog = catalog;
    this.#onProblems = onProblems;
  }

  /** Replaces the uses of `owner` (an empty list forgets it). */
  setUses(owner: UseOwner, uses: readonly BackendUse[]): void {
    for (const use of owner.uses) this.#release(owner, use);
    owner.uses = uses;
    for (const use of uses) this.#hold(owner, use);
    this.#updateProblems(owner);
  }

  /** Resolves again the keys of Services whose object or slices changed. */
  refreshServices(changed: Iterable<ServiceKey>): void {
    const owners = new Set<UseOwner>();
    for (const service of changed) {
      for (const key of this.#byService.get(service) ?? []) {
        const state = this.#keys.get(key);
        if (state === undefined) continue;
        const before = state.resolution.problem;
        state.resolution = resolveBackend(state.ref, this.#catalog.catalog);
        const after = state.resolution.problem;
        if (state.usedBy > 0) this.#setEndpoints(key, state.resolution.endpoints);
        if (before?.code === after?.code && before?.message === after?.message) continue;
        for (const owner of state.owners.keys()) owners.add(owner);
      }
    }
    for (const owner of owners) this.#updateProblems(owner);
  }

  /** The endpoint index to publish (after all uses are set): the same object until a used key's endpoints change. */
  endpoints(): ReadonlyMap<BackendKey, BackendEndpoints> {
    for (const key of this.#mixed) this.#settle(key);
    // The next write copies it first: a published index is never changed.
    this.#endpointsChanged = false;
    return this.#endpoints;
  }

  /** Resolves a mixed key by its first use in build order, as a build would. */
  #settle(key: BackendKey): void {
    const state = this.#keys.get(key);
    if (state === undefined) {
      this.#mixed.delete(key);
      return;
    }
    let first: { order: OwnerOrder; ref: BackendRef } | null = null;
    for (const owner of state.owners.keys()) {
      if (first !== null && compareOwners(first.order, owner.order) <= 0) continue;
      const use = owner.uses.find((each) => each.ref.key === key);
      if (use !== undefined) first = { order: owner.order, ref: use.ref };
    }
    if (first === null || sameDefect(first.ref, state.ref)) return;
    state.ref = first.ref;
    state.resolution = resolveBackend(state.ref, this.#catalog.catalog);
    if (state.usedBy > 0) this.#setEndpoints(key, state.resolution.endpoints);
    for (const owner of state.owners.keys()) this.#updateProblems(owner);
  }

  #hold(owner: UseOwner, use: BackendUse): void {
    const key = use.ref.key;
    let state = this.#keys.get(key);
    if (state === undefined) {
      state = {
        ref: use.ref,
        resolution: resolveBackend(use.ref, this.#catalog.catalog),
        owners: new Map(),
        usedBy: 0,
      };
      this.#keys.set(key, state);
      const service = serviceOf(use.ref);
      let keys = this.#byService.get(service);
      if (keys === undefined) {
        keys = new Set();
        this.#byService.set(service, keys);
      }
      keys.add(key);
    }
    if (!sameDefect(state.ref, use.ref)) this.#mixed.add(key);
    state.owners.set(owner, (state.owners.get(owner) ?? 0) + 1);
    if (use.used && state.usedBy++ === 0) this.#setEndpoints(key, state.resolution.endpoints);
  }

  #release(owner: UseOwner, use: BackendUse): void {
    const key = use.ref.key;
    const state = this.#keys.get(key);
    if (state === undefined) return;
    const count = (state.owners.get(owner) ?? 1) - 1;
    if (count === 0) state.owners.delete(owner);
    else state.owners.set(owner, count);
    if (use.used && --state.usedBy === 0) this.#setEndpoints(key, null);
    if (state.owners.size > 0) return;
    this.#keys.delete(key);
    const service = serviceOf(state.ref);
    const keys = this.#byService.get(service);
    keys?.delete(key);
    if (keys?.size === 0) this.#byService.delete(service);
  }

  #setEndpoints(key: BackendKey, endpoints: BackendEndpoints | null): void {
    // Copy once per publish, before the first write after one.
    if (!this.#endpointsChanged) {
      this.#endpoints = new Map(this.#endpoints);
      this.#endpointsChanged = true;
    }
    if (endpoints === null) this.#endpoints.delete(key);
    else this.#endpoints.set(key, endpoints);
  }

  #updateProblems(owner: UseOwner): void {
    const before = owner.useProblems;
    const found: Problem[] = [];
    for (const use of owner.uses) {
      const state = this.#keys.get(use.ref.key);
      if (state === undefined) continue;
      const item = useProblem(state.resolution, use.source, use.field, use.tail);
      if (item !== null) found.push(item);
    }
    if (before.length === 0 && found.length === 0) return;
    owner.useProblems = found.length === 0 ? NO_PROBLEMS : found;
    this.#onProblems(owner);
  }
}
