// Objects for the provisioned-Service tests (src/kube/gateway-service-*.test.ts).
import type { RoutingState } from '../../src/controller/state.ts';
import { emptyRoutingState } from '../../src/controller/routing-state.ts';
import type { GatewayToServe, ProvisionSettings } from '../../src/kube/gateway-service-desired.ts';
import type { ServiceTypeChoice } from '../../src/routing/gateway/parameters.ts';
import type { GatewayListener } from '../../src/routing/gateway/types.ts';
import { testOptions } from './routing-build-fixtures.ts';
import type { KubeObject } from '../../src/routing/types.ts';

export const SETTINGS: ProvisionSettings = Object.freeze({
  namespace: 'sluice',
  ownerValue: 'sluice.dev.gateway-controller',
  selector: { 'app.kubernetes.io/name': 'sluice', 'app.kubernetes.io/component': 'controller' },
  ports: { first: 20000, last: 20009 },
  defaultType: 'LoadBalancer',
});

export function gatewayObject(namespace: string, name: string, annotations: Record<string, string> = {}): KubeObject {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: { namespace, name, uid: `uid-${namespace}-${name}`, annotations },
    spec: { gatewayClassName: 'sluice' },
  };
}

export const GATEWAY_CLASS: KubeObject = {
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'GatewayClass',
  metadata: { name: 'sluice', uid: 'uid-class-sluice' },
};

export function toServe(
  namespace: string,
  name: string,
  ports: number[],
  annotations: Record<string, string> = {},
  parameters: ServiceTypeChoice | null = null,
): GatewayToServe {
  return {
    gateway: `${namespace}/${name}`,
    object: gatewayObject(namespace, name, annotations),
    gatewayClass: GATEWAY_CLASS,
    ports,
    parameters,
  };
}

/** A stored copy of a Service as the API server would hand it back (uid, resourceVersion, clusterIP). */
export function stored(service: object, extra: { clusterIP?: string; nodePorts?: boolean } = {}): KubeObject {
  const s = structuredClone(service) as { metadata: Record<string, unknown>; spec: Record<string, unknown> };
  s.metadata.uid = `uid-${String(s.metadata.name)}`;
  s.metadata.resourceVersion = '7';
  s.spec.clusterIP = extra.clusterIP ?? '10.96.0.10';
  if (extra.nodePorts === true) {
    s.spec.ports = (s.spec.ports as { port: number }[]).map((p, i) => ({ ...p, nodePort: 30000 + i }));
  }
  return s;
}

/** A GatewayServiceView over a plain map (gateway → listener port → container port), for the edge's tests. */
export function fakeServiceView(ports: Map<string, Map<number, number>>) {
  const listeners = new Set<() => void>();
  return {
    ports,
    changed: () => {
      for (const listener of listeners) listener();
    },
    serviceOf: (gateway: string) => {
      const mapped = ports.get(gateway);
      return mapped === undefined
        ? undefined
        : { name: `svc-${gateway}`, gateway, ports: mapped, object: { metadata: {}, spec: {} } };
    },
    addressesOf: () => undefined,
    subscribe(listener: () => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** A published state serving these (Gateway, port) listeners, as the Service writer reads it. */
export function stateServing(
  ports: readonly [string, number][],
  serviceType: ServiceTypeChoice | null = null,
): RoutingState {
  const listeners = ports.map(
    ([gateway, port]) => ({ gateway, gatewayClass: 'sluice', port, serviceType }) as GatewayListener,
  );
  return {
    ...emptyRoutingState(testOptions),
    gateway: {
      listeners,
      endpoints: new Map(),
      status: { gatewayClasses: [], gateways: [], routes: [] },
      problems: [],
    },
  };
}
