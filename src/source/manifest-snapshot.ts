// Every manifest file's objects → one snapshot: duplicates reported and dropped, missing creationTimestamp
// and resourceVersion filled in, and unchanged objects kept identical (same frozen object) across rescans.
import { deepFreeze } from '../routing/deep-freeze.ts';
import { keptConfigMaps } from '../routing/configmap-references.ts';
import { keptSecrets } from '../routing/secret-references.ts';
import type { KubeObject, Snapshot } from '../routing/types.ts';
import type { ManifestObject, SnapshotKey } from './manifest-file.ts';
import type { FileState } from './manifest-files.ts';

/** What is remembered of an object across rescans, so unchanged objects keep identity and version. */
interface Known {
  readonly content: string;
  readonly creationTimestamp: string;
  readonly resourceVersion: string;
  readonly frozen: KubeObject;
}

export interface AssembledSnapshot {
  readonly snapshot: Snapshot;
  /** Every file's errors and the duplicates, "file:line:col: message", in file order. */
  readonly errors: string[];
}

export class SnapshotAssembler {
  #known = new Map<string, Known>();
  #nextResourceVersion = 1;

  assemble(files: readonly FileState[]): AssembledSnapshot {
    const buckets: Record<SnapshotKey, KubeObject[]> = {
      ingressClasses: [],
      ingresses: [],
      services: [],
      endpointSlices: [],
      secrets: [],
      configMaps: [],
      namespaces: [],
      gatewayClasses: [],
      gateways: [],
      httpRoutes: [],
      grpcRoutes: [],
      referenceGrants: [],
    };
    const errors: string[] = [];
    const firstSeenAt = new Map<string, string>();
    const nextKnown = new Map<string, Known>();
    for (const state of files) {
      errors.push(...state.errors);
      for (const item of state.objects) {
        const identity = `${item.kind}/${item.namespace}/${item.name}`;
        const first = firstSeenAt.get(identity);
        if (first !== undefined) {
          errors.push(
            `${item.position}: duplicate ${item.kind} ${displayName(item)} (first defined at ${first}); ignored`,
          );
          continue;
        }
        firstSeenAt.set(identity, item.position);
        const entry = this.#complete(identity, item, state.mtime);
        nextKnown.set(identity, entry);
        buckets[item.key].push(entry.frozen);
      }
    }
    this.#known = nextKnown;
    for (const list of Object.values(buckets)) list.sort(byNamespaceAndName);
    const snapshot: Snapshot = Object.freeze({
      ingressClasses: Object.freeze(buckets.ingressClasses),
      ingresses: Object.freeze(buckets.ingresses),
      services: Object.freeze(buckets.services),
      endpointSlices: Object.freeze(buckets.endpointSlices),
      // Opaque Secrets only when an Ingress names them, as the cluster source keeps them.
      secrets: Object.freeze(keptSecrets(buckets.secrets, buckets.ingresses)),
      // Likewise only the ConfigMaps an Ingress annotation or a Gateway API parametersRef names.
      ...configMapList(keptConfigMaps(buckets.configMaps, buckets.ingresses, buckets)),
      ...gatewayApiLists(buckets),
    });
    return { snapshot, errors };
  }

  /** Adds creationTimestamp and resourceVersion when missing, stable across rescans; freezes the result. */
  #complete(identity: string, item: ManifestObject, mtime: string): Known {
    const content = JSON.stringify(item.object);
    const previous = this.#known.get(identity);
    if (previous !== undefined && previous.content === content) return previous;
    const metadata = item.object.metadata as Record<string, unknown>;
    const creationTimestamp =
      typeof metadata.creationTimestamp === 'string'
        ? metadata.creationTimestamp
        : (previous?.creationTimestamp ?? mtime);
    const resourceVersion =
      typeof metadata.resourceVersion === 'string' ? metadata.resourceVersion : String(this.#nextResourceVersion++);
    const object = { ...item.object, metadata: { ...metadata, creationTimestamp, resourceVersion } };
    return { content, creationTimestamp, resourceVersion, frozen: deepFreeze(object) };
  }
}

/** The configMaps list only when some ConfigMap is kept: a snapshot without them stays as before. */
function configMapList(kept: KubeObject[]): Partial<Snapshot> {
  return kept.length === 0 ? {} : { configMaps: Object.freeze(kept) };
}

/** The Gateway API lists only when the files hold such objects: a snapshot without them stays as before. */
function gatewayApiLists(buckets: Record<SnapshotKey, KubeObject[]>): Partial<Snapshot> {
  const keys = ['namespaces', 'gatewayClasses', 'gateways', 'httpRoutes', 'grpcRoutes', 'referenceGrants'] as const;
  if (keys.every((key) => buckets[key].length === 0 || key === 'namespaces')) return {};
  return Object.fromEntries(keys.map((key) => [key, Object.freeze(buckets[key])]));
}

function displayName(item: ManifestObject): string {
  return item.namespace === '' ? item.name : `${item.namespace}/${item.name}`;
}

function byNamespaceAndName(a: KubeObject, b: KubeObject): number {
  const keyA = objectKey(a);
  const keyB = objectKey(b);
  return keyA < keyB ? -1 : keyA > keyB ? 1 : 0;
}

function objectKey(object: KubeObject): string {
  const metadata = object.metadata as { namespace?: string; name?: string };
  return `${metadata.namespace ?? ''}/${metadata.name ?? ''}`;
}
