import type { KubeConfig, KubernetesListObject, KubernetesObject } from '@kubernetes/client-node';
import { ListWatch } from '@kubernetes/client-node/dist/cache.js';
import type { KubeObject } from '../routing/types.ts';
import type { Logger } from '../util/logger.ts';
import { Backoff, type BackoffPolicy } from '../util/backoff.ts';
import { fetchList, type ListRequest } from './informer-list.ts';
import { errorMessage } from './kube-http.ts';
import { collectionPath, type WatchedResource } from './resources.ts';
import { StoppableWatch } from './stoppable-watch.ts';

/** What the status page shows of one informer. */
export interface InformerStats {
  /** "ingresses", or "ingresses@team-a" when watching one namespace. */
  readonly name: string;
  readonly synced: boolean;
  readonly objects: number;
  /** How many times it was restarted after an error. */
  readonly restarts: number;
  readonly lastError: string | null;
  /** ISO time of lastError. */
  readonly lastErrorAt: string | null;
}

export interface Informer {
  readonly name: string;
  start(): void;
  stop(): Promise<void>;
  /** True once the first list is in (stays true across restarts and relists). */
  synced(): boolean;
  /** The store's objects. The same frozen array until the next change: callers may keep it. */
  objects(): readonly KubeObject[];
  get(namespace: string, name: string): KubeObject | undefined;
  stats(): InformerStats;
}

export interface InformerOptions {
  readonly kubeConfig: KubeConfig;
  readonly resource: WatchedResource;
  /** null: all namespaces (always null for cluster-scoped kinds). */
  readonly namespace: string | null;
  readonly log: Logger;
  /** Called after every change to the store, and once the first list is in. */
  readonly onChange: () => void;
  /** Called first, with the object stored or (deleted true) removed, for every change to the store. */
  readonly onObject?: (object: KubeObject, deleted: boolean) => void;
  /** Applied to every object at the boundary, before the store holds it (e.g. to drop data nobody reads). */
  readonly transform?: (object: KubeObject) => void;
  /** Default: 250 ms doubling to 8 s, jittered by up to half: after an API outage a watch is back within seconds. */
  readonly backoff?: BackoffPolicy;
}

export const informerBackoff: BackoffPolicy = Object.freeze({ initialMs: 250, maxMs: 8_000, factor: 2, jitter: 0.5 });

const noObjects: readonly KubeObject[] = Object.freeze([]);

/**
 * A client-node ListWatch that never gives up. client-node relists by itself on 410 and re-watches
 * when the server closes a watch, but stops for good on any other error (refused, 500, 401...);
 * here every such error restarts it after a capped, jittered backoff, keeping the store and its
 * resourceVersion so that the restart resumes the watch (or relists if that version has expired).
 */
export function createInformer(options: InformerOptions): Informer {
  return new RestartingInformer(options);
}

class RestartingInformer implements Informer {
  readonly name: string;
  readonly #options: InformerOptions;
  readonly #listRequest: ListRequest;
  readonly #backoff: Backoff;
  readonly #listWatch: ListWatch<KubernetesObject>;
  #stopped = true;
  #listed = false;
  /** The store changed since #cached was frozen. */
  #dirty = true;
  #cached = noObjects;
  #restarts = 0;
  #lastError: string | null = null;
  #lastErrorAt: string | null = null;
  #restartTimer: NodeJS.Timeout | null = null;

  constructor(options: InformerOptions) {
    const { kubeConfig, resource } = options;
    const namespace = resource.namespaced ? options.namespace : null;
    this.name = namespace === null ? resource.name : `${resource.name}@${namespace}`;
    this.#options = options;
    this.#backoff = new Backoff(options.backoff ?? informerBackoff);
    const path = collectionPath(resource, namespace);
    this.#listRequest = {
      kubeConfig,
      listPath: withSelectors(path, resource),
      itemKind: resource.kind,
      itemApiVersion: resource.groupVersion.replace(/^\/apis?\//, ''),
      transform: options.transform,
    };
    this.#listWatch = new ListWatch<KubernetesObject>(
      path,
      new StoppableWatch(kubeConfig, () => this.#stopped, options.transform),
      () => this.#list(),
      false,
      resource.labelSelector,
      resource.fieldSelector ?? undefined,
    );
    this.#followStore();
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#run();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#restartTimer !== null) clearTimeout(this.#restartTimer);
    this.#restartTimer = null;
    // A start in flight may still open its watch after this; StoppableWatch closes it at once.
    await this.#listWatch.stop();
  }

  synced(): boolean {
    return this.#listed;
  }

  objects(): readonly KubeObject[] {
    if (this.#dirty) {
      this.#cached = Object.freeze(this.#listWatch.list() as unknown as KubeObject[]);
      this.#dirty = false;
    }
    return this.#cached;
  }

  get(namespace: string, name: string): KubeObject | undefined {
    return this.#listWatch.get(name, namespace) as KubeObject | undefined;
  }

  stats(): InformerStats {
    return {
      name: this.name,
      synced: this.#listed,
      objects: this.objects().length,
      restarts: this.#restarts,
      lastError: this.#lastError,
      lastErrorAt: this.#lastErrorAt,
    };
  }

  #followStore(): void {
    const onObject = this.#options.onObject;
    const stored = (object: KubernetesObject): void => {
      onObject?.(object as unknown as KubeObject, false);
      this.#changed();
    };
    this.#listWatch.on('add', stored);
    this.#listWatch.on('update', stored);
    this.#listWatch.on('delete', (object) => {
      onObject?.(object as unknown as KubeObject, true);
      this.#changed();
    });
    this.#listWatch.on('error', (error) => this.#failed(error));
  }

  async #list(): Promise<KubernetesListObject<KubernetesObject>> {
    if (this.#stopped) throw abortError();
    const list = await fetchList(this.#listRequest);
    // ListWatch fills its store synchronously right after this promise settles: by the next
    // macrotask the listed objects are in.
    setImmediate(() => this.#afterList());
    return list;
  }

  #changed(): void {
    this.#dirty = true;
    this.#backoff.reset();
    if (!this.#stopped) this.#options.onChange();
  }

  #afterList(): void {
    if (this.#stopped) return;
    if (!this.#listed)
      this.#options.log.info({ informer: this.name, objects: this.#listWatch.list().length }, 'informer synced');
    this.#listed = true;
    this.#changed();
  }

  #failed(error: unknown): void {
    // stop() aborts the watch, and ListWatch reports that abort as an error: not a failure.
    if (this.#stopped || this.#restartTimer !== null) return;
    this.#restarts += 1;
    const lastError = errorMessage(error);
    this.#lastError = lastError;
    this.#lastErrorAt = new Date().toISOString();
    const delayMs = this.#backoff.next();
    this.#options.log.warn(
      { informer: this.name, err: lastError, restartInMs: delayMs, restarts: this.#restarts },
      'informer failed; restarting',
    );
    this.#restartTimer = setTimeout(() => {
      this.#restartTimer = null;
      this.#run();
    }, delayMs);
  }

  #run(): void {
    if (this.#stopped) return;
    this.#listWatch.start().catch((error: unknown) => this.#failed(error));
  }
}

function abortError(): Error {
  const error = new Error('informer stopped');
  error.name = 'AbortError';
  return error;
}

function withSelectors(path: string, resource: WatchedResource): string {
  const query = new URLSearchParams();
  if (resource.labelSelector !== undefined) query.set('labelSelector', resource.labelSelector);
  if (resource.fieldSelector !== null) query.set('fieldSelector', resource.fieldSelector);
  const text = query.toString();
  return text === '' ? path : `${path}?${text}`;
}
