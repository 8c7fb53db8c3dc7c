// A GRPCRoute's backends are spoken to as gRPC (found by the e2e port of the GATEWAY-GRPC profile: through
// plain h2c a pod's trailers-only UNIMPLEMENTED reached the client as INTERNAL, and a Service port without
// appProtocol got HTTP/1.1, so every call failed UNAVAILABLE).

import { describe, expect, it } from 'vitest';
import { fakeInspector, service, slice } from '../../../test/support/routing-build-fixtures.ts';
import {
  CONTROLLER,
  NS,
  gateway,
  gatewaySnapshot,
  httpRoute,
  ourClass,
} from '../../../test/support/routing-gateway-fixtures.ts';
import type { KubeObject } from '../types.ts';
import { upstreamProtocolOf } from '../upstream-policy.ts';
import { buildGateway } from './build-gateway.ts';

const OPTIONS = { controllerName: CONTROLLER, inspectCertificate: fakeInspector };
const listener = { name: 'http', port: 80, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'Same' } } };

function backend(name: string, appProtocol?: string): KubeObject[] {
  const port = { port: 8080, name: 'grpc', ...(appProtocol === undefined ? {} : { appProtocol }) };
  return [service(name, [port], NS), slice(name, ['10.0.0.1'], 'grpc', NS)];
}

/** The upstream protocol of the route to `service` built for `kind`. */
function protocolTo(kind: 'GRPCRoute' | 'HTTPRoute', name: string, appProtocol?: string): string {
  const spec = { parentRefs: [{ name: 'gw' }], rules: [{ backendRefs: [{ name, port: 8080 }] }] };
  const route = { ...httpRoute('r', spec), kind };
  const result = buildGateway(
    gatewaySnapshot([ourClass, gateway('gw', [listener]), route, ...backend(name, appProtocol)]),
    OPTIONS,
  );
  const pathRoute = result.listeners[0].table.hosts[0].routes[0];
  return upstreamProtocolOf(pathRoute.policy.traffic?.upstream, result.endpoints.get(pathRoute.backend)!);
}

describe('GRPCRoute backends', () => {
  it('speak gRPC over h2c when the Service port names no protocol, h2c or plain HTTP', () => {
    expect(protocolTo('GRPCRoute', 'plain')).toBe('grpc');
    expect(protocolTo('GRPCRoute', 'h2c', 'kubernetes.io/h2c')).toBe('grpc');
    expect(protocolTo('GRPCRoute', 'http', 'http')).toBe('grpc');
  });

  it('speak gRPC over TLS when the Service port names TLS', () => {
    expect(protocolTo('GRPCRoute', 'tls', 'https')).toBe('grpcs');
    expect(protocolTo('GRPCRoute', 'grpcs', 'grpcs')).toBe('grpcs');
  });

  it('leave an HTTPRoute to the Service port appProtocol', () => {
    expect(protocolTo('HTTPRoute', 'plain')).toBe('http');
    expect(protocolTo('HTTPRoute', 'h2c', 'kubernetes.io/h2c')).toBe('h2c');
  });
});
