// HTTPRoutes "already present" for the change-latency bench (--httproutes N): one GatewayClass, one Gateway
// with an HTTP listener on an unprivileged port, N HTTPRoutes with a hostname each to one shared Service, and
// the route whose backends get their first endpoint during the changes.
import type { ApiEmulator, KubeObject } from '../../e2e/support/api-emulator.ts';

const GATEWAY = 'bench-gateway';
export const GATEWAY_POOL = '127.0.31.0/24';
export const GATEWAY_PORT = 8080;
export const GATEWAY_ENDPOINT_HOST = 'gw-eps.example';
export const GATEWAY_NEW_ROUTE_HOST = 'gw-new.example';

export function httpRouteHostOf(i: number): string {
  return `route-${i}.gw.example`;
}

function httpRoute(namespace: string, name: string, hostname: string, rules: unknown[]): KubeObject {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { namespace, name },
    spec: { parentRefs: [{ name: GATEWAY }], hostnames: [hostname], rules },
  };
}

export function gatewayObjects(namespace: string, service: string, routes: number): KubeObject[] {
  const objects: KubeObject[] = [
    {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'GatewayClass',
      metadata: { name: 'sluice' },
      spec: { controllerName: 'sluice.dev/gateway-controller' },
    },
    {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: { namespace, name: GATEWAY },
      spec: { gatewayClassName: 'sluice', listeners: [{ name: 'http', port: GATEWAY_PORT, protocol: 'HTTP' }] },
    },
  ];
  for (let i = 0; i < routes; i++)
    objects.push(
      httpRoute(namespace, `route-${i}`, httpRouteHostOf(i), [
        { matches: [{ path: { type: 'PathPrefix', value: '/api' } }], backendRefs: [{ name: service, port: 80 }] },
        { backendRefs: [{ name: service, port: 80 }] },
      ]),
    );
  return objects;
}

/** Paths /g0 … /g(n-1) to Services g0 … g(n-1), which have no endpoint until the bench writes one (a route each:
 * a route has at most 16 rules). */
export function gatewayEndpointRoutes(namespace: string, count: number): KubeObject[] {
  const routes = [];
  for (let j = 0; j < count; j++)
    routes.push(
      httpRoute(namespace, `gw-eps-${j}`, GATEWAY_ENDPOINT_HOST, [
        { matches: [{ path: { type: 'Exact', value: `/g${j}` } }], backendRefs: [{ name: `g${j}`, port: 80 }] },
      ]),
    );
  return routes;
}

/** An HTTPRoute written during the changes: `path` on GATEWAY_NEW_ROUTE_HOST to `service`. */
export function newHttpRoute(namespace: string, name: string, path: string, service: string): KubeObject {
  return httpRoute(namespace, name, GATEWAY_NEW_ROUTE_HOST, [
    { matches: [{ path: { type: 'Exact', value: path } }], backendRefs: [{ name: service, port: 80 }] },
  ]);
}

/** The address the controller gave the Gateway (its status), once it has one. */
export async function gatewayAddress(api: ApiEmulator, namespace: string, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const addresses = api.get('Gateway', namespace, GATEWAY)?.status?.addresses ?? [];
    const value = (addresses as { value?: string }[])[0]?.value;
    if (typeof value === 'string' && value !== '') return value;
    if (Date.now() > deadline) throw new Error(`Gateway ${namespace}/${GATEWAY} got no address in ${timeoutMs} ms`);
    await new Promise((done) => setTimeout(done, 50));
  }
}
