import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

const serviceAccountNamespaceFile = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';

/** The controller's own namespace: $POD_NAMESPACE, else the in-cluster service account's, else "default". */
export function controllerNamespace(
  env: NodeJS.ProcessEnv = process.env,
  namespaceFile = serviceAccountNamespaceFile,
): string {
  const fromEnv = (env.POD_NAMESPACE ?? '').trim();
  if (fromEnv !== '') return fromEnv;
  try {
    const fromFile = readFileSync(namespaceFile, 'utf8').trim();
    if (fromFile !== '') return fromFile;
  } catch {
    // not in a cluster
  }
  return 'default';
}

/** Who this replica is in the Lease and in Events: $POD_NAME, else hostname_pid. */
export function controllerIdentity(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = (env.POD_NAME ?? '').trim();
  return fromEnv !== '' ? fromEnv : `${hostname()}_${process.pid}`;
}
