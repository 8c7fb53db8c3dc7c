// In a cluster without an address pool, Gateways are reached through the Services the leader provisions:
// every listener binds --bind-address on the container port its Gateway's Service maps it to.
import type { GatewayServiceView } from '../kube/gateway-services-watch.ts';
import type { GatewayAddress, GatewayAddressRequest } from '../proxy/gateway-addresses.ts';
import type { GatewayPlacement } from '../proxy/gateway-listeners.ts';

export function servicePlacement(services: GatewayServiceView, bindAddress: string): GatewayPlacement {
  return {
    assign(requests: readonly GatewayAddressRequest[]): ReadonlyMap<string, GatewayAddress> {
      const out = new Map<string, GatewayAddress>();
      for (const { gateway } of requests) {
        const service = services.serviceOf(gateway);
        out.set(
          gateway,
          service === undefined
            ? { address: null, problem: 'its Service is not provisioned yet' }
            : { address: bindAddress, problem: null },
        );
      }
      return out;
    },
    portOf(gateway, port) {
      const containerPort = services.serviceOf(gateway)?.ports.get(port);
      return containerPort ?? { unserved: 'its Service maps it to no container port yet' };
    },
  };
}
