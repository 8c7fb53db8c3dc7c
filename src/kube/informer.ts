import {
  ListWatch,
  Watch,
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
} from '@kubernetes/client-node';
import type { KubeObject } from '../routing/types.ts';
import type { Logger } from '../util/logger.ts';
import { Backoff, type BackoffPolicy } from '../util/backoff.ts';
import { errorMessage, kubeJson } from './kube-http.ts';
import { collectionPath, type WatchedResource } from './resources.ts';
import { trimObject } from './trim-object.ts';

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
  const { kubeConfig, resource, log } = options;
  const namespace = resource.namespaced ? options.namespace : null;
  const name = namespace === null ? resource.name : `${resource.name}@${namespace}`;
  const path = collectionPath(resource, namespace);
  const listPath =
    resource.fieldSelector === null ? path : `${path}?fieldSelector=${encodeURIComponent(resource.fieldSelector)}`;
  const backoff = new Backoff(options.backoff ?? informerBackoff);
  const itemKind = resource.kind;
  const itemApiVersion = resource.groupVersion.replace(/^\/apis?\//, '');

  let stopped = true;
  let listed = false;
  let dirty = true;
  let cached = noObjects;
  let restarts = 0;
  let lastError: string | null = null;
  let lastErrorAt: string | null = null;
  let restartTimer: NodeJS.Timeout | null = null;

  const listFn = async (): Promise<KubernetesListObject<KubernetesObject>> => {
    if (stopped) throw abortError();
    const body = await kubeJson(kubeConfig, { method: 'GET', path: listPath });
    const list = asList(body, listPath);
    for (const item of list.items) {
      // Items of a list carry no kind/apiVersion; watch events do. Give the routing core one shape.
      item.kind ??= itemKind;
      item.apiVersion ??= itemApiVersion;
      trimObject(item);
      options.transform?.(item as unknown as KubeObject);
    }
    // ListWatch fills its store synchronously right after this promise settles: by the next
    // macrotask the listed objects are in.
    setImmediate(afterList);
    return list;
  };

  const listWatch = new ListWatch<KubernetesObject>(
    path,
    new StoppableWatch(kubeConfig, () => stopped, options.transform),
    listFn,
    false,
    undefined,
    resource.fieldSelector ?? undefined,
  );

  function changed(): void {
    dirty = true;
    backoff.reset();
    if (!stopped) options.onChange();
  }

  function afterList(): void {
    if (stopped) return;
    if (!listed) log.info({ informer: name, objects: listWatch.list().length }, 'informer synced');
    listed = true;
    changed();
  }

  function failed(error: unknown): void {
    // stop() aborts the watch, and ListWatch reports that abort as an error: not a failure.
    if (stopped || restartTimer !== null) return;
    restarts += 1;
    lastError = errorMessage(error);
    lastErrorAt = new Date().toISOString();
    const delayMs = backoff.next();
    log.warn({ informer: name, err: lastError, restartInMs: delayMs, restarts }, 'informer failed; restarting');
    restartTimer = setTimeout(() => {
      restartTimer = null;
      run();
    }, delayMs);
  }

  function run(): void {
    if (stopped) return;
    listWatch.start().catch(failed);
  }

  const stored = (object: KubernetesObject): void => {
    options.onObject?.(object as unknown as KubeObject, false);
    changed();
  };
  listWatch.on('add', stored);
  listWatch.on('update', stored);
  listWatch.on('delete', (object) => {
    options.onObject?.(object as unknown as KubeObject, true);
    changed();
  });
  listWatch.on('error', failed);

  return {
    name,
    start() {
      if (!stopped) return;
      stopped = false;
      run();
    },
    async stop() {
      stopped = true;
      if (restartTimer !== null) clearTimeout(restartTimer);
      restartTimer = null;
      // A start in flight may still open its watch after this; StoppableWatch closes it at once.
      await listWatch.stop();
    },
    synced: () => listed,
    objects() {
      if (dirty) {
        cached = Object.freeze(listWatch.list() as unknown as KubeObject[]);
        dirty = false;
      }
      return cached;
    },
    get: (objectNamespace, objectName) => listWatch.get(objectName, objectNamespace) as KubeObject | undefined,
    stats() {
      return { name, synced: listed, objects: this.objects().length, restarts, lastError, lastErrorAt };
    },
  };
}

/** A Watch that opens nothing once its informer is stopped (ListWatch may try after stop()). */
class StoppableWatch extends Watch {
  readonly #isStopped: () => boolean;
  readonly #transform: ((object: KubeObject) => void) | undefined;

  constructor(kubeConfig: KubeConfig, isStopped: () => boolean, transform?: (object: KubeObject) => void) {
    super(kubeConfig);
    this.#isStopped = isStopped;
    this.#transform = transform;
  }

  override async watch(
    path: string,
    queryParams: Record<string, string | number | boolean | undefined>,
    callback: (phase: string, apiObj: unknown, watchObj?: unknown) => void,
    done: (err: unknown) => void,
  ): Promise<AbortController> {
    if (this.#isStopped()) {
      const controller = new AbortController();
      controller.abort();
      return controller;
    }
    const trimmed = (phase: string, apiObj: unknown, watchObj?: unknown) => {
      trimObject(apiObj);
      if (this.#transform !== undefined && typeof apiObj === 'object' && apiObj !== null)
        this.#transform(apiObj as KubeObject);
      callback(phase, apiObj, watchObj);
    };
    const controller = await super.watch(path, queryParams, trimmed, done);
    if (this.#isStopped()) controller.abort();
    return controller;
  }
}

function asList(body: unknown, path: string): KubernetesListObject<KubernetesObject> {
  if (typeof body !== 'object' || body === null || !Array.isArray((body as { items?: unknown }).items)) {
    throw new Error(`GET ${path}: the answer is not a list`);
  }
  const list = body as KubernetesListObject<KubernetesObject>;
  // ListWatch would throw on an item without metadata, and stop without telling anyone.
  list.items = list.items.filter(
    (item) => typeof item === 'object' && item !== null && typeof item.metadata === 'object' && item.metadata !== null,
  );
  return list;
}

function abortError(): Error {
  const error = new Error('informer stopped');
  error.name = 'AbortError';
  return error;
}
