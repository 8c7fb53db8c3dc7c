// The routing state the README's screenshots show: the admin fixture as a user would meet it (no hostile
// strings), with auth on the storefront, its ingress-nginx annotations audited, and a Gateway whose
// HTTPRoutes include one with a missing backend.
import type { RoutingState } from '../../src/controller/state.ts';
import type { AnnotationReport } from '../../src/routing/annotations.ts';
import { buildGateway } from '../../src/routing/gateway/build-gateway.ts';
import { compileMatcher } from '../../src/routing/matcher.ts';
import { NO_TRAFFIC } from '../../src/routing/no-traffic.ts';
import type { PathRoute, Problem } from '../../src/routing/types.ts';
import { fixtureState } from './admin-state-fixture.ts';
import { listener } from './admin-gateway-fixture.ts';
import { fakeInspector, service, slice } from './routing-build-fixtures.ts';
import { CONTROLLER, NS, gateway, gatewaySnapshot, httpRoute, ourClass } from './routing-gateway-fixtures.ts';

const NGINX = 'nginx.ingress.kubernetes.io/';
export const SHOWCASE_AUTH_URL = 'http://oauth2-proxy.auth.svc/oauth2/auth';

const annotation = (name: string, status: AnnotationReport['status'], message: string): AnnotationReport => ({
  name: `${NGINX}${name}`,
  status,
  message,
});

/** The audit rows of shop/storefront as the annotation reader writes them (one of each status). */
const STOREFRONT_AUDIT: readonly AnnotationReport[] = [
  annotation(
    'auth-url',
    'supported',
    'Every request is first sent (headers only) to this URL: 2xx lets it through, 401/403 answer, anything else 500.',
  ),
  annotation(
    'auth-signin',
    'supported',
    'On 401 from the auth service, redirect (302) here with rd=<the original URL>.',
  ),
  annotation(
    'configuration-snippet',
    'partial',
    `${NGINX}configuration-snippet: never executed; its 1 header line(s) are applied as header edits`,
  ),
  annotation('custom-headers', 'invalid', 'ConfigMap shop/headers not found; no header is set'),
  annotation(
    'stream-snippet',
    'unsupported',
    `${NGINX}stream-snippet is not supported by sluice, which ignores it: Never executed: sluice serves HTTP only, no TCP/UDP streams.`,
  ),
];

const PROBLEM_CODE: Record<string, string> = {
  partial: 'AnnotationPartial',
  invalid: 'ConfigMapNotFound',
  unsupported: 'AnnotationUnsupported',
};

/** The problems those rows raise on the Ingress, as the table build reports them. */
const STOREFRONT_PROBLEMS: readonly Problem[] = STOREFRONT_AUDIT.filter((row) => row.status !== 'supported').map(
  (row) => ({
    code: PROBLEM_CODE[row.status],
    object: { kind: 'Ingress', namespace: 'shop', name: 'storefront' },
    field: `metadata.annotations[${JSON.stringify(row.name)}]`,
    message: row.message,
  }),
);

function withAuth(route: PathRoute): PathRoute {
  if (route.source.name !== 'storefront') return route;
  const externalAuth = {
    url: SHOWCASE_AUTH_URL,
    method: null,
    signin: 'https://auth.example.com/oauth2/start',
    redirectParam: 'rd',
    responseHeaders: ['x-auth-request-user'],
    requestRedirect: null,
    field: `metadata.annotations["${NGINX}auth-url"]`,
  };
  return { ...route, policy: { ...route.policy, traffic: { ...NO_TRAFFIC, externalAuth } } };
}

const prefix = (value: string, backend: string) => ({
  matches: [{ path: { type: 'PathPrefix', value } }],
  backendRefs: [{ name: backend, port: 8080 }],
});

function showcaseGateway(): RoutingState['gateway'] {
  const snapshot = gatewaySnapshot([
    ourClass,
    gateway('edge', [listener('http', 80), listener('alt', 8080)]),
    httpRoute('store', { parentRefs: [{ name: 'edge' }], rules: [prefix('/api', 'api')] }),
    httpRoute('legacy', { parentRefs: [{ name: 'edge', sectionName: 'http' }], rules: [prefix('/v1', 'old-api')] }),
    service('api', [{ port: 8080, name: 'http' }], NS),
    slice('api', ['10.1.0.1', '10.1.0.2'], 'http', NS),
  ]);
  return buildGateway(snapshot, { controllerName: CONTROLLER, inspectCertificate: fakeInspector });
}

export function showcaseState(generation: number): RoutingState {
  const base = fixtureState({ generation });
  const hosts = base.result.table.hosts
    .filter((host) => host.host !== 'hostile.example.com')
    .map((host) => ({ ...host, routes: host.routes.map(withAuth) }));
  const table = { ...base.result.table, hosts };
  const endpoints = new Map(base.result.endpoints);
  endpoints.delete('evil/app:80');
  return {
    ...base,
    result: {
      ...base.result,
      table,
      endpoints,
      problems: [
        ...base.result.problems.filter((problem) => problem.object.namespace !== 'evil'),
        ...STOREFRONT_PROBLEMS,
      ],
      ownedIngresses: base.result.ownedIngresses.filter((key) => !key.startsWith('evil/')),
      annotationReports: new Map([['shop/storefront', STOREFRONT_AUDIT]]),
    },
    matcher: compileMatcher(table),
    gateway: showcaseGateway(),
  };
}
