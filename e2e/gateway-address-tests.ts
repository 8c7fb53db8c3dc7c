// The Gateway address tests of the GATEWAY-HTTP profile (v1.6.1), against the conformance suite's address pool
// (127.0.20.0/24): conformance/tests/gateway-static-addresses.go (GatewayStaticAddresses) and
// gateway-optional-address-value.go (GatewayAddressEmpty).
import {
  check,
  gatewayAddress,
  gatewayCondition,
  INFRA,
  listenersMatch,
  V1,
  GATEWAY_CLASS,
  type GatewayConformance,
} from './gateway-fixtures.ts';

/** The suite's usable and unusable addresses (upstream --usable-address / --unusable-address). */
const USABLE = '127.0.20.201';
const UNUSABLE = '10.255.255.1';

function gatewayWithAddresses(name: string, addresses: object[]) {
  return {
    apiVersion: V1,
    kind: 'Gateway',
    metadata: { namespace: INFRA, name },
    spec: { gatewayClassName: GATEWAY_CLASS, addresses, listeners: [{ name: 'http', port: 8080, protocol: 'HTTP' }] },
  };
}

export async function staticAddresses(suite: GatewayConformance): Promise<void> {
  const name = 'gateway-static-addresses';
  const invalid = { type: 'test/fake-invalid-type', value: 'fake address teehee!' };
  const unusable = { type: 'IPAddress', value: UNUSABLE };
  const usable = { type: 'IPAddress', value: USABLE };
  suite.api.apply(gatewayWithAddresses(name, [invalid, unusable, usable]));
  try {
    await gatewayCondition(suite.api, name, { type: 'Accepted', status: 'False', reason: 'UnsupportedAddress' });
    suite.api.modify('Gateway', INFRA, name, (gateway) => {
      gateway.spec.addresses = [unusable, usable];
    });
    await gatewayCondition(suite.api, name, { type: 'Accepted', status: 'True', reason: 'Accepted' });
    await gatewayCondition(suite.api, name, { type: 'Programmed', status: 'False', reason: 'AddressNotUsable' });
    suite.api.modify('Gateway', INFRA, name, (gateway) => {
      gateway.spec.addresses = [usable];
    });
    await gatewayCondition(suite.api, name, { type: 'Programmed', status: 'True', reason: 'Programmed' });
    await listenersMatch(suite.api, name, [
      {
        name: 'http',
        supportedKinds: [{ kind: 'HTTPRoute' }],
        attachedRoutes: 0,
        conditions: [
          { type: 'Accepted', status: 'True' },
          { type: 'ResolvedRefs', status: 'True' },
        ],
      },
    ]);
    const addresses = suite.api.get('Gateway', INFRA, name)?.status?.addresses ?? [];
    check(
      JSON.stringify(addresses) === JSON.stringify([usable]),
      `status.addresses should be only ${USABLE}: ${JSON.stringify(addresses)}`,
    );
  } finally {
    suite.api.remove('Gateway', INFRA, name);
  }
}

export async function optionalAddressValue(suite: GatewayConformance): Promise<void> {
  const name = 'gateway-without-address-value';
  suite.api.apply(gatewayWithAddresses(name, [{ type: 'IPAddress' }]));
  try {
    const address = await gatewayAddress(suite.api, name);
    check(address.startsWith('127.0.20.'), `the address ${address} should come from the pool`);
  } finally {
    suite.api.remove('Gateway', INFRA, name);
  }
}
