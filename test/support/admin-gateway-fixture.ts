// A routing state with one Gateway (two listener ports) and an HTTPRoute, built by the real Gateway core,
// for the admin view, API and page tests.
import type { RoutingState } from '../../src/controller/state.ts';
import { buildGateway } from '../../src/routing/gateway/build-gateway.ts';
import { fakeInspector, service, slice } from './routing-build-fixtures.ts';
import { CONTROLLER, NS, gateway, gatewaySnapshot, httpRoute, ourClass } from './routing-gateway-fixtures.ts';

export const GATEWAY = `${NS}/edge`;

/** An HTTP listener for gw.example.org admitting routes from all namespaces. */
export const listener = (name: string, port: number) => ({
  name,
  port,
  protocol: 'HTTP',
  hostname: 'gw.example.org',
  allowedRoutes: { namespaces: { from: 'All' } },
});

export function withGateway(state: RoutingState): RoutingState {
  const snapshot = gatewaySnapshot([
    ourClass,
    gateway('edge', [listener('http', 80), listener('alt', 8080)]),
    httpRoute('store', {
      parentRefs: [{ name: 'edge' }],
      rules: [
        { matches: [{ path: { type: 'PathPrefix', value: '/api' } }], backendRefs: [{ name: 'api', port: 8080 }] },
      ],
    }),
    service('api', [{ port: 8080, name: 'http' }], NS),
    slice('api', ['10.1.0.1'], 'http', NS),
  ]);
  return {
    ...state,
    gateway: buildGateway(snapshot, { controllerName: CONTROLLER, inspectCertificate: fakeInspector }),
  };
}
