// Objects watched whole but kept with their data only while an Ingress annotation names them: Opaque
// Secrets (auth-secret's htpasswd, proxy-ssl-secret's CA; routing/secret-references.ts says which and why)
// and ConfigMaps (custom-headers, auth-proxy-set-headers; routing/configmap-references.ts). "Secret" below
// stands for either kind.
//
// Design, so memory and exposure stay bounded by what Ingresses reference:
// - The informer's store holds every object of the kind with its data dropped at the boundary (before it
//   is stored): it is only the index of which objects exist.
// - `kept` holds the data of the referenced ones. A Secret that arrives (list or watch event) while an
//   Ingress names it is copied into `kept` before its data is dropped from the stored object.
// - When an Ingress starts naming a Secret the store holds without data, that one Secret is re-read at once
//   with a list narrowed to its name (fieldSelector metadata.name: the list verb RBAC already grants, no get),
//   rather than waiting for a relist. The answer is used only if the Secret is still referenced, still in
//   the store and not meanwhile delivered by the watch (which is as new or newer): a slow answer never
//   brings back old or deleted data. A failed re-read is retried with the informer backoff.
// - When no Ingress names a Secret any more, its data leaves `kept` at once.
// The Ingress informers start first, so their list usually lands before this one's and a start-up re-reads
// few Secrets one by one (those whose Ingress was listed after them).
import type { KubeConfig } from '@kubernetes/client-node';
import type { KubeObject } from '../routing/types.ts';
import { Backoff, type BackoffPolicy } from '../util/backoff.ts';
import type { Logger } from '../util/logger.ts';
import { createInformer, type Informer, informerBackoff } from './informer.ts';
import { errorMessage, kubeJson } from './kube-http.ts';
import { collectionPath, type WatchedResource } from './resources.ts';
import { trimObject } from './trim-object.ts';

/** What differs between the kinds kept this way. */
export interface ReferencedKind {
  readonly resource: WatchedResource;
  readonly apiVersion: string;
  /** "namespace/name" of the objects of this kind an Ingress (or another referrer of `kind`) names. */
  readonly references: (kind: string, referrer: KubeObject) => string[];
  /** The fields dropped from unnamed objects (their data). */
  readonly dataFields: readonly string[];
}

export interface ReferencedObjectsOptions {
  readonly kubeConfig: KubeConfig;
  /** [null] for every namespace. */
  readonly namespaces: readonly (string | null)[];
  readonly log: Logger;
  readonly backoff?: BackoffPolicy;
  /** After every change to the store or to the kept data. */
  readonly onChange: () => void;
  /** A kept Secret's data changed ("namespace/name", the Secret or null when no longer kept). */
  readonly onKept: (key: string, secret: KubeObject | null) => void;
}

export class ReferencedObjects {
  readonly informers: readonly Informer[];
  readonly #options: ReferencedObjectsOptions;
  readonly #kind: ReferencedKind;
  /** Referrer "kind namespace/name" → the Secret keys it names. */
  readonly #byIngress = new Map<string, readonly string[]>();
  /** Secret key → how many Ingresses name it. */
  readonly #references = new Map<string, number>();
  readonly #kept = new Map<string, KubeObject>();
  readonly #rereading = new Set<string>();
  readonly #retries = new Map<string, NodeJS.Timeout>();
  #keptObjects: readonly KubeObject[] = Object.freeze([]);
  #keptDirty = false;
  #stopped = false;

  constructor(options: ReferencedObjectsOptions, kind: ReferencedKind) {
    this.#options = options;
    this.#kind = kind;
    this.informers = options.namespaces.map((namespace) =>
      createInformer({
        kubeConfig: options.kubeConfig,
        resource: kind.resource,
        namespace,
        log: options.log,
        backoff: options.backoff,
        onChange: options.onChange,
        transform: (object) => this.#arrived(object),
        onObject: (object, deleted) => {
          if (deleted) this.#drop(secretKey(object));
        },
      }),
    );
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    for (const timer of this.#retries.values()) clearTimeout(timer);
    this.#retries.clear();
    await Promise.all(this.informers.map((informer) => informer.stop()));
  }

  /**
   * No re-read in flight: a snapshot taken now holds every named object the store knows. A failed re-read
   * waiting for its retry does not count, so an unreadable object cannot hold the source unsynced.
   */
  settled(): boolean {
    return this.#rereading.size === 0;
  }

  /** The kept Secrets (with data), the same frozen array until the next change. */
  objects(): readonly KubeObject[] {
    if (this.#keptDirty) {
      this.#keptObjects = Object.freeze([...this.#kept.values()]);
      this.#keptDirty = false;
    }
    return this.#keptObjects;
  }

  /** Every Ingress change goes through here: it updates which Secrets are referenced. */
  ingressChanged(ingress: KubeObject, deleted: boolean): void {
    this.referrerChanged('Ingress', ingress, deleted);
  }

  /** Likewise for another kind that names these objects (a Gateway's parametersRef names a ConfigMap). */
  referrerChanged(kind: string, referrer: KubeObject, deleted: boolean): void {
    const id = `${kind} ${secretKey(referrer)}`;
    const before = this.#byIngress.get(id) ?? [];
    const after = deleted ? [] : this.#kind.references(kind, referrer);
    if (after.length === 0) this.#byIngress.delete(id);
    else this.#byIngress.set(id, after);
    for (const key of after) {
      if (before.includes(key)) continue;
      const count = this.#references.get(key) ?? 0;
      this.#references.set(key, count + 1);
      if (count === 0) this.#reread(key);
    }
    for (const key of before) {
      if (after.includes(key)) continue;
      const count = (this.#references.get(key) ?? 1) - 1;
      if (count > 0) {
        this.#references.set(key, count);
        continue;
      }
      this.#references.delete(key);
      this.#drop(key);
    }
  }

  /** At the informer boundary: copy the data of a referenced Secret, then drop it from what the store holds. */
  #arrived(object: KubeObject): void {
    const mutable = object as Record<string, unknown>;
    if (typeof (mutable.metadata as { name?: unknown } | undefined)?.name !== 'string') return;
    const key = secretKey(object);
    if (this.#references.has(key)) this.#keep(key, { ...mutable });
    for (const field of this.#kind.dataFields) delete mutable[field];
  }

  #keep(key: string, secret: KubeObject): void {
    this.#kept.set(key, secret);
    this.#keptDirty = true;
    this.#options.onKept(key, secret);
  }

  #drop(key: string): void {
    const timer = this.#retries.get(key);
    if (timer !== undefined) clearTimeout(timer);
    this.#retries.delete(key);
    if (!this.#kept.delete(key)) return;
    this.#keptDirty = true;
    this.#options.onKept(key, null);
    this.#options.onChange();
  }

  #stored(key: string): KubeObject | undefined {
    const slash = key.indexOf('/');
    for (const informer of this.informers) {
      const found = informer.get(key.slice(0, slash), key.slice(slash + 1));
      if (found !== undefined) return found;
    }
    return undefined;
  }

  /** A newly referenced Secret the store holds without data: read that one Secret again. */
  #reread(key: string, backoff?: Backoff): void {
    if (this.#stopped || this.#kept.has(key) || this.#rereading.has(key) || this.#stored(key) === undefined) return;
    this.#rereading.add(key);
    const slash = key.indexOf('/');
    const namespace = key.slice(0, slash);
    const resource = this.#kind.resource;
    const name = `metadata.name=${key.slice(slash + 1)}`;
    const selector = resource.fieldSelector === null ? name : `${resource.fieldSelector},${name}`;
    const path = `${collectionPath(resource, namespace)}?fieldSelector=${encodeURIComponent(selector)}`;
    kubeJson(this.#options.kubeConfig, { method: 'GET', path })
      .then((body) => {
        this.#rereading.delete(key);
        const items = (body as { items?: unknown } | null)?.items;
        const secret = Array.isArray(items) ? (items[0] as Record<string, unknown> | undefined) : undefined;
        if (this.#stopped || !this.#references.has(key) || this.#kept.has(key) || this.#stored(key) === undefined)
          return;
        if (typeof secret !== 'object' || secret === null) return;
        secret.kind ??= resource.kind;
        secret.apiVersion ??= this.#kind.apiVersion;
        trimObject(secret);
        this.#keep(key, secret);
        this.#options.onChange();
      })
      .catch((error: unknown) => {
        this.#rereading.delete(key);
        if (this.#stopped || !this.#references.has(key)) return;
        const retry = backoff ?? new Backoff(this.#options.backoff ?? informerBackoff);
        const delayMs = retry.next();
        const log = { object: `${resource.kind} ${key}`, err: errorMessage(error), retryInMs: delayMs };
        this.#options.log.warn(log, 'referenced object re-read failed');
        this.#retries.set(
          key,
          setTimeout(() => {
            this.#retries.delete(key);
            this.#reread(key, retry);
          }, delayMs),
        );
      });
  }
}

/** "namespace/name", as the informer's store keys it. */
function secretKey(object: KubeObject): string {
  const metadata = object.metadata as { namespace?: unknown; name?: unknown } | undefined;
  return `${String(metadata?.namespace ?? '')}/${String(metadata?.name ?? '')}`;
}
