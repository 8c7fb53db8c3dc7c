import type { KubeConfig, KubernetesListObject, KubernetesObject } from '@kubernetes/client-node';
import type { KubeObject } from '../routing/types.ts';
import { kubeJson } from './kube-http.ts';
import { trimObject } from './trim-object.ts';

/** How an informer lists its collection: where, and the shape every item is given. */
export interface ListRequest {
  readonly kubeConfig: KubeConfig;
  /** The collection path with its field selector, if any. */
  readonly listPath: string;
  readonly itemKind: string;
  readonly itemApiVersion: string;
  readonly transform: ((object: KubeObject) => void) | undefined;
}

/** GETs the list, keeps the items ListWatch can store, and gives them the shape of watch events. */
export async function fetchList(request: ListRequest): Promise<KubernetesListObject<KubernetesObject>> {
  const body = await kubeJson(request.kubeConfig, { method: 'GET', path: request.listPath });
  const list = asList(body, request.listPath);
  for (const item of list.items) {
    // Items of a list carry no kind/apiVersion; watch events do. Give the routing core one shape.
    item.kind ??= request.itemKind;
    item.apiVersion ??= request.itemApiVersion;
    trimObject(item);
    request.transform?.(item as unknown as KubeObject);
  }
  return list;
}

function asList(body: unknown, path: string): KubernetesListObject<KubernetesObject> {
  if (typeof body !== 'object' || body === null || !Array.isArray((body as { items?: unknown }).items)) {
    throw new Error(`GET ${path}: the answer is not a list`);
  }
  const list = body as KubernetesListObject<KubernetesObject>;
  // ListWatch would throw on an item without metadata, and stop without telling anyone.
  list.items = list.items.filter(
    (item) => typeof item === 'object' && item !== null && typeof item.metadata === 'object' && item.metadata !== null,
  );
  return list;
}
