// Which ConfigMaps the sources keep: only those an Ingress annotation names (custom-headers,
// auth-proxy-set-headers) or a Gateway's or GatewayClass's parametersRef names (gateway/parameters.ts).
// A cluster holds many ConfigMaps (application settings, scripts, CA bundles) that
// are none of an ingress controller's business: keeping them all would cost memory for nothing. Pure: the
// cluster source, the manifest source and the incremental build apply the same rule.
import { NGINX } from './annotations/registry-types.ts';
import { parametersConfigMapKey } from './gateway/parameters.ts';
import { DEFAULT_NAMESPACE } from './object-index.ts';
import type { KubeObject } from './types.ts';

/** Annotations whose value is "name" or "namespace/name" of a ConfigMap (annotations/configmap-headers.ts reads them). */
export const CONFIGMAP_ANNOTATIONS: readonly string[] = [`${NGINX}custom-headers`, `${NGINX}auth-proxy-set-headers`];

/** "namespace/name" of a reference written in an Ingress of `namespace` (a bare name is in that namespace). */
export function qualifyConfigMap(value: string, namespace: string): string {
  return value.includes('/') ? value : `${namespace}/${value}`;
}

/**
 * "namespace/name" of the ConfigMaps an Ingress's annotations name. A name in another namespace is left
 * out: the build never reads it (it reports it instead), as ingress-nginx since 1.12 refuses
 * cross-namespace references by default (allow-cross-namespace-resources: false).
 */
export function referencedConfigMapKeys(ingress: KubeObject): string[] {
  const metadata = ingress.metadata as { namespace?: unknown; annotations?: unknown } | undefined;
  // As object-index.ts names it: no namespace is "default".
  const raw = metadata?.namespace;
  const namespace = raw === undefined || raw === '' ? DEFAULT_NAMESPACE : raw;
  const annotations = metadata?.annotations;
  if (typeof namespace !== 'string' || typeof annotations !== 'object' || annotations === null) return [];
  const out: string[] = [];
  for (const name of CONFIGMAP_ANNOTATIONS) {
    const value = (annotations as Record<string, unknown>)[name];
    if (typeof value !== 'string' || value.trim() === '') continue;
    const key = qualifyConfigMap(value.trim(), namespace);
    if (key.startsWith(`${namespace}/`) && !out.includes(key)) out.push(key);
  }
  return out;
}

/** "namespace/name" of the ConfigMaps an object of `kind` names (an Ingress, a Gateway or a GatewayClass). */
export function configMapKeysOf(kind: string, object: KubeObject): string[] {
  if (kind !== 'Gateway' && kind !== 'GatewayClass') return referencedConfigMapKeys(object);
  const key = parametersConfigMapKey(kind, object);
  return key === null ? [] : [key];
}

/** The Gateway API objects that may name a ConfigMap (their parametersRef). */
export interface ConfigMapReferrers {
  readonly gateways?: readonly KubeObject[];
  readonly gatewayClasses?: readonly KubeObject[];
}

/** The ConfigMaps a snapshot keeps of `configMaps`: those some Ingress, Gateway or GatewayClass names. */
export function keptConfigMaps(
  configMaps: readonly KubeObject[],
  ingresses: readonly KubeObject[],
  gatewayApi: ConfigMapReferrers = {},
): KubeObject[] {
  const referenced = new Set([
    ...ingresses.flatMap(referencedConfigMapKeys),
    ...(gatewayApi.gateways ?? []).flatMap((object) => configMapKeysOf('Gateway', object)),
    ...(gatewayApi.gatewayClasses ?? []).flatMap((object) => configMapKeysOf('GatewayClass', object)),
  ]);
  if (referenced.size === 0) return [];
  return configMaps.filter((configMap) => {
    const metadata = configMap.metadata as { namespace?: unknown; name?: unknown } | undefined;
    return referenced.has(`${String(metadata?.namespace)}/${String(metadata?.name)}`);
  });
}
