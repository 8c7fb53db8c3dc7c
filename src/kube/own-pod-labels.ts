// The labels that select the sluice pods, read from this replica's own Pod ($POD_NAME in $POD_NAMESPACE):
// all of them but the ones that differ between revisions or pods (a Service selecting pod-template-hash
// would lose the new pods during a rolling update).
import type { KubeConfig } from '@kubernetes/client-node';
import { kubeJson } from './kube-http.ts';

const PER_REVISION = new Set([
  'pod-template-hash',
  'controller-revision-hash',
  'pod-template-generation',
  'statefulset.kubernetes.io/pod-name',
  'apps.kubernetes.io/pod-index',
]);

export function selectorFromPodLabels(labels: Readonly<Record<string, unknown>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(labels).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string' && !PER_REVISION.has(entry[0]),
    ),
  );
}

/** GETs the Pod; rejects with why when it cannot (no $POD_NAME, no access, no labels left). */
export async function ownPodSelector(
  kubeConfig: KubeConfig,
  namespace: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Record<string, string>> {
  const name = (env.POD_NAME ?? '').trim();
  if (name === '') throw new Error("$POD_NAME is not set: cannot read the sluice pods' labels");
  const pod = (await kubeJson(kubeConfig, {
    method: 'GET',
    path: `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(name)}`,
  })) as { metadata?: { labels?: Record<string, unknown> } } | null;
  const selector = selectorFromPodLabels(pod?.metadata?.labels ?? {});
  if (Object.keys(selector).length === 0) throw new Error(`Pod ${namespace}/${name} has no labels to select it by`);
  return selector;
}
