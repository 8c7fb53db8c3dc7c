import type { Config } from '../config.ts';
import type { MetricsOptions } from './metrics.ts';

/**
 * The metrics options the flags ask for. ingress-nginx labels its request metrics with the
 * controller's namespace, class and pod; the manifests pass POD_NAMESPACE and POD_NAME in.
 */
export function metricsOptionsFrom(
  config: Pick<Config, 'metricsCompat' | 'controllerClass'>,
  env: Readonly<Record<string, string | undefined>>,
): Pick<MetricsOptions, 'ingressNginx'> {
  if (config.metricsCompat !== 'ingress-nginx') return { ingressNginx: null };
  return {
    ingressNginx: {
      controllerNamespace: env.POD_NAMESPACE ?? '',
      controllerClass: config.controllerClass,
      controllerPod: env.POD_NAME ?? '',
    },
  };
}
