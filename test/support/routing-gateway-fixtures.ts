// Compact Gateway API objects for the gateway core's unit tests. Test-only.

import type { KubeObject, Snapshot } from '../../src/routing/types.ts';

export const CONTROLLER = 'sluice.dev/gateway-controller';
export const NS = 'infra';

export const ourClass: KubeObject = {
  kind: 'GatewayClass',
  metadata: { name: 'sluice', generation: 1 },
  spec: { controllerName: CONTROLLER },
};

export function gateway(name: string, listeners: readonly Record<string, unknown>[], generation = 1): KubeObject {
  return {
    kind: 'Gateway',
    metadata: { name, namespace: NS, generation },
    spec: { gatewayClassName: 'sluice', listeners },
  };
}

export function httpRoute(name: string, spec: Record<string, unknown>, namespace = NS, generation = 1): KubeObject {
  return { kind: 'HTTPRoute', metadata: { name, namespace, generation }, spec };
}

export function gatewaySnapshot(objects: readonly KubeObject[]): Snapshot {
  const pick = (kind: string) => objects.filter((object) => object.kind === kind);
  return {
    ingressClasses: pick('IngressClass'),
    ingresses: pick('Ingress'),
    services: pick('Service'),
    endpointSlices: pick('EndpointSlice'),
    secrets: pick('Secret'),
    configMaps: pick('ConfigMap'),
    namespaces: pick('Namespace'),
    gatewayClasses: pick('GatewayClass'),
    gateways: pick('Gateway'),
    httpRoutes: pick('HTTPRoute'),
    grpcRoutes: pick('GRPCRoute'),
    referenceGrants: pick('ReferenceGrant'),
  };
}
