import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node/dist/config.js';

/**
 * The cluster to watch: the flag's path, else $KUBECONFIG (first file, the rest merged), else
 * ~/.kube/config, else the in-cluster service account. Null when none of these exists: the caller
 * then runs the embedded default. Never client-node's last-resort http://localhost:8080, which is
 * our own edge port. Throws when a file that was asked for cannot be read or parsed.
 */
export function loadKubeConfig(path: string | null, env: NodeJS.ProcessEnv = process.env): KubeConfig | null {
  if (path !== null && path !== '') return fromFiles([path]);
  const fromEnv = (env.KUBECONFIG ?? '').split(delimiter).filter((file) => file !== '');
  if (fromEnv.length > 0) return fromFiles(fromEnv);
  const home = env.HOME ?? homedir();
  const userConfig = join(home, '.kube', 'config');
  if (home !== '' && existsSync(userConfig)) return fromFiles([userConfig]);
  if ((env.KUBERNETES_SERVICE_HOST ?? '') !== '') {
    const kc = new KubeConfig();
    kc.loadFromCluster();
    return kc;
  }
  return null;
}

function fromFiles(files: readonly string[]): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(files[0]);
  for (const file of files.slice(1)) {
    const more = new KubeConfig();
    more.loadFromFile(file);
    kc.mergeConfig(more);
  }
  if (kc.getCurrentCluster() === null) throw new Error(`kubeconfig ${files.join(', ')}: no current cluster`);
  return kc;
}
