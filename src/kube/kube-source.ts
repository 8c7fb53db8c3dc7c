import type { KubeConfig } from '@kubernetes/client-node';
import type { SnapshotSource } from '../controller/source.ts';
import { EMPTY_SNAPSHOT } from '../routing/empty-snapshot.ts';
import type { ObjectChange, ObjectKind } from '../routing/incremental/object-store.ts';
import type { KubeObject, Snapshot } from '../routing/types.ts';
import type { Logger } from '../util/logger.ts';
import type { BackoffPolicy } from '../util/backoff.ts';
import { createGatewayApiWatch } from './gateway-api-watch.ts';
import { createInformer, type Informer, type InformerStats } from './informer.ts';
import { OpaqueSecrets } from './opaque-secrets.ts';
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
  const log = options.log.child({ component: 'kube-source' });
  let onChange: (() => void) | null = null;
  let version = 0;
  const notify = (): void => {
    version += 1;
    if (onChange !== null) onChange();
  };
  const namespaces =
    options.watchNamespaces === null || options.watchNamespaces.length === 0
      ? [null]
      : [...new Set(options.watchNamespaces)];
  const pending = new PendingChanges();
  // Opaque Secrets keep their data only while an Ingress names them (opaque-secrets.ts).
  const opaque = new OpaqueSecrets({
    kubeConfig: options.kubeConfig,
    namespaces,
    log,
    backoff: options.backoff,
    onChange: notify,
    onKept: (id, secret) => pending.recordId('secrets', id, secret),
  });
  const informersOf = (kind: ObjectKind, resource: WatchedResource): Informer[] =>
    (resource.namespaced ? namespaces : [null]).map((namespace) =>
      createInformer({
        kubeConfig: options.kubeConfig,
        resource,
        namespace,
        log,
        onChange: notify,
        onObject(object, deleted) {
          if (kind === 'ingresses') opaque.ingressChanged(object, deleted);
          pending.record(kind, object, deleted);
        },
        backoff: options.backoff,
      }),
    );

  const kinds = {
    ingressClasses: informersOf('ingressClasses', ingressClasses),
    ingresses: informersOf('ingresses', ingresses),
    services: informersOf('services', services),
    endpointSlices: informersOf('endpointSlices', endpointSlices),
    secrets: informersOf('secrets', tlsSecrets),
  };
  const own = Object.values(kinds).flat();
  const all = [...own, ...opaque.informers];
  const gatewayApi = createGatewayApiWatch({
    kubeConfig: options.kubeConfig,
    log,
    namespaces,
    onChange: notify,
    recheckMs: options.gatewayApiRecheckMs ?? 30_000,
    backoff: options.backoff,
  });

  let snapshotVersion = -1;
  let snapshot: Snapshot = EMPTY_SNAPSHOT;

  return {
    name: 'kubernetes',
    async start(listener) {
      onChange = listener;
      for (const informer of all) informer.start();
      gatewayApi.start();
    },
    synced: () => all.every((informer) => informer.synced()) && gatewayApi.settled(),
    snapshot() {
      if (snapshotVersion !== version) {
        snapshotVersion = version;
        snapshot = Object.freeze({
          ingressClasses: objectsOf(kinds.ingressClasses),
          ingresses: objectsOf(kinds.ingresses),
          services: objectsOf(kinds.services),
          endpointSlices: objectsOf(kinds.endpointSlices),
          secrets: secretsOf(objectsOf(kinds.secrets), opaque.objects()),
          ...gatewayApi.lists(),
        });
      }
      return snapshot;
    },
    takeChanges: () => pending.take(),
    async stop() {
      onChange = null;
      await Promise.all([...own.map((informer) => informer.stop()), opaque.stop(), gatewayApi.stop()]);
    },
    stats: () => [...all.map((informer) => informer.stats()), ...gatewayApi.stats()],
    findIngress(namespace, name) {
      for (const informer of kinds.ingresses) {
        const found = informer.get(namespace, name);
        if (found !== undefined) return found;
      }
      return undefined;
    },
    findGatewayApiObject: gatewayApi.find,
  };
}

/** "namespace/name" as the informer's store keys it ("name" for cluster-scoped objects). */
function storeKey(object: KubeObject): string {
  const metadata = object.metadata as { namespace?: unknown; name?: unknown } | undefined;
  const name = typeof metadata?.name === 'string' ? metadata.name : '';
  return typeof metadata?.namespace === 'string' && metadata.namespace !== '' ? `${metadata.namespace}/${name}` : name;
}

function objectsOf(informers: readonly Informer[]): readonly KubeObject[] {
  if (informers.length === 1) return informers[0].objects();
  return Object.freeze(informers.flatMap((informer) => informer.objects()));
}

/** Writes since the last take, latest per object: what the incremental build is told. */
class PendingChanges {
  #changes = new Map<string, ObjectChange>();

  record(kind: ObjectKind, object: KubeObject, deleted: boolean): void {
    this.recordId(kind, storeKey(object), deleted ? null : object);
  }

  recordId(kind: ObjectKind, id: string, object: KubeObject | null): void {
    const key = `${kind}|${id}`;
    // Re-inserted so that the order of the changes is the order of their latest writes.
    this.#changes.delete(key);
    this.#changes.set(key, { kind, id, object });
  }

  take(): ObjectChange[] {
    const changes = [...this.#changes.values()];
    this.#changes = new Map();
    return changes;
  }
}

function secretsOf(tls: readonly KubeObject[], opaque: readonly KubeObject[]): readonly KubeObject[] {
  return opaque.length === 0 ? tls : Object.freeze([...tls, ...opaque]);
}
