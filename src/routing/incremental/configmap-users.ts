// Which Ingresses (by store id) name which ConfigMap ("namespace/name"): a ConfigMap change translates
// exactly those again, since their routes' header policies are read from it.
import { referencedConfigMapKeys } from '../configmap-references.ts';
import type { KubeObject } from '../types.ts';

export class ConfigMapUsers {
  readonly #byIngress = new Map<string, readonly string[]>();
  readonly #byConfigMap = new Map<string, Set<string>>();

  /** The Ingress of store id `id` is now `object` (null: removed). */
  setIngress(id: string, object: KubeObject | null): void {
    const before = this.#byIngress.get(id) ?? [];
    const after = object === null ? [] : referencedConfigMapKeys(object);
    for (const key of before) {
      const users = this.#byConfigMap.get(key);
      users?.delete(id);
      if (users?.size === 0) this.#byConfigMap.delete(key);
    }
    for (const key of after) {
      let users = this.#byConfigMap.get(key);
      if (users === undefined) this.#byConfigMap.set(key, (users = new Set()));
      users.add(id);
    }
    if (after.length === 0) this.#byIngress.delete(id);
    else this.#byIngress.set(id, after);
  }

  /** Adds the ids of the Ingresses naming ConfigMap `key` to `ids`. */
  addUsers(key: string, ids: Set<string>): void {
    const users = this.#byConfigMap.get(key);
    if (users !== undefined) for (const id of users) ids.add(id);
  }
}
