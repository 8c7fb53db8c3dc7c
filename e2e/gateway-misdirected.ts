// conformance/tests/httproute-https-listener-detect-misdirected-requests.go (GatewayHTTPSListenerDetectMisdirectedRequests):
// four HTTPS listeners on one port; a request whose Host belongs to another listener than the connection's SNI
// chose gets 421 Misdirected Request.
import {
  expectEventuallyConsistent,
  gatewayAndRoutesAccepted,
  httpRoute,
  INFRA,
  routeCondition,
  type GatewayConformance,
} from './gateway-fixtures.ts';

const GATEWAY = 'same-namespace-with-https-listener';
const PATH = '/detect-misdirected-requests';

function route(name: string, backend: string, sectionName?: string, hostnames?: readonly string[]) {
  return httpRoute(INFRA, name, {
    parentRefs: [{ name: GATEWAY, ...(sectionName === undefined ? {} : { sectionName }) }],
    ...(hostnames === undefined ? {} : { hostnames }),
    rules: [{ matches: [{ path: { type: 'PathPrefix', value: PATH } }], backendRefs: [{ name: backend, port: 8080 }] }],
  });
}

// [SNI, Host, status, backend], as the upstream test's table; its requests go over HTTP/2.
const CASES: readonly (readonly [string, string, number, string?])[] = [
  ['example.org', 'example.org', 200, 'infra-backend-v1'],
  ['example.org', 'second-example.org', 421],
  ['example.org', 'unknown-example.org', 404],
  ['second-example.org', 'second-example.org', 200, 'infra-backend-v2'],
  ['second-example.org', 'example.org', 421],
  ['second-example.org', 'unknown-example.org', 421],
  ['third-example.wildcard.org', 'third-example.wildcard.org', 200, 'infra-backend-v3'],
  ['third-example.wildcard.org', 'fith-example.wildcard.org', 200, 'infra-backend-v3'],
  ['third-example.wildcard.org', 'fourth-example.wildcard.org', 421],
  ['third-example.wildcard.org', 'second-example.org', 421],
  ['third-example.wildcard.org', 'unknown-example.org', 421],
  ['fourth-example.wildcard.org', 'fourth-example.wildcard.org', 200, 'infra-backend-v1'],
  ['fourth-example.wildcard.org', 'fith-example.wildcard.org', 421],
  ['unknown-example.org', 'example.org', 200, 'infra-backend-v1'],
  ['unknown-example.org', 'unknown-example.org', 404],
];

export async function detectMisdirectedRequests(suite: GatewayConformance): Promise<void> {
  // v1.6.1's tests/httproute-https-listener-detect-misdirected-requests.yaml
  const routes = [
    route('https-listener-detect-misdirected-requests-test-1', 'infra-backend-v1', 'https', ['example.org']),
    route('https-listener-detect-misdirected-requests-test-2', 'infra-backend-v2', 'https-with-hostname'),
    route('https-listener-detect-misdirected-requests-test-3', 'infra-backend-v3', 'https-with-wildcard-hostname'),
    route(
      'https-listener-detect-misdirected-requests-test-4',
      'infra-backend-v1',
      'https-with-hostname-matching-wildcard',
    ),
  ];
  const names = routes.map((r) => r.metadata.name as string);
  for (const r of routes) suite.api.apply(r);
  const address = await gatewayAndRoutesAccepted(suite.api, GATEWAY, names);
  for (const name of names) await routeCondition(suite.api, name, GATEWAY, { type: 'ResolvedRefs', status: 'True' });
  await Promise.all(
    CASES.map(([serverName, host, status, backend]) =>
      expectEventuallyConsistent(address, {
        tls: true,
        http2: true,
        serverName,
        host,
        path: PATH,
        ...(backend === undefined ? { status } : { backend, namespace: INFRA }),
      }).catch((error: Error) => {
        throw new Error(`SNI ${serverName}, Host ${host}: ${error.message}`);
      }),
    ),
  );
}
