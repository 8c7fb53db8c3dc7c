// The audit reads the cluster (or a manifest directory) once: list, wait for the initial sync, take
// one snapshot, stop. Only the informers' list and watch are used: nothing is ever written.

import { resolve } from 'node:path';
import { statSync } from 'node:fs';
import type { Config } from '../config.ts';
import type { SnapshotSource } from '../controller/source.ts';
import type { Snapshot } from '../routing/types.ts';
import { createManifestSource } from '../source/manifest-directory.ts';
import type { Logger } from '../util/logger.ts';

export class AuditSourceError extends Error {}

async function openSource(config: Config, log: Logger): Promise<SnapshotSource> {
  if (config.manifests !== null) {
    const dir = resolve(config.manifests);
    let isDir = false;
    try {
      isDir = statSync(dir).isDirectory();
    } catch {
      isDir = false;
    }
    if (!isDir) throw new AuditSourceError(`--manifests ${config.manifests}: not a readable directory`);
    return createManifestSource({ dir, log, watch: false, pollIntervalMs: 0 });
  }
  const { loadKubeConfig } = await import('../kube/kube-config.ts');
  const kubeConfig = loadKubeConfig(config.kubeconfig);
  if (kubeConfig === null)
    throw new AuditSourceError('no cluster configured: give --kubeconfig (or $KUBECONFIG) or --manifests DIR');
  const { createKubeSource } = await import('../kube/kube-source.ts');
  return createKubeSource({ kubeConfig, watchNamespaces: config.watchNamespaces, log });
}

/** One snapshot, once every initial list is in (or an error after `timeoutMs`). */
export async function readSnapshotOnce(config: Config, log: Logger, timeoutMs = 30_000): Promise<Snapshot> {
  const source = await openSource(config, log);
  try {
    const synced = new Promise<void>((resolveSynced) => {
      void source.start(() => {
        if (source.synced()) resolveSynced();
      });
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new AuditSourceError(`${source.name}: not synced after ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    try {
      await Promise.race([synced, timeout]);
    } finally {
      clearTimeout(timer);
    }
    return source.snapshot();
  } finally {
    await source.stop();
  }
}
