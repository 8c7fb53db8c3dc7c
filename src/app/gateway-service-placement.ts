// In a cluster without an address pool, Gateways are reached through the Services the leader provisions:
// every listener binds --bind-address on the container port its Gateway's Service maps it to. The Service's
// address comes from the cluster, so a Gateway naming spec.addresses cannot have them: it is not served and
// says why (Programmed: False, AddressNotUsable), rather than served on another address.
import type { GatewayServiceView } from '../kube/gateway-services-watch.ts';
import type { GatewayAddress, GatewayAddressRequest } from '../proxy/gateway-addresses.ts';
import type { GatewayPlacement } from '../proxy/gateway-listeners.ts';

const REQUESTED =
  'spec.addresses cannot be given to a provisioned Service (the cluster chooses its address): remove them, or run with --gateway-address-pool';

export function servicePlacement(services: GatewayServiceView, bindAddress: string): GatewayPlacement {
  return {
    assign(requests: readonly GatewayAddressRequest[]): ReadonlyMap<string, GatewayAddress> {
      const out = new Map<string, GatewayAddress>();
      for (const { gateway, requested } of requests) {
        const service = services.serviceOf(gateway);
        if (requested.length > 0) out.set(gateway, { address: null, problem: REQUESTED, unusable: true });
        else if (service === undefined)
          out.set(gateway, { address: null, problem: 'its Service is not provisioned yet' });
        else out.set(gateway, { address: bindAddress, problem: null });
      }
      return out;
    },
    portOf(gateway, port) {
      const containerPort = services.serviceOf(gateway)?.ports.get(port);
      return containerPort ?? { unserved: 'its Service maps it to no container port yet' };
    },
  };
}
