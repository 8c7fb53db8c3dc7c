// Wires the provisioned Gateway Services (a cluster without --gateway-address-pool): the watch every replica
// runs, the leader's writer, and the Service addresses the Gateway status shows.
import type { KubeConfig } from '@kubernetes/client-node';
import type { PublishSink } from '../controller/sink.ts';
import type { Logger } from '../util/logger.ts';
import { ownerLabelValue, type PortRange, type ServiceType } from './gateway-service-model.ts';
import { createGatewayServiceWriter, type GatewayServiceWriter } from './gateway-service-writer.ts';
import { watchGatewayServices, type GatewayServicesWatch } from './gateway-services-watch.ts';
import type { GatewayAddressInfo } from './gateway-status-body.ts';
import type { KubeSource } from './kube-source.ts';
import type { Leadership } from './leadership.ts';
import { ownPodSelector } from './own-pod-labels.ts';
import { controllerNamespace } from './pod-identity.ts';

export interface ProvisioningOptions {
  /** --gateway-container-ports. */
  readonly containerPorts: PortRange;
  /** --gateway-service-type. */
  readonly serviceType: ServiceType;
  /** Where the Services live; default: the controller's namespace. */
  readonly namespace?: string;
}

export interface GatewayProvisioning {
  readonly watch: GatewayServicesWatch;
  readonly writer: GatewayServiceWriter;
  /** The writer as the reconciler's sink; it starts the watch once the Gateway API is served. */
  readonly sink: PublishSink;
  /** The edge's info on a Gateway with status.addresses taken from its Service. */
  withServiceAddresses(gateway: string, info: GatewayAddressInfo | undefined): GatewayAddressInfo | undefined;
}

export function provisionGatewayServices(
  options: ProvisioningOptions & {
    readonly kubeConfig: KubeConfig;
    readonly log: Logger;
    readonly leadership: Leadership;
    readonly controllerName: string;
    readonly source: Pick<KubeSource, 'findGatewayApiObject'>;
  },
): GatewayProvisioning {
  const { kubeConfig, log } = options;
  const namespace = options.namespace ?? controllerNamespace();
  const ownerValue = ownerLabelValue(options.controllerName);
  const watch = watchGatewayServices({ kubeConfig, namespace, ownerValue, log });
  const writer = createGatewayServiceWriter({
    kubeConfig,
    log,
    leadership: options.leadership,
    services: watch,
    settings: { namespace, ownerValue, ports: options.containerPorts, defaultType: options.serviceType },
    selector: () => ownPodSelector(kubeConfig, namespace),
    find: options.source.findGatewayApiObject,
  });
  return {
    watch,
    writer,
    sink: {
      // Without the Gateway API nothing is provisioned: no Service watch either (informer.start is idempotent).
      published(state) {
        if (state.gateway !== undefined) watch.start();
        writer.published(state);
      },
      stop: () => writer.stop(),
    },
    withServiceAddresses(gateway, info) {
      if (info === undefined) return undefined;
      const { failing, lastError } = writer.stats();
      // No Service yet because writing it fails: the Gateway's condition says why.
      const problem =
        info.address === null && failing && lastError !== null
          ? `${info.problem ?? 'no address'}: ${lastError}`
          : info.problem;
      return { ...info, problem, addresses: watch.addressesOf(gateway) ?? [] };
    },
  };
}
