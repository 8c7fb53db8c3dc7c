import type { KubeConfig } from '@kubernetes/client-node';
import type { KubeObject, Snapshot } from '../routing/types.ts';
import type { BackoffPolicy } from '../util/backoff.ts';
import type { Logger } from '../util/logger.ts';
import { type GatewayApiListKey, type ServedKind, servedGatewayApiKinds } from './gateway-api-discovery.ts';
import { createInformer, type Informer, type InformerStats } from './informer.ts';
import { errorMessage } from './kube-http.ts';
import type { WatchedResource } from './resources.ts';

export interface GatewayApiWatchOptions {
  readonly kubeConfig: KubeConfig;
  readonly log: Logger;
  /** The namespaces namespaced kinds are watched in; [null] is all. */
  readonly namespaces: readonly (string | null)[];
  readonly onChange: () => void;
  /** Every object an informer stores or removes, with its kind ('Gateway', 'GatewayClass', ...). */
  readonly onObject?: (kind: string, object: KubeObject, deleted: boolean) => void;
  /** How often discovery is asked again (a missing CRD may be installed later, an installed one removed). */
  readonly recheckMs: number;
  readonly backoff?: BackoffPolicy;
}

/** The Gateway API part of the snapshot (docs/gateway-api-snapshot.md). */
export type GatewayApiLists = Pick<Snapshot, GatewayApiListKey>;

export interface GatewayApiWatch {
  start(): void;
  stop(): Promise<void>;
  /** True once discovery answered (or failed) and every informer it started has listed: readiness never waits on a missing CRD. */
  settled(): boolean;
  /** True while the Gateway API group is served. */
  installed(): boolean;
  /** Empty while the CRDs are absent. */
  lists(): GatewayApiLists;
  stats(): readonly InformerStats[];
  find(kind: string, namespace: string, name: string): KubeObject | undefined;
}

interface Running {
  readonly key: GatewayApiListKey;
  readonly resource: WatchedResource;
  readonly informers: readonly Informer[];
}

/**
 * Watches the Gateway API kinds only while discovery serves them (gateway-api-discovery.ts). Asks now and
 * every `recheckMs`; starts an informer per served kind and stops it when the kind goes away. Absence and
 * errors are logged once per change, never per check.
 */
export function createGatewayApiWatch(options: GatewayApiWatchOptions): GatewayApiWatch {
  return new DiscoveredGatewayApiWatch(options);
}

class DiscoveredGatewayApiWatch implements GatewayApiWatch {
  readonly #options: GatewayApiWatchOptions;
  readonly #log: Logger;
  /** Resource name → its informers. */
  readonly #running = new Map<string, Running>();
  #stopped = true;
  #checked = false;
  #present = false;
  #lastReport = '';
  #timer: NodeJS.Timeout | null = null;

  constructor(options: GatewayApiWatchOptions) {
    this.#options = options;
    this.#log = options.log.child({ component: 'gateway-api' });
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#loop();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    await Promise.all(this.#all().map((informer) => informer.stop()));
    this.#running.clear();
  }

  settled(): boolean {
    return this.#checked && this.#all().every((informer) => informer.synced());
  }

  installed(): boolean {
    return this.#present;
  }

  lists(): GatewayApiLists {
    const lists: Partial<Record<GatewayApiListKey, readonly KubeObject[]>> = {};
    for (const entry of this.#running.values()) lists[entry.key] = objectsOf(entry.informers);
    return lists;
  }

  stats(): readonly InformerStats[] {
    return this.#all().map((informer) => informer.stats());
  }

  find(kind: string, namespace: string, name: string): KubeObject | undefined {
    for (const entry of this.#running.values()) {
      if (entry.resource.kind !== kind) continue;
      for (const informer of entry.informers) {
        const found = informer.get(entry.resource.namespaced ? namespace : '', name);
        if (found !== undefined) return found;
      }
    }
    return undefined;
  }

  #loop(): void {
    void this.#check()
      .catch((error: unknown) => this.#report('Gateway API check failed', 'warn', { err: errorMessage(error) }))
      .finally(() => {
        if (this.#stopped) return;
        this.#timer = setTimeout(() => this.#loop(), this.#options.recheckMs);
        this.#timer.unref();
      });
  }

  async #check(): Promise<void> {
    const wanted = await servedGatewayApiKinds(this.#options.kubeConfig);
    if (this.#stopped) return;
    const first = !this.#checked;
    this.#checked = true;
    // The source may have been waiting for this first answer to call itself synced.
    if (first) this.#options.onChange();
    if (wanted instanceof Error) {
      this.#report('Gateway API discovery failed; will look again', 'warn', { err: wanted.message });
      return;
    }
    this.#present = wanted.length > 0;
    if (!this.#present) this.#report('Gateway API CRDs are not installed; Gateways and routes are not watched', 'info');
    else this.#report('Gateway API CRDs found; watching', 'info', { kinds: wanted.map(([, r]) => r.name) });
    await this.#reconcile(wanted);
  }

  async #reconcile(wanted: readonly ServedKind[]): Promise<void> {
    const changed = await this.#stopGone(new Set(wanted.map(([, resource]) => resource.name)));
    for (const [key, resource] of wanted) {
      if (this.#running.has(resource.name) || this.#stopped) continue;
      this.#startWatching(key, resource);
    }
    if (changed && !this.#stopped) this.#options.onChange();
  }

  /** Stops the informers of kinds no longer served; true when there were any. */
  async #stopGone(served: ReadonlySet<string>): Promise<boolean> {
    let changed = false;
    for (const [name, entry] of this.#running) {
      if (served.has(name)) continue;
      this.#running.delete(name);
      changed = true;
      await Promise.all(entry.informers.map((informer) => informer.stop()));
    }
    return changed;
  }

  #startWatching(key: GatewayApiListKey, resource: WatchedResource): void {
    const { kubeConfig, onChange, backoff } = this.#options;
    const scopes = resource.namespaced ? this.#options.namespaces : [null];
    const onObject = this.#options.onObject;
    const informers = scopes.map((namespace) =>
      createInformer({
        kubeConfig,
        resource,
        namespace,
        log: this.#log,
        onChange,
        backoff,
        ...(onObject === undefined
          ? {}
          : { onObject: (object: KubeObject, deleted: boolean) => onObject(resource.kind, object, deleted) }),
      }),
    );
    this.#running.set(resource.name, { key, resource, informers });
    for (const informer of informers) informer.start();
  }

  #report(text: string, level: 'info' | 'warn', fields: Record<string, unknown> = {}): void {
    if (text === this.#lastReport) return;
    this.#lastReport = text;
    this.#log[level]({ ...fields, recheckMs: this.#options.recheckMs }, text);
  }

  #all(): Informer[] {
    return [...this.#running.values()].flatMap((entry) => entry.informers);
  }
}

function objectsOf(informers: readonly Informer[]): readonly KubeObject[] {
  if (informers.length === 1) return informers[0].objects();
  return Object.freeze(informers.flatMap((informer) => informer.objects()));
}
