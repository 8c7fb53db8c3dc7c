// Which Gateway API kinds the cluster serves now, asked of discovery (/apis/gateway.networking.k8s.io/<version>):
// every authenticated client may read discovery, so this needs no extra RBAC.
import type { KubeConfig } from '@kubernetes/client-node';
import type { Snapshot } from '../routing/types.ts';
import { errorMessage, kubeCall } from './kube-http.ts';
import {
  GATEWAY_API_GROUP,
  gatewayClasses,
  gateways,
  grpcRoutes,
  httpRoutes,
  namespaces,
  referenceGrants,
  referenceGrantsBeta,
  type WatchedResource,
} from './resources.ts';

/** The snapshot list each Gateway API kind (and the Namespaces watched with them) fills. */
export type GatewayApiListKey = keyof Pick<
  Snapshot,
  'namespaces' | 'gatewayClasses' | 'gateways' | 'httpRoutes' | 'grpcRoutes' | 'referenceGrants'
>;

export type ServedKind = readonly [GatewayApiListKey, WatchedResource];

const v1Kinds: readonly ServedKind[] = [
  ['gatewayClasses', gatewayClasses],
  ['gateways', gateways],
  ['httpRoutes', httpRoutes],
  ['grpcRoutes', grpcRoutes],
  ['referenceGrants', referenceGrants],
];

/** The kinds discovery serves now (Namespaces with them), [] when the group is absent, or the error. */
export async function servedGatewayApiKinds(kubeConfig: KubeConfig): Promise<ServedKind[] | Error> {
  const v1 = await discover(kubeConfig, 'v1');
  if (v1 instanceof Error) return v1;
  const wanted = v1Kinds.filter(([, resource]) => v1.has(resource.plural));
  if (!v1.has(referenceGrants.plural)) {
    const beta = await discover(kubeConfig, 'v1beta1');
    if (beta instanceof Error) return beta;
    if (beta.has(referenceGrantsBeta.plural)) wanted.push(['referenceGrants', referenceGrantsBeta]);
  }
  if (wanted.length === 0) return [];
  return [['namespaces', namespaces], ...wanted];
}

/** Resource names (without subresources) of one version of the group; an empty set when not served. */
async function discover(kubeConfig: KubeConfig, version: string): Promise<Set<string> | Error> {
  const path = `/apis/${GATEWAY_API_GROUP}/${version}`;
  try {
    const answer = await kubeCall(kubeConfig, { method: 'GET', path, timeoutMs: 5_000 });
    if (answer.status === 404) return new Set();
    if (answer.status !== 200) return new Error(`GET ${path}: HTTP ${answer.status}`);
    const resources = (answer.body as { resources?: unknown } | null)?.resources;
    const names = new Set<string>();
    if (Array.isArray(resources)) {
      for (const resource of resources) {
        const name = (resource as { name?: unknown } | null)?.name;
        if (typeof name === 'string' && !name.includes('/')) names.add(name);
      }
    }
    return names;
  } catch (error) {
    return new Error(`GET ${path}: ${errorMessage(error)}`);
  }
}
