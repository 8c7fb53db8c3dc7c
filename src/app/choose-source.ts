import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Config } from '../config.ts';
import type { SnapshotSource } from '../controller/source.ts';
import type { KubeCluster } from '../kube/kube-cluster.ts';
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
 * The Kubernetes client (about 85 MiB of heap once loaded) is loaded only when a cluster is used.
 */
export async function chooseSource(config: Config, log: Logger): Promise<SourceChoice> {
  if (config.manifests !== null) {
    const dir = resolve(config.manifests);
    if (!isDirectory(dir)) throw new StartupError(`--manifests ${config.manifests}: not a readable directory`);
    return { kind: 'manifests', dir, source: createManifestSource({ dir, log }) };
  }
  const { loadKubeConfig } = await import('../kube/kube-config.ts');
  let kubeConfig;
  try {
    kubeConfig = loadKubeConfig(config.kubeconfig);
  } catch (error) {
    throw new StartupError(`cannot load the kubeconfig: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (kubeConfig === null) {
    return {
      kind: 'embedded',
      dir: EMBEDDED_MANIFESTS,
      source: createManifestSource({ dir: EMBEDDED_MANIFESTS, log }),
    };
  }
  const { createKubeCluster } = await import('../kube/kube-cluster.ts');
  const cluster = createKubeCluster({
    kubeConfig,
    log,
    watchNamespaces: config.watchNamespaces,
    publishService: config.publishService,
    publishStatusAddresses: config.publishStatusAddresses,
    electionId: config.electionId,
    controllerClass: config.controllerClass,
    gatewayApiRecheckMs: config.gatewayApiRecheckMs,
    gatewayControllerName: config.gatewayControllerName,
    // Without an address pool, each Gateway is reached through a Service the leader provisions.
    gatewayServices:
      config.gatewayAddressPool === null
        ? { containerPorts: config.gatewayContainerPorts, serviceType: config.gatewayServiceType }
        : null,
  });
  return { kind: 'kubernetes', source: cluster.source, cluster };
}

/** A problem with what the user asked for, found before anything listens. */
export class StartupError extends Error {}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
