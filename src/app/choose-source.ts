import { resolve } from 'node:path';
import type { Config } from '../config.ts';
import type { SnapshotSource } from '../controller/source.ts';
import { loadKubeConfig } from '../kube/kube-config.ts';
import { createKubeCluster, type KubeCluster } from '../kube/kube-cluster.ts';
import { createManifestSource, type ManifestSource } from '../source/manifest-directory.ts';
import type { Logger } from '../util/logger.ts';

/** The shipped example manifests served when no cluster is configured. */
export const EMBEDDED_MANIFESTS = resolve(import.meta.dirname, '../../examples/embedded');

export type SourceChoice =
  | { readonly kind: 'kubernetes'; readonly source: SnapshotSource; readonly cluster: KubeCluster }
  | { readonly kind: 'manifests' | 'embedded'; readonly source: ManifestSource; readonly dir: string };

/**
 * --manifests wins; else a cluster from --kubeconfig, $KUBECONFIG, ~/.kube/config or in-cluster;
 * else the embedded default (never client-node's http://localhost:8080 fallback: that is our own edge).
 */
export function chooseSource(config: Config, log: Logger): SourceChoice {
  if (config.manifests !== null) {
    const dir = resolve(config.manifests);
    return { kind: 'manifests', dir, source: createManifestSource({ dir, log }) };
  }
  const kubeConfig = loadKubeConfig(config.kubeconfig);
  if (kubeConfig === null) {
    return { kind: 'embedded', dir: EMBEDDED_MANIFESTS, source: createManifestSource({ dir: EMBEDDED_MANIFESTS, log }) };
  }
  const cluster = createKubeCluster({
    kubeConfig,
    log,
    watchNamespaces: config.watchNamespaces,
    publishService: config.publishService,
    publishStatusAddresses: config.publishStatusAddresses,
    electionId: config.electionId,
    controllerClass: config.controllerClass,
  });
  return { kind: 'kubernetes', source: cluster.source, cluster };
}
