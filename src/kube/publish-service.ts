import type { KubeConfig } from '@kubernetes/client-node';
import type { KubeObject } from '../routing/types.ts';
import type { BackoffPolicy } from '../util/backoff.ts';
import type { Logger } from '../util/logger.ts';
import { createInformer, type Informer, type InformerStats } from './informer.ts';
import { canonical, type LoadBalancerIngress } from './load-balancer-ingress.ts';
import { nodes, services } from './resources.ts';

/** Where the addresses to publish come from. */
export interface AddressSource {
  /** The addresses to publish now, or null while they are not known (nothing is written then). */
  addresses(): readonly LoadBalancerIngress[] | null;
  start(onChange: () => void): void;
  stop(): Promise<void>;
  stats(): readonly InformerStats[];
}

/** --publish-status-address: fixed addresses. */
export function staticAddressSource(addresses: readonly LoadBalancerIngress[]): AddressSource {
  return {
    addresses: () => addresses,
    start() {},
    async stop() {},
    stats: () => [],
  };
}

export interface PublishServiceOptions {
  readonly kubeConfig: KubeConfig;
  /** --publish-service "namespace/name". */
  readonly service: string;
  readonly log: Logger;
  readonly backoff?: BackoffPolicy;
}

/**
 * --publish-service: watches that one Service. LoadBalancer: its status.loadBalancer.ingress. NodePort:
 * every node's ExternalIP, else its InternalIP (the Node watch starts only when needed). Other types:
 * the clusterIP. spec.externalIPs are added in every case. Unknown (null) until the Service is seen.
 */
export function publishServiceSource(options: PublishServiceOptions): AddressSource {
  const slash = options.service.indexOf('/');
  const namespace = options.service.slice(0, slash);
  const name = options.service.slice(slash + 1);
  const log = options.log.child({ component: 'publish-service', service: options.service });
  let onChange: (() => void) | null = null;
  let last: string | null = null;
  let nodeInformer: Informer | null = null;

  const changed = (): void => {
    if (nodeInformer === null && serviceType() === 'NodePort') {
      nodeInformer = createInformer({
        kubeConfig: options.kubeConfig,
        resource: nodes,
        namespace: null,
        log,
        onChange: changed,
        backoff: options.backoff,
      });
      nodeInformer.start();
    }
    const now = JSON.stringify(addresses());
    if (now === last) return;
    last = now;
    log.info({ addresses: now }, 'publish addresses changed');
    onChange?.();
  };

  const serviceInformer = createInformer({
    kubeConfig: options.kubeConfig,
    resource: { ...services, name: 'publish-service', fieldSelector: `metadata.name=${name}` },
    namespace,
    log,
    onChange: changed,
    backoff: options.backoff,
  });

  function service(): KubeObject | undefined {
    return serviceInformer.get(namespace, name);
  }

  function serviceType(): string | null {
    const found = service();
    return found === undefined ? null : serviceTypeOf(found);
  }

  function addresses(): LoadBalancerIngress[] | null {
    if (!serviceInformer.synced()) return null;
    const found = service();
    if (found === undefined) return null;
    const nodeList = nodeInformer !== null && nodeInformer.synced() ? nodeInformer.objects() : null;
    return serviceAddresses(found, nodeList);
  }

  return {
    addresses,
    start(listener) {
      onChange = listener;
      serviceInformer.start();
    },
    async stop() {
      onChange = null;
      await Promise.all([serviceInformer.stop(), nodeInformer?.stop()]);
    },
    stats: () => (nodeInformer === null ? [serviceInformer.stats()] : [serviceInformer.stats(), nodeInformer.stats()]),
  };
}

function serviceTypeOf(service: KubeObject): string {
  const spec = service.spec as { type?: unknown } | undefined;
  return typeof spec?.type === 'string' ? spec.type : 'ClusterIP';
}

/** The addresses a Service is reached at, by its type; null for a NodePort Service while the nodes are unknown. */
function serviceAddresses(service: KubeObject, nodeList: readonly KubeObject[] | null): LoadBalancerIngress[] | null {
  const spec = (service.spec ?? {}) as { clusterIP?: unknown; externalIPs?: unknown };
  const external = Array.isArray(spec.externalIPs)
    ? spec.externalIPs.filter((ip) => typeof ip === 'string').map((ip) => ({ ip }))
    : [];
  switch (serviceTypeOf(service)) {
    case 'LoadBalancer': {
      const status = service.status as { loadBalancer?: { ingress?: unknown } } | undefined;
      return canonical([
        ...(Array.isArray(status?.loadBalancer?.ingress) ? status.loadBalancer.ingress : []),
        ...external,
      ]);
    }
    case 'NodePort':
      return nodeList === null ? null : canonical([...nodeList.map(nodeAddress), ...external]);
    default:
      return canonical([
        ...(typeof spec.clusterIP === 'string' && spec.clusterIP !== 'None' ? [{ ip: spec.clusterIP }] : []),
        ...external,
      ]);
  }
}

function nodeAddress(node: KubeObject): { ip?: string } {
  const status = node.status as { addresses?: unknown } | undefined;
  const list = Array.isArray(status?.addresses) ? (status.addresses as { type?: unknown; address?: unknown }[]) : [];
  const of = (type: string) =>
    list.find((entry) => entry?.type === type && typeof entry.address === 'string')?.address as string | undefined;
  const ip = of('ExternalIP') ?? of('InternalIP');
  return ip === undefined ? {} : { ip };
}
