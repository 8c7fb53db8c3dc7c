import type { KubeConfig } from '@kubernetes/client-node';
import type { SnapshotSource } from '../controller/source.ts';
import { EMPTY_SNAPSHOT } from '../routing/empty-snapshot.ts';
import type { ObjectChange, ObjectKind } from '../routing/incremental/object-store.ts';
import type { KubeObject, Snapshot } from '../routing/types.ts';
import type { Logger } from '../util/logger.ts';
import type { BackoffPolicy } from '../util/backoff.ts';
import { createGatewayApiWatch, type GatewayApiWatch } from './gateway-api-watch.ts';
import { createInformer, type Informer, type InformerStats } from './informer.ts';
import { OpaqueSecrets } from './opaque-secrets.ts';
import { PendingChanges } from './pending-changes.ts';
import { ReferencedConfigMaps } from './referenced-configmaps.ts';
import { endpointSlices, ingressClasses, ingresses, services, tlsSecrets, type WatchedResource } from './resources.ts';

export interface KubeSourceOptions {
  readonly kubeConfig: KubeConfig;
  /** --watch-namespace; null (or an empty list) watches every namespace. IngressClasses are always watched cluster-wide. */
  readonly watchNamespaces: readonly string[] | null;
  readonly log: Logger;
  /** Restart backoff of every informer (default 250 ms doubling to 8 s, jittered). */
  readonly backoff?: BackoffPolicy;
  /** How often missing Gateway API CRDs are looked for (--gateway-api-recheck; default 30 s). */
  readonly gatewayApiRecheckMs?: number;
}

export interface KubeSource extends SnapshotSource {
  /** One entry per informer, for the status page. */
  stats(): readonly InformerStats[];
  takeChanges(): ObjectChange[];
  /** The Ingress as the store holds it now (the status writer compares against its status). */
  findIngress(namespace: string, name: string): KubeObject | undefined;
  /** A Gateway API object as the store holds it now (kind 'Gateway', 'HTTPRoute'...; namespace '' when cluster-scoped). */
  findGatewayApiObject(kind: string, namespace: string, name: string): KubeObject | undefined;
}

/** The cluster as a SnapshotSource: one informer per kind (and per namespace when limited). */
export function createKubeSource(options: KubeSourceOptions): KubeSource {
  return new ClusterSource(options);
}

/** The informers of the kinds sluice always watches, one list each. */
interface CoreInformers {
  readonly ingressClasses: readonly Informer[];
  readonly ingresses: readonly Informer[];
  readonly services: readonly Informer[];
  readonly endpointSlices: readonly Informer[];
  readonly secrets: readonly Informer[];
}

class ClusterSource implements KubeSource {
  readonly name = 'kubernetes';
  readonly #options: KubeSourceOptions;
  readonly #log: Logger;
  readonly #namespaces: readonly (string | null)[];
  readonly #pending = new PendingChanges();
  readonly #opaque: OpaqueSecrets;
  readonly #configMaps: ReferencedConfigMaps;
  readonly #core: CoreInformers;
  /** The core informers; the Opaque Secrets, the ConfigMaps and the Gateway API watch stop their own. */
  readonly #own: readonly Informer[];
  readonly #all: readonly Informer[];
  readonly #gatewayApi: GatewayApiWatch;
  #onChange: (() => void) | null = null;
  #version = 0;
  #snapshotVersion = -1;
  #snapshot: Snapshot = EMPTY_SNAPSHOT;
  /** Every watch's change signal: the next snapshot() reads the stores again. */
  readonly #notify = (): void => {
    this.#version += 1;
    if (this.#onChange !== null) this.#onChange();
  };

  constructor(options: KubeSourceOptions) {
    this.#options = options;
    this.#log = options.log.child({ component: 'kube-source' });
    const namespaces = watchedNamespaces(options.watchNamespaces);
    this.#namespaces = namespaces;
    // Opaque Secrets keep their data only while an Ingress names them (opaque-secrets.ts).
    const referenced = { kubeConfig: options.kubeConfig, namespaces, log: this.#log, backoff: options.backoff };
    this.#opaque = new OpaqueSecrets({
      ...referenced,
      onChange: this.#notify,
      onKept: (id, secret) => this.#pending.recordId('secrets', id, secret),
    });
    // Likewise ConfigMaps: only those an Ingress (custom-headers, auth-proxy-set-headers) or a Gateway API
    // parametersRef names.
    this.#configMaps = new ReferencedConfigMaps({
      ...referenced,
      onChange: this.#notify,
      onKept: (id, configMap) => this.#pending.recordId('configMaps', id, configMap),
    });
    this.#core = {
      ingressClasses: this.#informersOf('ingressClasses', ingressClasses),
      ingresses: this.#informersOf('ingresses', ingresses),
      services: this.#informersOf('services', services),
      endpointSlices: this.#informersOf('endpointSlices', endpointSlices),
      secrets: this.#informersOf('secrets', tlsSecrets),
    };
    this.#own = Object.values(this.#core).flat();
    this.#all = [...this.#own, ...this.#opaque.informers, ...this.#configMaps.informers];
    this.#gatewayApi = createGatewayApiWatch({
      kubeConfig: options.kubeConfig,
      log: this.#log,
      namespaces,
      onChange: this.#notify,
      onObject: (kind, object, deleted) => {
        if (kind === 'Gateway' || kind === 'GatewayClass') this.#configMaps.referrerChanged(kind, object, deleted);
      },
      recheckMs: options.gatewayApiRecheckMs ?? 30_000,
      backoff: options.backoff,
    });
  }

  async start(listener: () => void): Promise<void> {
    this.#onChange = listener;
    for (const informer of this.#all) informer.start();
    this.#gatewayApi.start();
  }

  synced(): boolean {
    return (
      this.#all.every((informer) => informer.synced()) &&
      this.#opaque.settled() &&
      this.#configMaps.settled() &&
      this.#gatewayApi.settled()
    );
  }

  servesGatewayApi(): boolean {
    return this.#gatewayApi.installed();
  }

  snapshot(): Snapshot {
    if (this.#snapshotVersion !== this.#version) {
      this.#snapshotVersion = this.#version;
      const core = this.#core;
      this.#snapshot = Object.freeze({
        ingressClasses: objectsOf(core.ingressClasses),
        ingresses: objectsOf(core.ingresses),
        services: objectsOf(core.services),
        endpointSlices: objectsOf(core.endpointSlices),
        secrets: secretsOf(objectsOf(core.secrets), this.#opaque.objects()),
        ...configMapsOf(this.#configMaps.objects()),
        ...this.#gatewayApi.lists(),
      });
    }
    return this.#snapshot;
  }

  takeChanges(): ObjectChange[] {
    return this.#pending.take();
  }

  async stop(): Promise<void> {
    this.#onChange = null;
    await Promise.all([
      ...this.#own.map((informer) => informer.stop()),
      this.#opaque.stop(),
      this.#configMaps.stop(),
      this.#gatewayApi.stop(),
    ]);
  }

  stats(): readonly InformerStats[] {
    return [...this.#all.map((informer) => informer.stats()), ...this.#gatewayApi.stats()];
  }

  // The two finders are arrow fields: callers hand them on unbound (kube-cluster.ts).
  readonly findIngress = (namespace: string, name: string): KubeObject | undefined => {
    for (const informer of this.#core.ingresses) {
      const found = informer.get(namespace, name);
      if (found !== undefined) return found;
    }
    return undefined;
  };

  readonly findGatewayApiObject = (kind: string, namespace: string, name: string): KubeObject | undefined =>
    this.#gatewayApi.find(kind, namespace, name);

  #informersOf(kind: ObjectKind, resource: WatchedResource): Informer[] {
    return (resource.namespaced ? this.#namespaces : [null]).map((namespace) =>
      createInformer({
        kubeConfig: this.#options.kubeConfig,
        resource,
        namespace,
        log: this.#log,
        onChange: this.#notify,
        onObject: (object, deleted) => {
          if (kind === 'ingresses') {
            this.#opaque.ingressChanged(object, deleted);
            this.#configMaps.ingressChanged(object, deleted);
          }
          this.#pending.record(kind, object, deleted);
        },
        backoff: this.#options.backoff,
      }),
    );
  }
}

/** [null] (every namespace) for none or an empty list, else each named namespace once. */
function watchedNamespaces(watchNamespaces: readonly string[] | null): readonly (string | null)[] {
  return watchNamespaces === null || watchNamespaces.length === 0 ? [null] : [...new Set(watchNamespaces)];
}

function objectsOf(informers: readonly Informer[]): readonly KubeObject[] {
  if (informers.length === 1) return informers[0].objects();
  return Object.freeze(informers.flatMap((informer) => informer.objects()));
}

function secretsOf(tls: readonly KubeObject[], opaque: readonly KubeObject[]): readonly KubeObject[] {
  return opaque.length === 0 ? tls : Object.freeze([...tls, ...opaque]);
}

/** The configMaps list only when some ConfigMap is kept, as the manifest source does. */
function configMapsOf(kept: readonly KubeObject[]): { configMaps?: readonly KubeObject[] } {
  return kept.length === 0 ? {} : { configMaps: kept };
}
