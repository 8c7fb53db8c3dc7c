// The ServiceCatalog of endpoints.ts, kept up to date: a Service or one of its EndpointSlices changing
// replaces that Service's entry (so its collected endpoints are gathered again) and nothing else.

import { SERVICE_NAME_LABEL, type ServiceCatalog, type ServiceEntry } from '../endpoints.ts';
import { readLabel } from '../kube-read.ts';
import type { Named } from '../object-index.ts';

/** "namespace/name" of a Service. */
export type ServiceKey = string;

export class IncrementalCatalog {
  readonly #catalog = new Map<string, Map<string, ServiceEntry>>();
  readonly #services = new Map<ServiceKey, Named>();
  /** Slices by the Service their label names (whether or not it exists), then by slice key. */
  readonly #slices = new Map<ServiceKey, Map<string, Named>>();
  /** The Service each stored slice is filed under, to move it when its label changes. */
  readonly #sliceService = new Map<string, ServiceKey>();

  get catalog(): ServiceCatalog {
    return this.#catalog;
  }

  /** For readDefaultBackendFlag: Services by "namespace/name". */
  get services(): ReadonlyMap<ServiceKey, Named> {
    return this.#services;
  }

  setService(key: ServiceKey, named: Named | undefined, changed: Set<ServiceKey>): void {
    if (named === undefined) this.#services.delete(key);
    else this.#services.set(key, named);
    changed.add(key);
  }

  setSlice(key: string, named: Named | undefined, changed: Set<ServiceKey>): void {
    const before = this.#sliceService.get(key);
    if (before !== undefined) {
      const filed = this.#slices.get(before);
      filed?.delete(key);
      if (filed?.size === 0) this.#slices.delete(before);
      this.#sliceService.delete(key);
      changed.add(before);
    }
    if (named === undefined) return;
    const service = readLabel(named.object, SERVICE_NAME_LABEL);
    if (service === null || service === '') return;
    const serviceKey = `${named.ref.namespace}/${service}`;
    let filed = this.#slices.get(serviceKey);
    if (filed === undefined) {
      filed = new Map();
      this.#slices.set(serviceKey, filed);
    }
    filed.set(key, named);
    this.#sliceService.set(key, serviceKey);
    changed.add(serviceKey);
  }

  /** Makes fresh catalog entries for `changed` Services (after all their objects are set). */
  refresh(changed: Iterable<ServiceKey>): void {
    for (const key of changed) {
      const named = this.#services.get(key);
      const slash = key.indexOf('/');
      const namespace = key.slice(0, slash);
      let byName = this.#catalog.get(namespace);
      if (named === undefined) {
        byName?.delete(key.slice(slash + 1));
        if (byName?.size === 0) this.#catalog.delete(namespace);
        continue;
      }
      if (byName === undefined) {
        byName = new Map();
        this.#catalog.set(namespace, byName);
      }
      const slices = this.#slices.get(key);
      byName.set(named.ref.name, { named, slices: slices === undefined ? null : [...slices.values()], ports: null });
    }
  }
}
