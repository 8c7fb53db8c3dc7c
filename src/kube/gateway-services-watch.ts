// Every replica watches the Services we provisioned for Gateways (our owner label, our namespace): they say
// which container port each Gateway listener is served on, and where the Gateway is reached.
import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from '../util/logger.ts';
import { serviceStatusAddresses, type GatewayStatusAddress } from './gateway-service-addresses.ts';
import { OWNER_LABEL, readOwnedService, serviceNameOf, type OwnedService } from './gateway-service-model.ts';
import { createInformer, type InformerStats } from './informer.ts';
import { services } from './resources.ts';
import type { KubeObject } from '../routing/types.ts';

/** What the edge and the status writer read of the provisioned Services. */
export interface GatewayServiceView {
  /** The Service serving a Gateway ("namespace/name"), once it exists. */
  serviceOf(gateway: string): OwnedService | undefined;
  /** status.addresses for the Gateway from its Service; undefined while it has none. */
  addressesOf(gateway: string): readonly GatewayStatusAddress[] | undefined;
  /** Calls back after every change; returns the unsubscribe. */
  subscribe(listener: () => void): () => void;
}

export interface GatewayServicesWatch extends GatewayServiceView {
  /** Every Service carrying our owner label (the planner's `current`). */
  objects(): readonly KubeObject[];
  synced(): boolean;
  start(): void;
  stop(): Promise<void>;
  stats(): InformerStats;
}

export function watchGatewayServices(options: {
  readonly kubeConfig: KubeConfig;
  readonly namespace: string;
  readonly ownerValue: string;
  readonly log: Logger;
}): GatewayServicesWatch {
  const listeners = new Set<() => void>();
  let byGateway = new Map<string, OwnedService>();
  const informer = createInformer({
    kubeConfig: options.kubeConfig,
    resource: { ...services, name: 'gateway-services', labelSelector: `${OWNER_LABEL}=${options.ownerValue}` },
    namespace: options.namespace,
    log: options.log.child({ component: 'gateway-services' }),
    onChange: () => {
      byGateway = new Map();
      for (const object of informer.objects()) {
        const owned = readOwnedService(object, options.ownerValue);
        // Only the Service of the expected name serves its Gateway (an old one may linger until deleted).
        if (owned !== undefined && owned.name === serviceNameOf(owned.gateway)) byGateway.set(owned.gateway, owned);
      }
      for (const listener of listeners) listener();
    },
  });
  return {
    serviceOf: (gateway) => byGateway.get(gateway),
    addressesOf(gateway) {
      const owned = byGateway.get(gateway);
      return owned === undefined ? undefined : serviceStatusAddresses(owned.object);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    objects: () => informer.objects(),
    synced: () => informer.synced(),
    start: () => informer.start(),
    stop: () => informer.stop(),
    stats: () => informer.stats(),
  };
}
