// The objects an incremental build reads, stored by kind as changes come in, and what one batch of changes
// touched (the build redoes only that).

import type { KubeObject } from '../types.ts';
import { ConfigMapUsers } from './configmap-users.ts';
import { KindIndex } from './kind-index.ts';

/** The kinds an Ingress build reads (Gateway API objects are built in full, by routing/gateway/). */
export type ObjectKind = 'ingressClasses' | 'ingresses' | 'services' | 'endpointSlices' | 'secrets' | 'configMaps';

/** One object stored, replaced or (object null) removed; `id` is its key in the caller's store. */
export interface ObjectChange {
  readonly kind: ObjectKind;
  readonly id: string;
  readonly object: KubeObject | null;
}

/** What one batch of changes touched. */
export interface TouchedKeys {
  /** Ids of the Ingresses changed (a new class selection adds every other one). */
  readonly ingressIds: Set<string>;
  readonly serviceKeys: ReadonlySet<string>;
  readonly sliceKeys: ReadonlySet<string>;
  readonly classesChanged: boolean;
  readonly secretsChanged: boolean;
  /** Ids of the Ingresses naming a ConfigMap that changed: translated again even if they did not change. */
  readonly configMapUserIds: ReadonlySet<string>;
}

export class ObjectStore {
  readonly classes = new KindIndex('IngressClass', false);
  /** Every Ingress, owned or not: a new class selection judges them all again. */
  readonly ingresses = new Map<string, KubeObject>();
  readonly services = new KindIndex('Service', true);
  readonly slices = new KindIndex('EndpointSlice', true);
  readonly secrets = new KindIndex('Secret', true);
  readonly configMaps = new KindIndex('ConfigMap', true);
  readonly #configMapUsers = new ConfigMapUsers();

  /** Stores `changes` (in order; a later change of one id wins). */
  take(changes: Iterable<ObjectChange>): TouchedKeys {
    const ingressIds = new Set<string>();
    const serviceKeys = new Set<string>();
    const sliceKeys = new Set<string>();
    const unused = new Set<string>();
    let classesChanged = false;
    let secretsChanged = false;
    const configMapKeys = new Set<string>();
    for (const change of changes) {
      const { id, object } = change;
      if (change.kind === 'ingresses') {
        if (object === null) this.ingresses.delete(id);
        else this.ingresses.set(id, object);
        this.#configMapUsers.setIngress(id, object);
        ingressIds.add(id);
      } else if (change.kind === 'ingressClasses') {
        this.classes.set(id, object, unused);
        classesChanged = true;
      } else if (change.kind === 'services') this.services.set(id, object, serviceKeys);
      else if (change.kind === 'endpointSlices') this.slices.set(id, object, sliceKeys);
      else if (change.kind === 'secrets') {
        this.secrets.set(id, object, unused);
        secretsChanged = true;
      } else if (change.kind === 'configMaps') this.configMaps.set(id, object, configMapKeys);
    }
    // After every write, so an Ingress written in the same batch as its ConfigMap is found by its latest names.
    const configMapUserIds = new Set<string>();
    for (const key of configMapKeys) this.#configMapUsers.addUsers(key, configMapUserIds);
    for (const id of configMapUserIds) ingressIds.add(id);
    return { ingressIds, serviceKeys, sliceKeys, classesChanged, secretsChanged, configMapUserIds };
  }
}
