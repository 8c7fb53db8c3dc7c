/**
 * Extended conformance tests of the GATEWAY-HTTP profile (kubernetes-sigs/gateway-api v1.6.1): query parameter
 * and method matches, redirects of scheme, port and path, and the mirrored share of requests; registered by
 * gateway-extended-tests.ts.
 */
// Each upstream test keeps its small manifest builders beside it, as upstream keeps each test's YAML beside its Go.
/* oxlint-disable unicorn/consistent-function-scoping */
import { randomUUID } from 'node:crypto';
import { connect as http2Connect } from 'node:http2';
import { WebSocket } from 'ws';
import { edgeRequest } from './support/http-client.ts';
import {
  expectEventuallyConsistent,
  gatewayAndRoutesAccepted,
  httpRoute,
  INFRA,
  listenersMatch,
  notAttached,
  routeCondition,
  type Expected,
  type GatewayConformance,
} from './gateway-fixtures.ts';

const ref = (name: string) => ({ name });
const backendRef = (name: string) => ({ name, port: 8080 });
const prefix = (value: string) => ({ type: 'PathPrefix', value });
const to = (version: 1 | 2 | 3) => ({ backendRefs: [backendRef(`infra-backend-v${version}`)] });
const at = (version: 1 | 2 | 3) => ({ backend: `infra-backend-v${version}`, namespace: INFRA });
const q = (name: string, value: string) => ({ name, value });
const version = (value: string) => [{ name: 'version', value }];

async function run(suite: GatewayConformance, route: string, cases: readonly Expected[]): Promise<void> {
  const address = await gatewayAndRoutesAccepted(suite.api, 'same-namespace', [route]);
  await routeCondition(suite.api, route, 'same-namespace', { type: 'ResolvedRefs', status: 'True' });
  await Promise.all(cases.map((expected) => expectEventuallyConsistent(address, expected)));
}

// conformance/tests/httproute-query-param-matching.go
export async function queryParamMatching(suite: GatewayConformance): Promise<void> {
  suite.api.apply(
    httpRoute(INFRA, 'query-param-matching', {
      parentRefs: [ref('same-namespace')],
      rules: [
        { matches: [{ queryParams: [q('animal', 'whale')] }], ...to(1) },
        { matches: [{ queryParams: [q('animal', 'dolphin')] }], ...to(2) },
        {
          matches: [
            { queryParams: [q('animal', 'dolphin'), q('color', 'blue')] },
            { queryParams: [q('ANIMAL', 'Whale')] },
          ],
          ...to(3),
        },
        { matches: [{ path: prefix('/path1'), queryParams: [q('animal', 'whale')] }], ...to(1) },
        { matches: [{ headers: version('one'), queryParams: [q('animal', 'whale')] }], ...to(2) },
        {
          matches: [{ path: prefix('/path2'), headers: version('two'), queryParams: [q('animal', 'whale')] }],
          ...to(3),
        },
        {
          matches: [
            { path: prefix('/path3'), queryParams: [q('animal', 'shark')] },
            { path: prefix('/path4'), headers: version('three'), queryParams: [q('animal', 'kraken')] },
          ],
          ...to(1),
        },
        { matches: [{ path: prefix('/path5') }], ...to(1) },
        { matches: [{ queryParams: [q('animal', 'hydra')] }], ...to(2) },
        { matches: [{ headers: version('four') }], ...to(3) },
      ],
    }),
  );
  await run(suite, 'query-param-matching', [
    { path: '/?animal=whale', ...at(1) },
    { path: '/?animal=dolphin', ...at(2) },
    { path: '/?animal=dolphin&color=blue', ...at(3) },
    { path: '/?ANIMAL=Whale', ...at(3) },
    { path: '/?animal=whale&otherparam=irrelevant', ...at(1) },
    { path: '/?animal=dolphin&color=yellow', ...at(2) },
    { path: '/?color=blue', status: 404 },
    { path: '/?animal=dog', status: 404 },
    { path: '/?animal=whaledolphin', status: 404 },
    { path: '/', status: 404 },
    { path: '/path1?animal=whale', ...at(1) },
    { path: '/?animal=whale', headers: { version: 'one' }, ...at(2) },
    { path: '/path2?animal=whale', headers: { version: 'two' }, ...at(3) },
    { path: '/path3?animal=shark', ...at(1) },
    { path: '/path4?animal=kraken', headers: { version: 'three' }, ...at(1) },
    { path: '/?animal=shark', status: 404 },
    { path: '/path4?animal=kraken', status: 404 },
    { path: '/path5?animal=hydra', ...at(1) },
    { path: '/?animal=hydra', headers: { version: 'four' }, ...at(3) },
  ]);
}

// conformance/tests/httproute-method-matching.go
export async function methodMatching(suite: GatewayConformance): Promise<void> {
  suite.api.apply(
    httpRoute(INFRA, 'method-matching', {
      parentRefs: [ref('same-namespace')],
      rules: [
        { matches: [{ method: 'POST' }], ...to(1) },
        { matches: [{ method: 'GET' }], ...to(2) },
        { matches: [{ path: prefix('/path1'), method: 'GET' }], ...to(1) },
        { matches: [{ headers: version('one'), method: 'PUT' }], ...to(2) },
        { matches: [{ path: prefix('/path2'), headers: version('two'), method: 'POST' }], ...to(3) },
        {
          matches: [
            { path: prefix('/path3'), method: 'PATCH' },
            { path: prefix('/path4'), headers: version('three'), method: 'DELETE' },
          ],
          ...to(1),
        },
        { matches: [{ path: prefix('/path5') }], ...to(1) },
        { matches: [{ method: 'PATCH' }], ...to(2) },
        { matches: [{ headers: version('four') }], ...to(3) },
      ],
    }),
  );
  await run(suite, 'method-matching', [
    { method: 'POST', path: '/', ...at(1) },
    { method: 'GET', path: '/', ...at(2) },
    { method: 'HEAD', path: '/', status: 404 },
    { method: 'GET', path: '/path1', ...at(1) },
    { method: 'PUT', path: '/', headers: { version: 'one' }, ...at(2) },
    { method: 'POST', path: '/path2', headers: { version: 'two' }, ...at(3) },
    { method: 'PATCH', path: '/path3', ...at(1) },
    { method: 'DELETE', path: '/path4', headers: { version: 'three' }, ...at(1) },
    { method: 'PUT', path: '/', status: 404 },
    { method: 'DELETE', path: '/path4', status: 404 },
    { method: 'PATCH', path: '/path5', ...at(1) },
    { method: 'PATCH', path: '/', headers: { version: 'four' }, ...at(2) },
  ]);
}

const redirectRule = (path: string, requestRedirect: object) => ({
  matches: [{ path: prefix(path) }],
  filters: [{ type: 'RequestRedirect', requestRedirect }],
});

// conformance/tests/httproute-redirect-scheme.go
export async function redirectScheme(suite: GatewayConformance): Promise<void> {
  suite.api.apply(
    httpRoute(INFRA, 'redirect-scheme', {
      parentRefs: [ref('same-namespace')],
      rules: [
        redirectRule('/scheme', { scheme: 'https' }),
        redirectRule('/scheme-and-host', { hostname: 'example.org', scheme: 'https' }),
        redirectRule('/scheme-and-status', { scheme: 'https', statusCode: 301 }),
        redirectRule('/scheme-and-host-and-status', { scheme: 'https', statusCode: 302, hostname: 'example.org' }),
      ],
    }),
  );
  await run(suite, 'redirect-scheme', [
    { path: '/scheme', status: 302, redirect: { scheme: 'https' } },
    { path: '/scheme-and-host', status: 302, redirect: { host: 'example.org', scheme: 'https' } },
    { path: '/scheme-and-status', status: 301, redirect: { scheme: 'https' } },
    { path: '/scheme-and-host-and-status', status: 302, redirect: { scheme: 'https', host: 'example.org' } },
  ]);
}

// conformance/tests/httproute-redirect-port.go
export async function redirectPort(suite: GatewayConformance): Promise<void> {
  suite.api.apply(
    httpRoute(INFRA, 'redirect-port', {
      parentRefs: [ref('same-namespace')],
      rules: [
        redirectRule('/port', { port: 8083 }),
        redirectRule('/port-and-host', { hostname: 'example.org', port: 8083 }),
        redirectRule('/port-and-status', { port: 8083, statusCode: 301 }),
        redirectRule('/port-and-host-and-status', { port: 8083, hostname: 'example.org', statusCode: 302 }),
      ],
    }),
  );
  await run(suite, 'redirect-port', [
    { path: '/port', status: 302, redirect: { port: '8083' } },
    { path: '/port-and-host', status: 302, redirect: { host: 'example.org', port: '8083' } },
    { path: '/port-and-status', status: 301, redirect: { port: '8083' } },
    { path: '/port-and-host-and-status', status: 302, redirect: { port: '8083', host: 'example.org' } },
  ]);
}

// conformance/tests/httproute-redirect-path.go
export async function redirectPath(suite: GatewayConformance): Promise<void> {
  const replace = (type: 'ReplacePrefixMatch' | 'ReplaceFullPath', value: string) =>
    type === 'ReplacePrefixMatch' ? { type, replacePrefixMatch: value } : { type, replaceFullPath: value };
  suite.api.apply(
    httpRoute(INFRA, 'redirect-path', {
      parentRefs: [ref('same-namespace')],
      rules: [
        redirectRule('/original-prefix', { path: replace('ReplacePrefixMatch', '/replacement-prefix') }),
        redirectRule('/full', { path: replace('ReplaceFullPath', '/full-path-replacement') }),
        redirectRule('/path-and-host', {
          hostname: 'example.org',
          path: replace('ReplacePrefixMatch', '/replacement-prefix'),
        }),
        redirectRule('/path-and-status', {
          path: replace('ReplacePrefixMatch', '/replacement-prefix'),
          statusCode: 301,
        }),
        redirectRule('/full-path-and-host', {
          hostname: 'example.org',
          path: replace('ReplaceFullPath', '/replacement-full'),
        }),
        redirectRule('/full-path-and-status', {
          path: replace('ReplaceFullPath', '/replacement-full'),
          statusCode: 301,
        }),
      ],
    }),
  );
  await run(suite, 'redirect-path', [
    { path: '/original-prefix/lemon', status: 302, redirect: { path: '/replacement-prefix/lemon' } },
    { path: '/full/path/original', status: 302, redirect: { path: '/full-path-replacement' } },
    { path: '/path-and-host', status: 302, redirect: { host: 'example.org', path: '/replacement-prefix' } },
    { path: '/path-and-status', status: 301, redirect: { path: '/replacement-prefix' } },
    { path: '/full-path-and-host', status: 302, redirect: { host: 'example.org', path: '/replacement-full' } },
    { path: '/full-path-and-status', status: 301, redirect: { path: '/replacement-full' } },
  ]);
}

/** Requests for `path` the pods of `service` received. */
function receivedCount(suite: GatewayConformance, service: string, path: string): number {
  return suite.pods.get(service)?.received.filter((request) => request.url === path).length ?? 0;
}

/** The count once it stops changing (mirrors are fire and forget: a few may still be on their way). */
async function settledCount(suite: GatewayConformance, service: string, path: string): Promise<number> {
  let last = -1;
  for (;;) {
    const count = receivedCount(suite, service, path);
    if (count === last) return count;
    last = count;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

/** One distribution check: 500 requests, 10 at a time; the mirror's share within 3 binomial standard deviations. */
async function mirroredShare(suite: GatewayConformance, address: string, expected: Expected, percent: number) {
  const total = 500;
  const path = `${expected.path}?X-Request-Id=${randomUUID()}`;
  let next = 0;
  const worker = async () => {
    while (next < total) {
      next += 1;
      await expectEventuallyConsistent(address, { ...expected, path }, 30_000, 1);
    }
  };
  await Promise.all(Array.from({ length: 10 }, worker));
  const actual = await settledCount(suite, 'infra-backend-v2', path);
  const p = percent / 100;
  const margin = 3 * Math.sqrt(total * p * (1 - p));
  return Math.abs(actual - total * p) <= margin
    ? null
    : `${actual} of ${total} mirrored, wanted ${total * p} ± ${margin}`;
}

// conformance/tests/httproute-request-percentage-mirror.go (5 distribution checks at most per case)
export async function requestPercentageMirror(
  suite: GatewayConformance,
  modifyHeaders: object,
  sent: Expected,
): Promise<void> {
  const mirror = (share: object) => ({
    type: 'RequestMirror',
    requestMirror: { backendRef: { name: 'infra-backend-v2', namespace: INFRA, port: 8080 }, ...share },
  });
  suite.api.apply(
    httpRoute(INFRA, 'request-percentage-mirror', {
      parentRefs: [ref('same-namespace')],
      rules: [
        { matches: [{ path: prefix('/percent-mirror') }], filters: [mirror({ percent: 20 })], ...to(1) },
        {
          matches: [{ path: prefix('/percent-mirror-fraction') }],
          filters: [mirror({ fraction: { numerator: 25, denominator: 50 } })],
          ...to(1),
        },
        {
          matches: [{ path: prefix('/percent-mirror-and-modify-headers') }],
          filters: [modifyHeaders, mirror({ percent: 35 })],
          ...to(1),
        },
      ],
    }),
  );
  const cases: [Expected, number][] = [
    [{ path: '/percent-mirror', requestPath: '/percent-mirror', ...at(1) }, 20],
    [{ path: '/percent-mirror-fraction', requestPath: '/percent-mirror-fraction', ...at(1) }, 50],
    [
      {
        ...sent,
        path: '/percent-mirror-and-modify-headers',
        requestPath: '/percent-mirror-and-modify-headers',
        ...at(1),
      },
      35,
    ],
  ];
  const address = await gatewayAndRoutesAccepted(suite.api, 'same-namespace', ['request-percentage-mirror']);
  await routeCondition(suite.api, 'request-percentage-mirror', 'same-namespace', {
    type: 'ResolvedRefs',
    status: 'True',
  });
  for (const [expected, percent] of cases) {
    await expectEventuallyConsistent(address, expected);
    let why: string | null = 'not run';
    for (let check = 0; check < 5 && why !== null; check++)
      why = await mirroredShare(suite, address, expected, percent);
    if (why !== null) throw new Error(`${expected.path}: ${why}`);
  }
}

// conformance/tests/httproute-303-redirect.go, httproute-307-redirect.go, httproute-308-redirect.go
export async function redirectStatus(suite: GatewayConformance, status: 303 | 307 | 308): Promise<void> {
  const path = status === 303 ? '/see-other' : status === 307 ? '/temporary' : '/permanent';
  const name = `${status}-redirect`;
  suite.api.apply(
    httpRoute(INFRA, name, {
      parentRefs: [ref('same-namespace')],
      rules: [redirectRule(path, { statusCode: status })],
    }),
  );
  await run(suite, name, [{ method: status === 303 ? 'POST' : undefined, path, status, redirect: { path } }]);
}

// conformance/tests/httproute-cors.go
export async function cors(suite: GatewayConformance): Promise<void> {
  const route = (name: string, rules: [string, object][]) =>
    httpRoute(INFRA, name, {
      parentRefs: [ref('same-namespace')],
      rules: rules.map(([path, filter]) => ({
        filters: [{ type: 'CORS', cors: filter }],
        matches: [{ path: prefix(path) }],
        ...to(1),
      })),
    });
  suite.api.apply(
    route('cors-multiple-origins-methods-headers', [
      [
        '/cors-1',
        {
          allowOrigins: ['https://www.foo.com', 'https://*.bar.com'],
          allowMethods: ['GET', 'OPTIONS'],
          allowHeaders: ['x-header-1', 'x-header-2'],
          exposeHeaders: ['x-header-3', 'x-header-4'],
          allowCredentials: true,
          maxAge: 3600,
        },
      ],
    ]),
  );
  suite.api.apply(
    route('cors-wildcard-methods', [['/cors-2', { allowOrigins: ['https://www.foo.com'], allowMethods: ['*'] }]]),
  );
  suite.api.apply(
    route('cors-wildcard-origin', [
      ['/cors-wildcard-origin', { allowOrigins: ['*'], allowMethods: ['PUT'], allowCredentials: false }],
    ]),
  );
  const wide = { allowOrigins: ['*'], allowMethods: ['*'], allowHeaders: ['*'] };
  suite.api.apply(
    route('cors-wildcard-methods-headers', [
      ['/cors-wildcard-methods-headers', { ...wide, allowCredentials: true }],
      ['/cors-wildcard-methods-headers-unauth', { ...wide, allowCredentials: false }],
    ]),
  );
  const names = [
    'cors-multiple-origins-methods-headers',
    'cors-wildcard-methods',
    'cors-wildcard-origin',
    'cors-wildcard-methods-headers',
  ];
  const address = await gatewayAndRoutesAccepted(suite.api, 'same-namespace', names);
  for (const name of names)
    await routeCondition(suite.api, name, 'same-namespace', { type: 'ResolvedRefs', status: 'True' });
  const ask = (origin: string, method: string, headers?: string) => ({
    Origin: origin,
    'access-control-request-method': method,
    ...(headers === undefined ? {} : { 'access-control-request-headers': headers }),
  });
  const preflight = (path: string, headers: Record<string, string>, more: Partial<Expected>): Expected => ({
    path,
    method: 'OPTIONS',
    headers,
    statuses: [200, 204],
    ...more,
  });
  const allowedPreflight = (origin: string): Expected =>
    preflight('/cors-1', ask(origin, 'GET', 'x-header-1, x-header-2'), {
      validResponseHeaders: {
        'access-control-allow-origin': [origin],
        'access-control-allow-methods': ['GET, OPTIONS', 'OPTIONS, GET'],
        'access-control-allow-headers': ['x-header-1, x-header-2', 'x-header-2, x-header-1'],
        'access-control-expose-headers': ['x-header-3, x-header-4', 'x-header-4, x-header-3'],
        'access-control-max-age': ['3600'],
        'access-control-allow-credentials': ['true'],
      },
    });
  const noCredentials = ['access-control-allow-credentials'];
  const anyOrigin = (origin: string) => ({ 'access-control-allow-origin': [origin, '*'] });
  await Promise.all(
    [
      allowedPreflight('https://www.foo.com'),
      allowedPreflight('https://www.bar.com'),
      allowedPreflight('https://xpto.www.bar.com'),
      preflight('/cors-1', ask('https://foobar.com', 'GET'), {
        statuses: [200, 204, 403],
        absentResponseHeaders: ['access-control-allow-origin'],
      }),
      ...['https://www.foo.com', 'https://www.bar.com'].map(
        (origin): Expected => ({
          path: '/cors-1',
          headers: ask(origin, 'GET', 'x-header-1, x-header-2'),
          responseHeaders: { 'access-control-allow-origin': origin },
          namespace: INFRA,
        }),
      ),
      {
        path: '/cors-1',
        headers: ask('https://foobar.com', 'GET'),
        absentResponseHeaders: ['access-control-allow-origin'],
      },
      preflight('/cors-2', ask('https://www.foo.com', 'POST'), {
        validResponseHeaders: { 'access-control-allow-methods': ['POST', '*'] },
        responseHeaders: { 'access-control-allow-origin': 'https://www.foo.com' },
        absentResponseHeaders: noCredentials,
      }),
      ...['https://foobar.com', 'https://foobar.com:12345'].map((origin) =>
        preflight('/cors-wildcard-origin', ask(origin, 'PUT'), {
          validResponseHeaders: { ...anyOrigin(origin), 'access-control-allow-methods': ['PUT'] },
          absentResponseHeaders: noCredentials,
        }),
      ),
      ...['https://foobar.com:12345', 'https://foobar.com'].map(
        (origin): Expected => ({
          path: '/cors-wildcard-origin',
          method: 'PUT',
          headers: { Origin: origin },
          validResponseHeaders: anyOrigin(origin),
          absentResponseHeaders: origin.endsWith('12345') ? [] : noCredentials,
        }),
      ),
      preflight('/cors-wildcard-methods-headers', ask('https://other.foo.com', 'PUT', 'x-header-1, x-header-2'), {
        validResponseHeaders: {
          'access-control-allow-origin': ['https://other.foo.com'],
          'access-control-allow-methods': ['PUT'],
          'access-control-allow-headers': ['x-header-1, x-header-2', 'x-header-2, x-header-1'],
          'access-control-allow-credentials': ['true'],
        },
      }),
      preflight(
        '/cors-wildcard-methods-headers-unauth',
        ask('https://other.foo.com', 'PUT', 'x-header-1, x-header-2'),
        {
          validResponseHeaders: {
            ...anyOrigin('https://other.foo.com'),
            'access-control-allow-methods': ['PUT', '*'],
            'access-control-allow-headers': ['x-header-1, x-header-2', 'x-header-2, x-header-1', '*'],
          },
          absentResponseHeaders: noCredentials,
        },
      ),
      {
        path: '/cors-wildcard-methods-headers',
        headers: { Origin: 'https://other.foo.com' },
        validResponseHeaders: {
          'access-control-allow-origin': ['https://other.foo.com'],
          'access-control-allow-credentials': ['true'],
        },
      },
      {
        path: '/cors-wildcard-methods-headers-unauth',
        headers: { Origin: 'https://other.foo.com' },
        validResponseHeaders: anyOrigin('https://other.foo.com'),
        absentResponseHeaders: noCredentials,
      },
    ].map((expected) => expectEventuallyConsistent(address, expected)),
  );
}

// conformance/tests/gateway-http-listener-isolation.go (and its -with-hostname-intersection.yaml)
export async function httpListenerIsolation(suite: GatewayConformance): Promise<void> {
  const sections = [
    ['empty-hostname', undefined],
    ['wildcard-example-com', '*.example.com'],
    ['wildcard-foo-example-com', '*.foo.example.com'],
    ['abc-foo-example-com', 'abc.foo.example.com'],
  ] as const;
  const allHostnames = ['bar.com', '*.example.com', '*.foo.example.com', 'abc.foo.example.com'];
  const hosts: [string, string][] = [
    ['bar.com', 'empty-hostname'],
    ['bar.example.com', 'wildcard-example-com'],
    ['bar.foo.example.com', 'wildcard-foo-example-com'],
    ['abc.foo.example.com', 'abc-foo-example-com'],
  ];
  for (const intersect of [false, true]) {
    const gateway = intersect ? 'http-listener-isolation-with-hostname-intersection' : 'http-listener-isolation';
    suite.api.apply({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: { namespace: INFRA, name: gateway },
      spec: {
        gatewayClassName: 'sluice-conformance',
        listeners: sections.map(([name, hostname]) => ({
          name,
          port: 80,
          protocol: 'HTTP',
          ...(hostname === undefined ? {} : { hostname }),
          allowedRoutes: { namespaces: { from: 'All' } },
        })),
      },
    });
    const routes = sections.map(
      ([section]) => `attaches-to-${section}${intersect ? '-with-hostname-intersection' : ''}`,
    );
    sections.forEach(([section], index) =>
      suite.api.apply(
        httpRoute(INFRA, routes[index], {
          parentRefs: [{ name: gateway, namespace: INFRA, sectionName: section }],
          ...(intersect ? { hostnames: allHostnames } : {}),
          rules: [{ matches: [{ path: prefix(`/${section}`) }], ...to(1) }],
        }),
      ),
    );
    try {
      const address = await gatewayAndRoutesAccepted(suite.api, gateway, routes);
      await Promise.all(
        hosts.flatMap(([host, own]) =>
          sections.map(([section]) =>
            expectEventuallyConsistent(
              address,
              section === own ? { host, path: `/${section}`, ...at(1) } : { host, path: `/${section}`, status: 404 },
            ),
          ),
        ),
      );
    } finally {
      for (const route of routes) suite.api.remove('HTTPRoute', INFRA, route);
      suite.api.remove('Gateway', INFRA, gateway);
    }
  }
}

// conformance/tests/httproute-redirect-port-and-scheme.go: the listener's port is kept unless the scheme
// changes (then the scheme's well-known port), on listeners at 80, 8080 and 443.
export async function redirectPortAndScheme(suite: GatewayConformance): Promise<void> {
  const on8080 = 'same-namespace-with-http-listener-on-8080';
  suite.api.apply({
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: { namespace: INFRA, name: on8080 },
    spec: {
      gatewayClassName: 'sluice-conformance',
      listeners: [{ name: 'http', port: 8080, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'Same' } } }],
    },
  });
  const rule = (path: string, redirect: { scheme?: string; port?: number }) =>
    redirectRule(path, { ...redirect, hostname: 'example.org' });
  const routes: [string, string, [string, { scheme?: string; port?: number }][]][] = [
    [
      'http-route-for-listener-on-port-80',
      'same-namespace',
      [
        ['/scheme-nil-and-port-nil', {}],
        ['/scheme-nil-and-port-80', { port: 80 }],
        ['/scheme-nil-and-port-8080', { port: 8080 }],
        ['/scheme-https-and-port-nil', { scheme: 'https' }],
        ['/scheme-https-and-port-443', { scheme: 'https', port: 443 }],
        ['/scheme-https-and-port-8443', { scheme: 'https', port: 8443 }],
      ],
    ],
    [
      'http-route-for-listener-on-port-8080',
      on8080,
      [
        ['/scheme-nil-and-port-nil', {}],
        ['/scheme-nil-and-port-80', { port: 80 }],
        ['/scheme-https-and-port-nil', { scheme: 'https' }],
      ],
    ],
    [
      'http-route-for-listener-on-port-443',
      'same-namespace-with-https-listener',
      [
        ['/scheme-nil-and-port-nil', {}],
        ['/scheme-nil-and-port-443', { port: 443 }],
        ['/scheme-nil-and-port-8443', { port: 8443 }],
        ['/scheme-http-and-port-nil', { scheme: 'http' }],
        ['/scheme-http-and-port-80', { scheme: 'http', port: 80 }],
        ['/scheme-http-and-port-8080', { scheme: 'http', port: 8080 }],
      ],
    ],
  ];
  for (const [name, gateway, rules] of routes)
    suite.api.apply(
      httpRoute(INFRA, name, {
        parentRefs: [ref(gateway)],
        rules: rules.map(([path, redirect]) => rule(path, redirect)),
      }),
    );
  try {
    const checks: Promise<void>[] = [];
    for (const [name, gateway, rules] of routes) {
      const address = await gatewayAndRoutesAccepted(suite.api, gateway, [name]);
      await routeCondition(suite.api, name, gateway, { type: 'ResolvedRefs', status: 'True' });
      const tls = gateway === 'same-namespace-with-https-listener';
      const listenerPort = gateway === on8080 ? 8080 : tls ? 443 : 80;
      for (const [path, redirect] of rules) {
        const scheme = redirect.scheme ?? (tls ? 'https' : 'http');
        // The port the Location must name: a port of its own, else the listener's unless the scheme changed.
        const port = redirect.port ?? (redirect.scheme === undefined ? listenerPort : undefined);
        const wellKnown = port === (scheme === 'https' ? 443 : 80);
        checks.push(
          expectEventuallyConsistent(address, {
            path,
            port: listenerPort,
            ...(tls ? { tls: true, host: 'example.org' } : {}),
            status: 302,
            redirect: {
              scheme,
              host: 'example.org',
              ...(port === undefined || wellKnown ? {} : { port: String(port) }),
            },
          }),
        );
      }
    }
    await Promise.all(checks);
  } finally {
    suite.api.remove('Gateway', INFRA, on8080);
  }
}

// conformance/tests/gateway-with-attached-routes.go GatewayWithAttachedRoutesWithPort8080
export async function attachedRoutesWithPort8080(suite: GatewayConformance): Promise<void> {
  const gateway = 'gateway-with-two-listeners-and-one-attached-route';
  const allowed = { kinds: [{ kind: 'HTTPRoute' }], namespaces: { from: 'All' } };
  suite.api.apply({
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: { namespace: INFRA, name: gateway },
    spec: {
      gatewayClassName: 'sluice-conformance',
      listeners: [
        { name: 'http-unattached', port: 8080, protocol: 'HTTP', allowedRoutes: allowed },
        { name: 'http', port: 80, protocol: 'HTTP', allowedRoutes: allowed },
      ],
    },
  });
  suite.api.apply(
    httpRoute(INFRA, 'http-route-4-port-8080', {
      parentRefs: [{ kind: 'Gateway', name: gateway, namespace: INFRA, sectionName: 'http' }],
      rules: [to(1)],
    }),
  );
  const ready = [
    { type: 'Accepted', status: 'True' },
    { type: 'ResolvedRefs', status: 'True' },
  ];
  try {
    await listenersMatch(suite.api, gateway, [
      { name: 'http-unattached', supportedKinds: [{ kind: 'HTTPRoute' }], attachedRoutes: 0, conditions: ready },
      { name: 'http', supportedKinds: [{ kind: 'HTTPRoute' }], attachedRoutes: 1, conditions: ready },
    ]);
  } finally {
    suite.api.remove('Gateway', INFRA, gateway);
  }
}

function gatewayOf(name: string, listeners: object[]): object {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: { namespace: INFRA, name },
    spec: { gatewayClassName: 'sluice-conformance', listeners },
  };
}

// conformance/tests/httproute-listener-port-matching.go
export async function listenerPortMatching(suite: GatewayConformance): Promise<void> {
  const gateway = 'httproute-listener-port-matching';
  const listener = (name: string, port: number, hostname: string) => ({
    name,
    port,
    protocol: 'HTTP',
    allowedRoutes: { namespaces: { from: 'Same' } },
    hostname,
  });
  suite.api.apply(
    gatewayOf(gateway, [
      listener('listener-1', 80, 'foo.com'),
      listener('listener-2', 8080, 'foo.com'),
      listener('listener-3', 8080, 'bar.com'),
      listener('listener-4', 8090, 'foo.com'),
      listener('listener-5', 8090, 'bar.com'),
    ]),
  );
  const route = (name: string, parent: object, backend: 1 | 2 | 3) =>
    httpRoute(INFRA, name, { parentRefs: [{ name: gateway, ...parent }], rules: [to(backend)] });
  suite.api.apply(route('backend-v1', { port: 80 }, 1));
  suite.api.apply(route('backend-v2', { port: 8080 }, 2));
  suite.api.apply(route('backend-v3', { port: 8090, sectionName: 'listener-4' }, 3));
  try {
    const address = await gatewayAndRoutesAccepted(suite.api, gateway, ['backend-v1', 'backend-v2', 'backend-v3']);
    for (const name of ['backend-v1', 'backend-v2', 'backend-v3'])
      await routeCondition(suite.api, name, gateway, { type: 'ResolvedRefs', status: 'True' });
    const cases: [string, number, Partial<Expected>][] = [
      ['foo.com', 80, at(1)],
      ['foo.com:8080', 8080, at(2)],
      ['bar.com:8080', 8080, at(2)],
      ['foo.com:8090', 8090, at(3)],
      ['bar.com:8090', 8090, { status: 404 }],
    ];
    await Promise.all(
      cases.map(([host, port, expected]) =>
        expectEventuallyConsistent(address, { path: '/', host, port, ...expected }),
      ),
    );
  } finally {
    suite.api.remove('Gateway', INFRA, gateway);
  }
}

// conformance/tests/httproute-invalid-parentref-section-name-not-matching-port.go
export async function sectionNameNotMatchingPort(suite: GatewayConformance): Promise<void> {
  const gateway = 'gateway-with-one-not-matching-port-and-section-name-route';
  const name = 'httproute-listener-section-name-not-matching-port';
  suite.api.apply(
    gatewayOf(gateway, [
      {
        name: 'http',
        port: 80,
        protocol: 'HTTP',
        allowedRoutes: { kinds: [{ kind: 'HTTPRoute' }], namespaces: { from: 'All' } },
      },
    ]),
  );
  suite.api.apply(
    httpRoute(INFRA, name, {
      parentRefs: [{ name: gateway, sectionName: 'http', port: 81 }],
      rules: [{ backendRefs: [{ name: 'infra-backend-v1', port: 8080, kind: 'Service' }] }],
    }),
  );
  try {
    await routeCondition(suite.api, name, gateway, { type: 'Accepted', status: 'False', reason: 'NoMatchingParent' });
    await notAttached(suite.api, `${INFRA}/${name}`, gateway);
  } finally {
    suite.api.remove('Gateway', INFRA, gateway);
  }
}

/** One WebSocket exchange through the Gateway: a text and a binary message echoed back. */
function webSocketRoundTrip(address: string): Promise<string | null> {
  return new Promise((resolve) => {
    const socket = new WebSocket(`ws://${address}/ws`, { origin: 'ws://gateway/HTTPRouteBackendProtocolWebSocket' });
    const replies: { data: Buffer; binary: boolean }[] = [];
    const done = (why: string | null) => {
      socket.terminate();
      resolve(why);
    };
    const timer = setTimeout(() => done('no echo within 5 s'), 5_000);
    socket.on('error', (error) => done(error.message));
    socket.on('open', () => {
      socket.send('Websocket Support!');
      socket.send(Buffer.from([1, 2, 3, 4, 5, 6, 7]));
    });
    socket.on('message', (data: Buffer, binary: boolean) => {
      replies.push({ data, binary });
      if (replies.length < 2) return;
      clearTimeout(timer);
      const [text, bytes] = replies;
      const ok = !text.binary && text.data.toString() === 'Websocket Support!' && bytes.binary;
      done(ok && bytes.data.equals(Buffer.from([1, 2, 3, 4, 5, 6, 7])) ? null : 'unexpected echo');
    });
  });
}

// conformance/tests/httproute-backend-protocol-websocket.go: a backendRef to a Service port with appProtocol
// kubernetes.io/ws; 3 consecutive good round trips (http.AwaitConvergence).
export async function backendProtocolWebSocket(suite: GatewayConformance): Promise<void> {
  suite.api.apply(
    httpRoute(INFRA, 'backend-protocol-ws', {
      parentRefs: [ref('same-namespace')],
      rules: [{ backendRefs: [{ name: 'infra-backend-v1', port: 8082 }] }],
    }),
  );
  const address = await gatewayAndRoutesAccepted(suite.api, 'same-namespace', ['backend-protocol-ws']);
  const deadline = Date.now() + 30_000;
  let streak = 0;
  let last: string | null = null;
  while (streak < 3) {
    if (Date.now() > deadline) throw new Error(`no 3 consecutive WebSocket echoes: ${last}`);
    last = await webSocketRoundTrip(address);
    streak = last === null ? streak + 1 : 0;
    if (last !== null) await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** One request with HTTP/2 prior knowledge (roundtripper.H2CPriorKnowledgeProtocol): why it did not match. */
function h2cRoundTrip(address: string, path: string): Promise<string | null> {
  return new Promise((resolve) => {
    const session = http2Connect(`http://${address}:80`);
    const done = (why: string | null) => {
      session.destroy();
      resolve(why);
    };
    session.setTimeout(5_000, () => done('no answer within 5 s'));
    session.on('error', (error) => done(error.message));
    const stream = session.request({ ':path': path, ':method': 'GET' });
    let status = 0;
    let body = '';
    stream.on('response', (headers) => {
      status = Number(headers[':status']);
    });
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      body += chunk;
    });
    stream.on('error', (error) => done(error.message));
    stream.on('end', () => {
      if (status !== 200) return done(`status ${status}`);
      try {
        const echo = JSON.parse(body) as { pod: string; namespace: string };
        done(echo.pod.startsWith('infra-backend-v1') && echo.namespace === INFRA ? null : `pod ${echo.pod}`);
      } catch {
        done(`not an echo: ${body.slice(0, 80)}`);
      }
    });
  });
}

// conformance/tests/httproute-backend-protocol-h2c.go: an h2c client, a backendRef to a Service port with
// appProtocol kubernetes.io/h2c; 3 consecutive matching answers.
export async function backendProtocolH2c(suite: GatewayConformance): Promise<void> {
  suite.api.apply(
    httpRoute(INFRA, 'backend-protocol-h2c', {
      parentRefs: [ref('same-namespace')],
      rules: [{ backendRefs: [{ name: 'infra-backend-v1', port: 8081 }] }],
    }),
  );
  const address = await gatewayAndRoutesAccepted(suite.api, 'same-namespace', ['backend-protocol-h2c']);
  const deadline = Date.now() + 30_000;
  let streak = 0;
  let last: string | null = null;
  while (streak < 3) {
    if (Date.now() > deadline) throw new Error(`no 3 consecutive h2c answers from infra-backend-v1: ${last}`);
    last = await h2cRoundTrip(address, '/');
    streak = last === null ? streak + 1 : 0;
    if (last !== null) await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

// conformance/tests/httproute-request-header-modifier-backend-weights.go: each backendRef sets a header
// naming itself; 100 requests, each must reach the pod its header names.
export async function backendRequestHeaderModifier(suite: GatewayConformance): Promise<void> {
  const name = 'request-header-modifier-backend-weights';
  const share = (service: string) => ({
    name: service,
    port: 8080,
    weight: 10,
    filters: [{ type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'Backend', value: service }] } }],
  });
  suite.api.apply(
    httpRoute(INFRA, name, {
      parentRefs: [ref('same-namespace')],
      rules: [{ backendRefs: [share('infra-backend-v1'), share('infra-backend-v2')] }],
    }),
  );
  const address = await gatewayAndRoutesAccepted(suite.api, 'same-namespace', [name]);
  await routeCondition(suite.api, name, 'same-namespace', { type: 'ResolvedRefs', status: 'True' });
  await expectEventuallyConsistent(address, { path: '/', status: 200, namespace: INFRA });
  for (let i = 0; i < 100; i++) {
    const reply = await edgeRequest(`http://${address}:80`, { path: '/', timeoutMs: 5_000 });
    const echo = reply.json<{ pod: string; headers: Record<string, string[]> }>();
    const named = echo.headers.backend ?? [];
    if (named.length !== 1) throw new Error(`expected one Backend header, got ${named.length}`);
    if (!echo.pod.startsWith(named[0])) throw new Error(`Backend header ${named[0]}, but pod ${echo.pod}`);
  }
}

// conformance/tests/httproute-named-rule.go: a rule's `name` changes nothing in routing.
export async function namedRule(suite: GatewayConformance): Promise<void> {
  suite.api.apply(
    httpRoute(INFRA, 'http-named-rules', {
      parentRefs: [ref('same-namespace')],
      rules: [
        { name: 'named-rule', matches: [{ path: prefix('/named') }], ...to(1) },
        { matches: [{ path: prefix('/unnamed') }], ...to(2) },
      ],
    }),
  );
  await run(suite, 'http-named-rules', [
    { path: '/named', status: 200 },
    { path: '/unnamed', status: 200 },
  ]);
}
