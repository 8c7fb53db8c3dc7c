/**
 * Gateway API Core conformance (kubernetes-sigs/gateway-api v1.6.1, conformance/tests/*.go and *.yaml) ported to
 * the real binary and the API emulator: each describe is named after its upstream test, each request check
 * needs 3 consecutive matching answers (http.MakeRequestAndExpectEventuallyConsistentResponse). After a full
 * run, docs/gateway-conformance-report.yaml is written in the upstream ConformanceReport format.
 */
// Each upstream test keeps its small manifest builders beside it, as upstream keeps each test's YAML beside its Go.
/* oxlint-disable unicorn/consistent-function-scoping */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORE_FEATURES } from '../src/routing/gateway/types.ts';
import { EXTENDED_TESTS, registerExtendedTests } from './gateway-extended-tests.ts';
import { GRPC_TESTS, registerGrpcTests } from './gateway-grpc-tests.ts';
import { selfSignedFor, tlsSecret } from './fixtures.ts';
import { writeConformanceReport } from './gateway-report.ts';
import { writeBackend } from './support/endpoint-slices.ts';
import { edgeRequest } from './support/http-client.ts';
import {
  CONTROLLER_NAME,
  APP_BACKEND,
  check,
  expectEventuallyConsistent,
  GATEWAY_CLASS,
  gatewayCondition,
  gatewayAndRoutesAccepted,
  hasCondition,
  httpRoute,
  INFRA,
  listenersMatch,
  notAttached,
  routeCondition,
  servesCertificate,
  startGatewayConformance,
  V1,
  WEB_BACKEND,
  until,
  type GatewayConformance,
} from './gateway-fixtures.ts';

let suite: GatewayConformance;
const results = new Map<string, boolean>();
/** The upstream tests this file runs; the report is written only when all of them ran. */
const registered: string[] = [];

/** Runs an upstream test's body and records whether it passed. */
function conformance(shortName: string, body: () => Promise<void>): void {
  registered.push(shortName);
  describe(`${shortName}`, () => {
    // The assertions are the upstream checks in gateway-fixtures.ts, which throw on a mismatch.
    // oxlint-disable-next-line vitest/expect-expect
    it(`${shortName}`, { timeout: 90_000 }, async () => {
      results.set(shortName, false);
      for (const route of suite.api.list('HTTPRoute'))
        suite.api.remove('HTTPRoute', route.metadata.namespace, route.metadata.name);
      await body();
      results.set(shortName, true);
    });
  });
}

beforeAll(async () => {
  suite = await startGatewayConformance();
}, 60_000);

afterAll(async () => {
  await suite?.close();
  if (results.size === registered.length) writeConformanceReport(results);
});

const ref = (name: string) => ({ name });
const backendRef = (name: string, extra: Record<string, unknown> = {}) => ({ name, port: 8080, ...extra });
const prefix = (value: string) => ({ path: { type: 'PathPrefix', value } });

conformance('HTTPRouteSimpleSameNamespace', async () => {
  suite.api.apply(
    httpRoute(INFRA, 'gateway-conformance-infra-test', {
      parentRefs: [ref('same-namespace')],
      rules: [{ backendRefs: [backendRef('infra-backend-v1')] }],
    }),
  );
  const address = await gatewayAndRoutesAccepted(suite.api, 'same-namespace', ['gateway-conformance-infra-test']);
  await routeCondition(suite.api, 'gateway-conformance-infra-test', 'same-namespace', {
    type: 'ResolvedRefs',
    status: 'True',
  });
  await expectEventuallyConsistent(address, { path: '/', backend: 'infra-backend-v1', namespace: INFRA });
  suite.api.remove('HTTPRoute', INFRA, 'gateway-conformance-infra-test');
});

conformance('HTTPRouteMatching', async () => {
  suite.api.apply(
    httpRoute(INFRA, 'matching', {
      parentRefs: [ref('same-namespace')],
      rules: [
        {
          matches: [prefix('/'), { headers: [{ name: 'version', value: 'one' }] }],
          backendRefs: [backendRef('infra-backend-v1')],
        },
        {
          matches: [prefix('/v2'), { headers: [{ name: 'version', value: 'two' }] }],
          backendRefs: [backendRef('infra-backend-v2')],
        },
      ],
    }),
  );
  const address = await gatewayAndRoutesAccepted(suite.api, 'same-namespace', ['matching']);
  await routeCondition(suite.api, 'matching', 'same-namespace', { type: 'ResolvedRefs', status: 'True' });
  const v1 = { backend: 'infra-backend-v1', namespace: INFRA };
  const v2 = { backend: 'infra-backend-v2', namespace: INFRA };
  await Promise.all([
    expectEventuallyConsistent(address, { path: '/', ...v1 }),
    expectEventuallyConsistent(address, { path: '/example', ...v1 }),
    expectEventuallyConsistent(address, { path: '/', headers: { Version: 'one' }, ...v1 }),
    expectEventuallyConsistent(address, { path: '/v2', ...v2 }),
    expectEventuallyConsistent(address, { path: '/v2/example', ...v2 }),
    expectEventuallyConsistent(address, { path: '/', headers: { Version: 'two' }, ...v2 }),
    expectEventuallyConsistent(address, { path: '/v2/', ...v2 }),
    expectEventuallyConsistent(address, { path: '/v2example', ...v1 }),
    expectEventuallyConsistent(address, { path: '/foo/v2/example', ...v1 }),
  ]);
  suite.api.remove('HTTPRoute', INFRA, 'matching');
});

conformance('HTTPRouteMultipleGateways', async () => {
  const rule = (path: string, service: string) => ({ matches: [prefix(path)], backendRefs: [backendRef(service)] });
  suite.api.apply(
    httpRoute(INFRA, 'multiple-gateways-shared-route', {
      parentRefs: [ref('same-namespace'), ref('all-namespaces')],
      rules: [rule('/shared', 'infra-backend-v1')],
    }),
  );
  suite.api.apply(
    httpRoute(INFRA, 'same-namespace-dedicated-route', {
      parentRefs: [ref('same-namespace')],
      rules: [rule('/', 'infra-backend-v2')],
    }),
  );
  suite.api.apply(
    httpRoute(INFRA, 'all-namespaces-dedicated-route', {
      parentRefs: [ref('all-namespaces')],
      rules: [rule('/', 'infra-backend-v3')],
    }),
  );
  const same = await gatewayAndRoutesAccepted(suite.api, 'same-namespace', [
    'multiple-gateways-shared-route',
    'same-namespace-dedicated-route',
  ]);
  const all = await gatewayAndRoutesAccepted(suite.api, 'all-namespaces', [
    'multiple-gateways-shared-route',
    'all-namespaces-dedicated-route',
  ]);
  check(same !== all, `both Gateways got ${same}`);
  await Promise.all([
    expectEventuallyConsistent(same, { path: '/shared', backend: 'infra-backend-v1', namespace: INFRA }),
    expectEventuallyConsistent(same, { path: '/', backend: 'infra-backend-v2', namespace: INFRA }),
    expectEventuallyConsistent(all, { path: '/shared', backend: 'infra-backend-v1', namespace: INFRA }),
    expectEventuallyConsistent(all, { path: '/', backend: 'infra-backend-v3', namespace: INFRA }),
  ]);
  for (const name of [
    'multiple-gateways-shared-route',
    'same-namespace-dedicated-route',
    'all-namespaces-dedicated-route',
  ])
    suite.api.remove('HTTPRoute', INFRA, name);
});

conformance('GatewayClassObservedGenerationBump', async () => {
  const name = 'gatewayclass-observed-generation-bump';
  suite.api.apply({
    apiVersion: V1,
    kind: 'GatewayClass',
    metadata: { name },
    spec: { controllerName: CONTROLLER_NAME, description: 'old' },
  });
  const acceptedAtLatest = () =>
    until(`GatewayClass ${name} Accepted at its latest generation`, () => {
      const object = suite.api.get('GatewayClass', undefined, name);
      const conditions = object?.status?.conditions ?? [];
      return (
        hasCondition(conditions, { type: 'Accepted', status: 'True' }) &&
        conditions.every((c: { observedGeneration?: number }) => c.observedGeneration === object?.metadata.generation)
      );
    });
  await acceptedAtLatest();
  const original = suite.api.get('GatewayClass', undefined, name)!;
  suite.api.modify('GatewayClass', undefined, name, (object) => {
    object.spec.description = 'new';
  });
  await acceptedAtLatest();
  const updated = suite.api.get('GatewayClass', undefined, name)!;
  check(updated.metadata.generation !== original.metadata.generation, 'generation should change after an update');
  suite.api.remove('GatewayClass', undefined, name);
});

conformance('HTTPRouteInvalidCrossNamespaceBackendRef', async () => {
  const name = 'invalid-cross-namespace-backend-ref';
  suite.api.apply(
    httpRoute(INFRA, name, {
      parentRefs: [ref('same-namespace')],
      rules: [{ backendRefs: [backendRef('web-backend', { namespace: WEB_BACKEND })] }],
    }),
  );
  const address = await gatewayAndRoutesAccepted(suite.api, 'same-namespace', [name]);
  await routeCondition(suite.api, name, 'same-namespace', {
    type: 'ResolvedRefs',
    status: 'False',
    reason: 'RefNotPermitted',
  });
  await expectEventuallyConsistent(address, { path: '/', status: 500 });
  suite.api.remove('HTTPRoute', INFRA, name);
});

conformance('HTTPRouteExactPathMatching', async () => {
  const exact = (value: string, service: string) => ({
    matches: [{ path: { type: 'Exact', value } }],
    backendRefs: [backendRef(service)],
  });
  suite.api.apply(
    httpRoute(INFRA, 'exact-matching', {
      parentRefs: [ref('same-namespace')],
      rules: [exact('/one', 'infra-backend-v1'), exact('/two', 'infra-backend-v2')],
    }),
  );
  const address = await gatewayAndRoutesAccepted(suite.api, 'same-namespace', ['exact-matching']);
  await routeCondition(suite.api, 'exact-matching', 'same-namespace', { type: 'ResolvedRefs', status: 'True' });
  await Promise.all([
    expectEventuallyConsistent(address, { path: '/one', backend: 'infra-backend-v1', namespace: INFRA }),
    expectEventuallyConsistent(address, { path: '/two', backend: 'infra-backend-v2', namespace: INFRA }),
    ...['/', '/one/example', '/two/', '/Two'].map((path) => expectEventuallyConsistent(address, { path, status: 404 })),
  ]);
});

conformance('HTTPRouteHeaderMatching', async () => {
  const rule = (service: string, ...matches: Record<string, string>[][]) => ({
    matches: matches.map((headers) => ({ headers: headers.map((h) => ({ name: h.name, value: h.value })) })),
    backendRefs: [backendRef(service)],
  });
  const h = (name: string, value: string) => ({ name, value });
  suite.api.apply(
    httpRoute(INFRA, 'header-matching', {
      parentRefs: [ref('same-namespace')],
      rules: [
        rule('infra-backend-v1', [h('version', 'one')]),
        rule('infra-backend-v2', [h('version', 'two')]),
        rule('infra-backend-v1', [h('version', 'two'), h('color', 'orange')]),
        rule('infra-backend-v1', [h('color', 'blue')], [h('color', 'green')]),
        rule('infra-backend-v2', [h('color', 'red')], [h('color', 'yellow')]),
      ],
    }),
  );
  const address = await gatewayAndRoutesAccepted(suite.api, 'same-namespace', ['header-matching']);
  await routeCondition(suite.api, 'header-matching', 'same-namespace', { type: 'ResolvedRefs', status: 'True' });
  const v1 = { backend: 'infra-backend-v1', namespace: INFRA };
  const v2 = { backend: 'infra-backend-v2', namespace: INFRA };
  const cases: [Record<string, string>, object][] = [
    [{ Version: 'one' }, v1],
    [{ Version: 'two' }, v2],
    [{ Version: 'two', Color: 'orange' }, v1],
    [{ Version: 'two', Color: 'blue' }, v2],
    [{ Color: 'orange' }, { status: 404 }],
    [{ 'Some-Other-Header': 'one' }, { status: 404 }],
    [{ Color: 'blue' }, v1],
    [{ Color: 'green' }, v1],
    [{ Color: 'red' }, v2],
    [{ Color: 'yellow' }, v2],
    [{ Color: 'purple' }, { status: 404 }],
  ];
  await Promise.all(
    cases.map(([headers, expected]) => expectEventuallyConsistent(address, { path: '/', headers, ...expected })),
  );
});

/** HTTPRouteInvalidNonExistentBackendRef and HTTPRouteInvalidBackendRefUnknownKind: ResolvedRefs False, 500 answers. */
async function invalidBackendRef(name: string, backend: Record<string, unknown>, reason: string, path: string) {
  suite.api.apply(httpRoute(INFRA, name, { parentRefs: [ref('same-namespace')], rules: [{ backendRefs: [backend] }] }));
  const address = await gatewayAndRoutesAccepted(suite.api, 'same-namespace', [name]);
  await routeCondition(suite.api, name, 'same-namespace', { type: 'ResolvedRefs', status: 'False', reason });
  await expectEventuallyConsistent(address, { path, status: 500 });
}

conformance('HTTPRouteInvalidNonExistentBackendRef', () =>
  invalidBackendRef(
    'invalid-nonexistent-backend-ref',
    backendRef('nonexistent', { namespace: INFRA }),
    'BackendNotFound',
    '/',
  ),
);

conformance('HTTPRouteInvalidBackendRefUnknownKind', () =>
  invalidBackendRef(
    'invalid-backend-ref-unknown-kind',
    backendRef('infra-backend-v1', { group: 'unknownkind.example.com', kind: 'NonExistent' }),
    'InvalidKind',
    '/v2',
  ),
);

conformance('HTTPRouteObservedGenerationBump', async () => {
  const name = 'observed-generation-bump';
  suite.api.apply(
    httpRoute(INFRA, name, {
      parentRefs: [ref('same-namespace')],
      rules: [{ backendRefs: [backendRef('infra-backend-v1')] }],
    }),
  );
  const latest = () => {
    const route = suite.api.get('HTTPRoute', INFRA, name);
    const parents = route?.status?.parents ?? [];
    return (
      parents.length > 0 &&
      parents.every((p: { conditions: { observedGeneration?: number }[] }) =>
        p.conditions.every((c) => c.observedGeneration === route?.metadata.generation),
      )
    );
  };
  await until('conditions at the latest generation', latest);
  const original = suite.api.get('HTTPRoute', INFRA, name)!;
  suite.api.modify('HTTPRoute', INFRA, name, (route) => {
    route.spec.rules[0].backendRefs[0].name = 'infra-backend-v2';
  });
  await routeCondition(suite.api, name, 'same-namespace', { type: 'Accepted', status: 'True' });
  await routeCondition(suite.api, name, 'same-namespace', { type: 'ResolvedRefs', status: 'True' });
  await until('conditions at the latest generation', latest);
  check(
    suite.api.get('HTTPRoute', INFRA, name)!.metadata.generation !== original.metadata.generation,
    'generation should change after an update',
  );
});

conformance('HTTPRouteCrossNamespace', async () => {
  suite.api.apply(
    httpRoute(WEB_BACKEND, 'cross-namespace', {
      parentRefs: [{ name: 'backend-namespaces', namespace: INFRA }],
      rules: [{ backendRefs: [backendRef('web-backend')] }],
    }),
  );
  const route = `${WEB_BACKEND}/cross-namespace`;
  const address = await gatewayAndRoutesAccepted(suite.api, 'backend-namespaces', [route]);
  await routeCondition(suite.api, route, 'backend-namespaces', { type: 'ResolvedRefs', status: 'True' });
  await expectEventuallyConsistent(address, { path: '/', backend: 'web-backend', namespace: WEB_BACKEND });
});

conformance('HTTPRouteMatchingAcrossRoutes', async () => {
  const rules = (path: string, version: string, service: string) => [
    { matches: [prefix(path), { headers: [{ name: 'version', value: version }] }], backendRefs: [backendRef(service)] },
  ];
  suite.api.apply(
    httpRoute(INFRA, 'matching-part1', {
      parentRefs: [ref('same-namespace')],
      hostnames: ['example.com', 'example.net'],
      rules: rules('/', 'one', 'infra-backend-v1'),
    }),
  );
  suite.api.apply(
    httpRoute(INFRA, 'matching-part2', {
      hostnames: ['example.com'],
      parentRefs: [ref('same-namespace')],
      rules: rules('/v2', 'two', 'infra-backend-v2'),
    }),
  );
  const address = await gatewayAndRoutesAccepted(suite.api, 'same-namespace', ['matching-part1', 'matching-part2']);
  const v1 = { backend: 'infra-backend-v1', namespace: INFRA };
  const v2 = { backend: 'infra-backend-v2', namespace: INFRA };
  await Promise.all([
    expectEventuallyConsistent(address, { host: 'example.com', path: '/', ...v1 }),
    expectEventuallyConsistent(address, { host: 'example.com', path: '/example', ...v1 }),
    expectEventuallyConsistent(address, { host: 'example.net', path: '/example', ...v1 }),
    expectEventuallyConsistent(address, { host: 'example.com', path: '/example', headers: { Version: 'one' }, ...v1 }),
    expectEventuallyConsistent(address, { host: 'example.com', path: '/v2', ...v2 }),
    expectEventuallyConsistent(address, { host: 'example.net', path: '/v2', ...v1 }),
    expectEventuallyConsistent(address, { host: 'example.com', path: '/v2/example', ...v2 }),
    expectEventuallyConsistent(address, { host: 'example.com', path: '/', headers: { Version: 'two' }, ...v2 }),
  ]);
});

conformance('HTTPRoutePathMatchOrder', async () => {
  const rule = (type: string, value: string, service: string) => ({
    matches: [{ path: { type, value } }],
    backendRefs: [backendRef(service)],
  });
  suite.api.apply(
    httpRoute(INFRA, 'path-matching-order', {
      parentRefs: [ref('same-namespace')],
      rules: [
        rule('Exact', '/match', 'infra-backend-v1'),
        rule('Exact', '/match/exact', 'infra-backend-v2'),
        rule('Exact', '/match/exact/one', 'infra-backend-v3'),
        rule('PathPrefix', '/match/', 'infra-backend-v3'),
        rule('PathPrefix', '/match/prefix/', 'infra-backend-v1'),
        rule('PathPrefix', '/match/prefix/one', 'infra-backend-v2'),
      ],
    }),
  );
  const address = await gatewayAndRoutesAccepted(suite.api, 'same-namespace', ['path-matching-order']);
  await routeCondition(suite.api, 'path-matching-order', 'same-namespace', { type: 'ResolvedRefs', status: 'True' });
  const cases: [string, string][] = [
    ['/match/exact/one', 'infra-backend-v3'],
    ['/match/exact', 'infra-backend-v2'],
    ['/match', 'infra-backend-v1'],
    ['/match/prefix/one/any', 'infra-backend-v2'],
    ['/match/prefix/any', 'infra-backend-v1'],
    ['/match/any', 'infra-backend-v3'],
  ];
  await Promise.all(
    cases.map(([path, backend]) => expectEventuallyConsistent(address, { path, backend, namespace: INFRA })),
  );
});

conformance('GatewayObservedGenerationBump', async () => {
  const name = 'gateway-observed-generation-bump';
  const listener = (listenerName: string, hostname: string) => ({
    name: listenerName,
    hostname,
    port: 80,
    protocol: 'HTTP',
    allowedRoutes: { namespaces: { from: 'All' } },
  });
  suite.api.apply({
    apiVersion: V1,
    kind: 'Gateway',
    metadata: { namespace: INFRA, name },
    spec: { gatewayClassName: GATEWAY_CLASS, listeners: [listener('http', 'bar.com')] },
  });
  // kubernetes.GatewayMustHaveLatestConditions: every condition at the current generation.
  const latest = () => {
    const gateway = suite.api.get('Gateway', INFRA, name);
    const conditions = gateway?.status?.conditions ?? [];
    return (
      conditions.length > 0 &&
      conditions.every((c: { observedGeneration?: number }) => c.observedGeneration === gateway?.metadata.generation)
    );
  };
  try {
    await until('conditions at the latest generation', latest);
    const original = suite.api.get('Gateway', INFRA, name)!;
    suite.api.modify('Gateway', INFRA, name, (gateway) => {
      gateway.spec.listeners.push(listener('alternate', 'foo.com'));
    });
    await until('conditions at the latest generation', latest);
    check(
      suite.api.get('Gateway', INFRA, name)!.metadata.generation !== original.metadata.generation,
      'generation should change after an update',
    );
  } finally {
    suite.api.remove('Gateway', INFRA, name);
  }
});

conformance('HTTPRouteReferenceGrant', async () => {
  suite.api.apply({
    apiVersion: V1,
    kind: 'ReferenceGrant',
    metadata: { namespace: WEB_BACKEND, name: 'reference-grant' },
    spec: {
      from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: INFRA }],
      to: [{ group: '', kind: 'Service', name: 'web-backend' }],
    },
  });
  suite.api.apply(
    httpRoute(INFRA, 'reference-grant', {
      parentRefs: [ref('same-namespace')],
      rules: [{ backendRefs: [backendRef('web-backend', { namespace: WEB_BACKEND })] }],
    }),
  );
  const address = await gatewayAndRoutesAccepted(suite.api, 'same-namespace', ['reference-grant']);
  await routeCondition(suite.api, 'reference-grant', 'same-namespace', { type: 'ResolvedRefs', status: 'True' });
  await expectEventuallyConsistent(address, { path: '/', backend: 'web-backend', namespace: WEB_BACKEND });
  suite.api.remove('ReferenceGrant', WEB_BACKEND, 'reference-grant');
  await expectEventuallyConsistent(address, { path: '/', status: 500 });
});

conformance('HTTPRouteHostnameIntersection', async () => {
  const gw = 'httproute-hostname-intersection';
  const gwAll = 'httproute-hostname-intersection-all';
  const listener = (name: string, hostname?: string) => ({
    name,
    port: 80,
    protocol: 'HTTP',
    allowedRoutes: { namespaces: { from: 'Same' } },
    ...(hostname === undefined ? {} : { hostname }),
  });
  const gateway = (name: string, listeners: object[]) => ({
    apiVersion: V1,
    kind: 'Gateway',
    metadata: { namespace: INFRA, name },
    spec: { gatewayClassName: GATEWAY_CLASS, listeners },
  });
  const route = (name: string, parent: string, hostnames: string[], path: string | null, service: string) =>
    httpRoute(INFRA, name, {
      parentRefs: [{ name: parent, namespace: INFRA }],
      hostnames,
      rules: [{ ...(path === null ? {} : { matches: [prefix(path)] }), backendRefs: [backendRef(service)] }],
    });
  suite.api.apply(
    gateway(gw, [
      listener('listener-1', 'very.specific.com'),
      listener('listener-2', '*.wildcard.io'),
      listener('listener-3', '*.anotherwildcard.io'),
    ]),
  );
  suite.api.apply(gateway(gwAll, [listener('listener-1')]));
  const attached = [
    'specific-host-matches-listener-specific-host',
    'specific-host-matches-listener-wildcard-host',
    'wildcard-host-matches-listener-specific-host',
    'wildcard-host-matches-listener-wildcard-host',
  ];
  suite.api.apply(
    route(
      attached[0],
      gw,
      ['non.matching.com', '*.nonmatchingwildcard.io', 'very.specific.com'],
      '/s1',
      'infra-backend-v1',
    ),
  );
  suite.api.apply(
    route(
      attached[1],
      gw,
      ['non.matching.com', 'wildcard.io', 'foo.wildcard.io', 'bar.wildcard.io', 'foo.bar.wildcard.io'],
      '/s2',
      'infra-backend-v2',
    ),
  );
  suite.api.apply(route(attached[2], gw, ['non.matching.com', '*.specific.com'], '/s3', 'infra-backend-v3'));
  suite.api.apply(route(attached[3], gw, ['*.anotherwildcard.io'], '/s4', 'infra-backend-v1'));
  suite.api.apply(
    route('no-intersecting-hosts', gw, ['specific.but.wrong.com', 'wildcard.io'], '/s5', 'infra-backend-v2'),
  );
  suite.api.apply(
    route(gwAll, gwAll, ['first.com', 'sub.first.com', 'second.com', 'sub.second.com'], null, 'infra-backend-v2'),
  );
  try {
    // HTTPRoutes that do intersect with listener hostnames
    const address = await gatewayAndRoutesAccepted(suite.api, gw, attached);
    for (const name of attached) await routeCondition(suite.api, name, gw, { type: 'ResolvedRefs', status: 'True' });
    const to = (service: string) => ({ backend: service, namespace: INFRA });
    const notFound = { status: 404 };
    const cases: [string, string, object][] = [
      ['very.specific.com', '/s1', to('infra-backend-v1')],
      ['very.specific.com:1234', '/s1', to('infra-backend-v1')],
      ['non.matching.com', '/s1', notFound],
      ['foo.nonmatchingwildcard.io', '/s1', notFound],
      ['foo.wildcard.io', '/s1', notFound],
      ['very.specific.com', '/non-matching-prefix', notFound],
      ['foo.wildcard.io', '/s2', to('infra-backend-v2')],
      ['bar.wildcard.io', '/s2', to('infra-backend-v2')],
      ['foo.bar.wildcard.io', '/s2', to('infra-backend-v2')],
      ['non.matching.com', '/s2', notFound],
      ['wildcard.io', '/s2', notFound],
      ['very.specific.com', '/s2', notFound],
      ['foo.wildcard.io', '/non-matching-prefix', notFound],
      ['very.specific.com', '/s3', to('infra-backend-v3')],
      ['non.matching.com', '/s3', notFound],
      ['foo.specific.com', '/s3', notFound],
      ['foo.wildcard.io', '/s3', notFound],
      ['very.specific.com', '/non-matching-prefix', notFound],
      ['foo.anotherwildcard.io', '/s4', to('infra-backend-v1')],
      ['bar.anotherwildcard.io', '/s4', to('infra-backend-v1')],
      ['foo.bar.anotherwildcard.io', '/s4', to('infra-backend-v1')],
      ['anotherwildcard.io', '/s4', notFound],
      ['foo.wildcard.io', '/s4', notFound],
      ['very.specific.com', '/s4', notFound],
      ['foo.anotherwildcard.io', '/non-matching-prefix', notFound],
      // HTTPRoutes that do not intersect with listener hostnames
      ['specific.but.wrong.com', '/s5', notFound],
      ['wildcard.io', '/s5', notFound],
    ];
    await Promise.all(
      cases.map(([host, path, expected]) => expectEventuallyConsistent(address, { host, path, ...expected })),
    );
    await routeCondition(suite.api, 'no-intersecting-hosts', gw, {
      type: 'Accepted',
      status: 'False',
      reason: 'NoMatchingListenerHostname',
    });
    // HTTPRoutes have to be counted in AttachedRoutes only if they are Accepted
    await until('attachedRoutes 2, 1, 1', () => {
      const listeners = suite.api.get('Gateway', INFRA, gw)?.status?.listeners ?? [];
      return listeners.map((l: { attachedRoutes: number }) => l.attachedRoutes).join() === '2,1,1';
    });
    // HTTPRoutes intersects with an unspecified hostname listener
    const all = await gatewayAndRoutesAccepted(suite.api, gwAll, [gwAll]);
    const allCases: [string, object][] = [
      ['first.com', to('infra-backend-v2')],
      ['sub.first.com', to('infra-backend-v2')],
      ['second.com', to('infra-backend-v2')],
      ['sub.second.com', to('infra-backend-v2')],
      ['third.com', notFound],
      ['sub.third.com', notFound],
    ];
    await Promise.all(
      allCases.map(([host, expected]) => expectEventuallyConsistent(all, { host, path: '/', ...expected })),
    );
  } finally {
    suite.api.remove('Gateway', INFRA, gw);
    suite.api.remove('Gateway', INFRA, gwAll);
  }
});

conformance('HTTPRouteListenerHostnameMatching', async () => {
  const gw = 'httproute-listener-hostname-matching';
  const listener = (name: string, hostname: string) => ({
    name,
    port: 80,
    protocol: 'HTTP',
    allowedRoutes: { namespaces: { from: 'Same' } },
    hostname,
  });
  suite.api.apply({
    apiVersion: V1,
    kind: 'Gateway',
    metadata: { namespace: INFRA, name: gw },
    spec: {
      gatewayClassName: GATEWAY_CLASS,
      listeners: [
        listener('listener-1', 'bar.com'),
        listener('listener-2', 'foo.bar.com'),
        listener('listener-3', '*.bar.com'),
        listener('listener-4', '*.foo.com'),
      ],
    },
  });
  const section = (sectionName: string) => ({ name: gw, namespace: INFRA, sectionName });
  const route = (name: string, sections: string[], service: string) =>
    httpRoute(INFRA, name, { parentRefs: sections.map(section), rules: [{ backendRefs: [backendRef(service)] }] });
  suite.api.apply(route('backend-v1', ['listener-1'], 'infra-backend-v1'));
  suite.api.apply(route('backend-v2', ['listener-2'], 'infra-backend-v2'));
  suite.api.apply(route('backend-v3', ['listener-3', 'listener-4'], 'infra-backend-v3'));
  try {
    const address = await gatewayAndRoutesAccepted(suite.api, gw, ['backend-v1', 'backend-v2', 'backend-v3']);
    for (const name of ['backend-v1', 'backend-v2', 'backend-v3'])
      await routeCondition(suite.api, name, gw, { type: 'ResolvedRefs', status: 'True' });
    const to = (service: string) => ({ backend: service, namespace: INFRA });
    const cases: [string, object][] = [
      ['bar.com', to('infra-backend-v1')],
      ['foo.bar.com', to('infra-backend-v2')],
      ['baz.bar.com', to('infra-backend-v3')],
      ['boo.bar.com', to('infra-backend-v3')],
      ['multiple.prefixes.bar.com', to('infra-backend-v3')],
      ['multiple.prefixes.foo.com', to('infra-backend-v3')],
      ['foo.com', { status: 404 }],
      ['no.matching.host', { status: 404 }],
    ];
    await Promise.all(
      cases.map(([host, expected]) => expectEventuallyConsistent(address, { host, path: '/', ...expected })),
    );
  } finally {
    suite.api.remove('Gateway', INFRA, gw);
  }
});

/** kubernetes.HTTPRouteMustHaveNoAcceptedParents and GatewayMustHaveZeroRoutes. */
conformance('HTTPRouteInvalidCrossNamespaceParentRef', async () => {
  suite.api.apply(
    httpRoute(WEB_BACKEND, 'invalid-cross-namespace-parent-ref', {
      parentRefs: [{ name: 'same-namespace', namespace: INFRA }],
      rules: [{ backendRefs: [backendRef('web-backend')] }],
    }),
  );
  const route = `${WEB_BACKEND}/invalid-cross-namespace-parent-ref`;
  await routeCondition(suite.api, route, 'same-namespace', { type: 'ResolvedRefs', status: 'True' });
  await routeCondition(suite.api, route, 'same-namespace', {
    type: 'Accepted',
    status: 'False',
    reason: 'NotAllowedByListeners',
  });
  await notAttached(suite.api, route, 'same-namespace');
});

conformance('HTTPRouteInvalidParentRefNotMatchingSectionName', async () => {
  const name = 'httproute-listener-not-matching-section-name';
  suite.api.apply(
    httpRoute(INFRA, name, {
      parentRefs: [{ name: 'same-namespace', namespace: INFRA, port: 80, sectionName: 'http1' }],
      rules: [{ backendRefs: [backendRef('infra-backend-v1', { kind: 'Service' })] }],
    }),
  );
  await routeCondition(suite.api, name, 'same-namespace', {
    type: 'Accepted',
    status: 'False',
    reason: 'NoMatchingParent',
  });
  await notAttached(suite.api, `${INFRA}/${name}`, 'same-namespace');
});

conformance('HTTPRouteInvalidReferenceGrant', async () => {
  const grant = (namespace: string, name: string, from: object, to: object) =>
    suite.api.apply({
      apiVersion: V1,
      kind: 'ReferenceGrant',
      metadata: { namespace, name },
      spec: { from: [from], to: [to] },
    });
  const from = { group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: INFRA };
  const to = { group: '', kind: 'Service', name: 'web-backend' };
  grant(INFRA, 'reference-grant-wrong-namespace', from, to);
  grant(WEB_BACKEND, 'reference-grant-wrong-from-group', { ...from, group: 'not-the-group-youre-looking-for' }, to);
  grant(WEB_BACKEND, 'reference-grant-wrong-from-kind', { ...from, kind: 'Gateway' }, to);
  grant(
    WEB_BACKEND,
    'reference-grant-wrong-from-namespace',
    { ...from, namespace: 'not-the-namespace-youre-looking-for' },
    to,
  );
  grant(WEB_BACKEND, 'reference-grant-wrong-to-group', from, { ...to, group: 'not-the-group-youre-looking-for' });
  grant(WEB_BACKEND, 'reference-grant-wrong-to-kind', from, { ...to, kind: 'Secret' });
  grant(WEB_BACKEND, 'reference-grant-wrong-to-name', from, {
    ...to,
    kind: 'Secret',
    name: 'not-the-service-youre-looking-for',
  });
  suite.api.apply(
    httpRoute(INFRA, 'reference-grant', {
      parentRefs: [ref('same-namespace')],
      rules: [{ backendRefs: [backendRef('web-backend', { namespace: WEB_BACKEND })] }],
    }),
  );
  const address = await gatewayAndRoutesAccepted(suite.api, 'same-namespace', ['reference-grant']);
  await routeCondition(suite.api, 'reference-grant', 'same-namespace', {
    type: 'ResolvedRefs',
    status: 'False',
    reason: 'RefNotPermitted',
  });
  await expectEventuallyConsistent(address, { path: '/', status: 500 });
});

function gatewayObject(name: string, listeners: object[]) {
  return {
    apiVersion: V1,
    kind: 'Gateway',
    metadata: { namespace: INFRA, name },
    spec: { gatewayClassName: GATEWAY_CLASS, listeners },
  };
}

conformance('GatewayWithAttachedRoutes', async () => {
  const onlyInfra = {
    kinds: [{ kind: 'HTTPRoute' }],
    namespaces: { from: 'Selector', selector: { matchLabels: { 'kubernetes.io/metadata.name': INFRA } } },
  };
  const one = 'gateway-with-one-attached-route';
  const two = 'gateway-with-two-attached-routes';
  const unresolved = 'unresolved-gateway-with-one-attached-unresolved-route';
  suite.api.apply(gatewayObject(one, [{ name: 'http', port: 80, protocol: 'HTTP', allowedRoutes: onlyInfra }]));
  suite.api.apply(
    gatewayObject(two, [
      { name: 'http', port: 80, protocol: 'HTTP', hostname: 'foo.example.com', allowedRoutes: onlyInfra },
    ]),
  );
  suite.api.apply(
    gatewayObject(unresolved, [
      {
        name: 'tls',
        port: 443,
        protocol: 'HTTPS',
        allowedRoutes: onlyInfra,
        tls: { certificateRefs: [{ group: '', kind: 'Secret', name: 'does-not-exist' }], mode: 'Terminate' },
      },
    ]),
  );
  const parent = (name: string, sectionName?: string) => ({
    kind: 'Gateway',
    name,
    namespace: INFRA,
    ...(sectionName === undefined ? {} : { sectionName }),
  });
  const route = (name: string, parentRef: object, service = 'infra-backend-v1', hostnames?: string[]) =>
    httpRoute(INFRA, name, {
      parentRefs: [parentRef],
      ...(hostnames === undefined ? {} : { hostnames }),
      rules: [{ backendRefs: [backendRef(service)] }],
    });
  suite.api.apply(route('http-route-1', parent(one)));
  suite.api.apply(route('http-route-2', parent(two)));
  suite.api.apply(route('http-route-3', parent(two)));
  suite.api.apply(route('http-route-not-accepted', parent(two), 'infra-backend-v1', ['not-accepted.test.com']));
  suite.api.apply(route('http-route-4', parent(unresolved, 'tls'), 'does-not-exist'));
  const httpRouteKind = [{ kind: 'HTTPRoute' }];
  const acceptedResolved = [
    { type: 'Accepted', status: 'True' },
    { type: 'ResolvedRefs', status: 'True' },
  ];
  try {
    await listenersMatch(suite.api, one, [
      { name: 'http', supportedKinds: httpRouteKind, attachedRoutes: 1, conditions: acceptedResolved },
    ]);
    await listenersMatch(suite.api, two, [
      { name: 'http', supportedKinds: httpRouteKind, attachedRoutes: 2, conditions: acceptedResolved },
    ]);
    await routeCondition(suite.api, 'http-route-not-accepted', two, {
      type: 'Accepted',
      status: 'False',
      reason: 'NoMatchingListenerHostname',
    });
    await listenersMatch(suite.api, unresolved, [
      {
        name: 'tls',
        supportedKinds: httpRouteKind,
        attachedRoutes: 1,
        conditions: [
          { type: 'Programmed', status: 'False' },
          { type: 'ResolvedRefs', status: 'False' },
        ],
      },
    ]);
    await routeCondition(suite.api, 'http-route-4', unresolved, { type: 'ResolvedRefs', status: 'False' });
  } finally {
    for (const name of [one, two, unresolved]) suite.api.remove('Gateway', INFRA, name);
  }
});

conformance('GatewayInvalidRouteKind', async () => {
  const only = 'gateway-only-invalid-route-kind';
  const mixed = 'gateway-supported-and-invalid-route-kind';
  const listener = (kinds: string[]) => ({
    name: 'http',
    port: 80,
    protocol: 'HTTP',
    allowedRoutes: { namespaces: { from: 'All' }, kinds: kinds.map((kind) => ({ kind })) },
  });
  suite.api.apply(gatewayObject(only, [listener(['InvalidRoute'])]));
  suite.api.apply(gatewayObject(mixed, [listener(['InvalidRoute', 'HTTPRoute'])]));
  const invalidKinds = [{ type: 'ResolvedRefs', status: 'False', reason: 'InvalidRouteKinds' }];
  try {
    await listenersMatch(suite.api, only, [
      { name: 'http', supportedKinds: [], attachedRoutes: 0, conditions: invalidKinds },
    ]);
    await listenersMatch(suite.api, mixed, [
      { name: 'http', supportedKinds: [{ kind: 'HTTPRoute' }], attachedRoutes: 0, conditions: invalidKinds },
    ]);
  } finally {
    for (const name of [only, mixed]) suite.api.remove('Gateway', INFRA, name);
  }
});

conformance('GatewayInvalidParametersRef', async () => {
  const name = 'gateway-invalid-parameters-ref';
  suite.api.apply({
    ...gatewayObject(name, [{ name: 'http', port: 80, protocol: 'HTTP' }]),
    spec: {
      gatewayClassName: GATEWAY_CLASS,
      listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }],
      infrastructure: { parametersRef: { group: 'invalid.io', kind: 'InvalidParameters', name: 'invalid' } },
    },
  });
  try {
    await gatewayCondition(suite.api, name, { type: 'Accepted', status: 'False', reason: 'InvalidParameters' });
  } finally {
    suite.api.remove('Gateway', INFRA, name);
  }
});

conformance('GatewayListenerUnsupportedProtocol', async () => {
  const only = 'gateway-only-unsupported-protocols';
  const mixed = 'gateway-supported-and-unsupported-protocols';
  const invalid = { name: 'invalid', port: 1111, protocol: 'INVALID' };
  suite.api.apply(gatewayObject(only, [invalid]));
  suite.api.apply(gatewayObject(mixed, [{ name: 'http', port: 80, protocol: 'HTTP' }, invalid]));
  const unsupported = {
    name: 'invalid',
    supportedKinds: [],
    attachedRoutes: 0,
    conditions: [{ type: 'Accepted', status: 'False', reason: 'UnsupportedProtocol' }],
  };
  try {
    await gatewayCondition(suite.api, only, { type: 'Accepted', status: 'False', reason: 'ListenersNotValid' });
    await listenersMatch(suite.api, only, [unsupported]);
    await gatewayCondition(suite.api, mixed, { type: 'Accepted', status: 'True', reason: 'ListenersNotValid' });
    await listenersMatch(suite.api, mixed, [
      {
        name: 'http',
        supportedKinds: [{ kind: 'HTTPRoute' }],
        attachedRoutes: 0,
        conditions: [{ type: 'Accepted', status: 'True', reason: 'Accepted' }],
      },
      unsupported,
    ]);
  } finally {
    for (const name of [only, mixed]) suite.api.remove('Gateway', INFRA, name);
  }
});

conformance('HTTPRoutePartiallyInvalidViaInvalidReferenceGrant', async () => {
  suite.api.apply({
    apiVersion: V1,
    kind: 'ReferenceGrant',
    metadata: { namespace: APP_BACKEND, name: 'invalid-reference-grant' },
    spec: {
      from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: INFRA }],
      to: [{ group: '', kind: 'Service', name: 'app-backend-v1' }],
    },
  });
  suite.api.apply(
    httpRoute(INFRA, 'invalid-reference-grant', {
      parentRefs: [ref('same-namespace')],
      rules: [
        { matches: [prefix('/v2')], backendRefs: [backendRef('app-backend-v2', { namespace: APP_BACKEND })] },
        { backendRefs: [backendRef('app-backend-v1', { namespace: APP_BACKEND })] },
      ],
    }),
  );
  const address = await gatewayAndRoutesAccepted(suite.api, 'same-namespace', ['invalid-reference-grant']);
  await routeCondition(suite.api, 'invalid-reference-grant', 'same-namespace', {
    type: 'ResolvedRefs',
    status: 'False',
    reason: 'RefNotPermitted',
  });
  await expectEventuallyConsistent(address, { path: '/v2', status: 500 });
  await expectEventuallyConsistent(address, { path: '/', backend: 'app-backend-v1', namespace: APP_BACKEND });
});

conformance('HTTPRouteNoBackendRefs', async () => {
  const exact = (value: string) => ({ path: { type: 'Exact', value } });
  suite.api.apply(
    httpRoute(INFRA, 'omitted-backendrefs', {
      parentRefs: [ref('same-namespace')],
      rules: [
        { matches: [exact('/omitted-no-forward')] },
        { matches: [exact('/empty-no-forward')], backendRefs: [] },
        { matches: [prefix('/')], backendRefs: [backendRef('infra-backend-v1')] },
      ],
    }),
  );
  const address = await gatewayAndRoutesAccepted(suite.api, 'same-namespace', ['omitted-backendrefs']);
  await routeCondition(suite.api, 'omitted-backendrefs', 'same-namespace', { type: 'ResolvedRefs', status: 'True' });
  await Promise.all([
    expectEventuallyConsistent(address, { path: '/forward', backend: 'infra-backend-v1', namespace: INFRA }),
    expectEventuallyConsistent(address, { path: '/omitted-no-forward', status: 500 }),
    expectEventuallyConsistent(address, { path: '/empty-no-forward', status: 500 }),
  ]);
});

conformance('HTTPRouteServiceTypes', async () => {
  const pod = suite.pods.get('infra-backend-v1')!;
  // Manually written EndpointSlices and headless Services (clusterIP None) both route to the slices' endpoints.
  for (const [name, clusterIP] of [
    ['manual-endpointslices', undefined],
    ['headless', 'None'],
    ['headless-manual-endpointslices', 'None'],
  ] as const) {
    writeBackend(suite.api, {
      namespace: INFRA,
      name,
      clusterIP,
      ports: [{ name: 'first-port', port: 8080, targetPort: pod.port }],
      endpoints: [pod],
    });
  }
  const exact = (value: string) => ({ path: { type: 'Exact', value } });
  suite.api.apply(
    httpRoute(INFRA, 'service-types', {
      parentRefs: [ref('same-namespace')],
      rules: ['manual-endpointslices', 'headless', 'headless-manual-endpointslices'].map((name) => ({
        matches: [exact(`/${name}`)],
        backendRefs: [backendRef(name)],
      })),
    }),
  );
  const address = await gatewayAndRoutesAccepted(suite.api, 'same-namespace', ['service-types']);
  await routeCondition(suite.api, 'service-types', 'same-namespace', { type: 'ResolvedRefs', status: 'True' });
  await Promise.all(
    ['manual-endpointslices', 'headless-manual-endpointslices', 'headless'].map((name) =>
      expectEventuallyConsistent(address, { path: `/${name}`, backend: 'infra-backend-v1', namespace: INFRA }),
    ),
  );
});

conformance('GatewayModifyListeners', async () => {
  const https = {
    name: 'https',
    port: 443,
    protocol: 'HTTPS',
    hostname: 'secure.test.com',
    allowedRoutes: { namespaces: { from: 'All' } },
    tls: {
      certificateRefs: [{ group: '', kind: 'Secret', name: 'tls-validity-checks-certificate', namespace: INFRA }],
    },
  };
  const http = (hostname?: string) => ({
    name: 'http',
    port: 80,
    protocol: 'HTTP',
    ...(hostname === undefined ? {} : { hostname }),
    allowedRoutes: { namespaces: { from: 'All' } },
  });
  const add = 'gateway-add-listener';
  const remove = 'gateway-remove-listener';
  suite.api.apply(gatewayObject(add, [https]));
  suite.api.apply(gatewayObject(remove, [https, http()]));
  const route = (name: string, gateway: string) =>
    httpRoute(INFRA, name, {
      parentRefs: [{ kind: 'Gateway', name: gateway, namespace: INFRA }],
      rules: [{ backendRefs: [backendRef('infra-backend-v1')] }],
    });
  suite.api.apply(route('http-route-1', add));
  suite.api.apply(route('http-route-2', remove));
  const latest = (name: string) => () => {
    const gateway = suite.api.get('Gateway', INFRA, name);
    const conditions = gateway?.status?.conditions ?? [];
    return (
      conditions.length > 0 &&
      conditions.every((c: { observedGeneration?: number }) => c.observedGeneration === gateway?.metadata.generation)
    );
  };
  const accepted = (name: string) => ({
    name,
    supportedKinds: [{ kind: 'HTTPRoute' }],
    attachedRoutes: 1,
    conditions: [
      { type: 'Accepted', status: 'True' },
      { type: 'ResolvedRefs', status: 'True' },
    ],
  });
  try {
    // should be able to add a listener that then becomes available for routing traffic
    await until(`Gateway ${add} conditions at the latest generation`, latest(add));
    const addBefore = suite.api.get('Gateway', INFRA, add)!.metadata.generation;
    suite.api.modify('Gateway', INFRA, add, (gateway) => {
      gateway.spec.listeners.push(http('data.test.com'));
    });
    await listenersMatch(suite.api, add, [accepted('https'), accepted('http')]);
    await until(`Gateway ${add} conditions at the latest generation`, latest(add));
    check(suite.api.get('Gateway', INFRA, add)!.metadata.generation !== addBefore, 'generation should change');
    // should be able to remove listeners, which would then stop routing the relevant traffic
    await until(`Gateway ${remove} conditions at the latest generation`, latest(remove));
    const removeBefore = suite.api.get('Gateway', INFRA, remove)!.metadata.generation;
    suite.api.modify('Gateway', INFRA, remove, (gateway) => {
      gateway.spec.listeners = gateway.spec.listeners.filter((l: { name: string }) => l.name === 'http');
    });
    await listenersMatch(suite.api, remove, [accepted('http')]);
    await until(`Gateway ${remove} conditions at the latest generation`, latest(remove));
    check(suite.api.get('Gateway', INFRA, remove)!.metadata.generation !== removeBefore, 'generation should change');
  } finally {
    for (const name of [add, remove]) suite.api.remove('Gateway', INFRA, name);
  }
});

conformance('HTTPRouteHTTPSListener', async () => {
  const gw = 'same-namespace-with-https-listener';
  suite.api.apply(
    httpRoute(INFRA, 'httproute-https-test', {
      parentRefs: [ref(gw)],
      hostnames: ['example.org'],
      rules: [{ backendRefs: [backendRef('infra-backend-v1')] }],
    }),
  );
  suite.api.apply(
    httpRoute(INFRA, 'httproute-https-test-no-hostname', {
      parentRefs: [{ name: gw, sectionName: 'https-with-hostname' }],
      rules: [{ backendRefs: [backendRef('infra-backend-v2')] }],
    }),
  );
  const address = await gatewayAndRoutesAccepted(suite.api, gw, [
    'httproute-https-test',
    'httproute-https-test-no-hostname',
  ]);
  for (const route of ['httproute-https-test', 'httproute-https-test-no-hostname'])
    await routeCondition(suite.api, route, gw, { type: 'ResolvedRefs', status: 'True' });
  for (const host of ['example.org', 'unknown-example.org', 'second-example.org'])
    check(
      await servesCertificate(address, host, suite.certificate),
      `${host}: the listener's certificate is not served`,
    );
  await Promise.all([
    expectEventuallyConsistent(address, {
      tls: true,
      host: 'example.org',
      path: '/',
      backend: 'infra-backend-v1',
      namespace: INFRA,
    }),
    expectEventuallyConsistent(address, { tls: true, host: 'unknown-example.org', path: '/', status: 404 }),
    expectEventuallyConsistent(address, {
      tls: true,
      host: 'second-example.org',
      path: '/',
      backend: 'infra-backend-v2',
      namespace: INFRA,
    }),
  ]);
});

function httpsListener(certificateRef: Record<string, string>) {
  return {
    name: 'https',
    port: 443,
    protocol: 'HTTPS',
    allowedRoutes: { namespaces: { from: 'All' } },
    tls: { certificateRefs: [{ group: '', kind: 'Secret', ...certificateRef }] },
  };
}

/** The four GatewaySecret* tests: a listener certificate in another namespace, with these ReferenceGrants. */
async function secretReference(gateway: string, grants: [string, object, object][], expected: object[]) {
  suite.api.apply(tlsSecret(WEB_BACKEND, 'certificate', await selfSignedFor(['secure.example'])));
  for (const [name, from, to] of grants) {
    const namespace = name === 'reference-grant-wrong-namespace' ? APP_BACKEND : WEB_BACKEND;
    suite.api.apply({
      apiVersion: V1,
      kind: 'ReferenceGrant',
      metadata: { namespace, name },
      spec: { from: [from], to: [to] },
    });
  }
  suite.api.apply(gatewayObject(gateway, [httpsListener({ name: 'certificate', namespace: WEB_BACKEND })]));
  try {
    await listenersMatch(suite.api, gateway, [
      { name: 'https', attachedRoutes: 0, conditions: expected as { type: string; status: string }[] },
    ]);
  } finally {
    suite.api.remove('Gateway', INFRA, gateway);
  }
}

const fromGateway = { group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: INFRA };
const toCertificate = { group: '', kind: 'Secret', name: 'certificate' };
const refNotPermitted = [{ type: 'ResolvedRefs', status: 'False', reason: 'RefNotPermitted' }];
const programmedResolved = [
  { type: 'Programmed', status: 'True', reason: 'Programmed' },
  { type: 'ResolvedRefs', status: 'True' },
];

conformance('GatewaySecretInvalidReferenceGrant', () =>
  secretReference(
    'gateway-secret-invalid-reference-grant',
    [
      ['reference-grant-wrong-namespace', fromGateway, toCertificate],
      ['reference-grant-wrong-from-group', { ...fromGateway, group: 'not-the-group-youre-looking-for' }, toCertificate],
      ['reference-grant-wrong-from-kind', { ...fromGateway, kind: 'HTTPRoute' }, toCertificate],
      [
        'reference-grant-wrong-from-namespace',
        { ...fromGateway, namespace: 'not-the-namespace-youre-looking-for' },
        toCertificate,
      ],
      [
        'reference-grant-wrong-to-group',
        fromGateway,
        { group: 'not-the-group-youre-looking-for', kind: 'Secret', name: 'not-the-certificate-youre-looking-for' },
      ],
      ['reference-grant-wrong-to-kind', fromGateway, { ...toCertificate, kind: 'Service' }],
      [
        'reference-grant-wrong-to-name',
        fromGateway,
        { ...toCertificate, name: 'not-the-certificate-youre-looking-for' },
      ],
    ],
    refNotPermitted,
  ),
);

conformance('GatewaySecretMissingReferenceGrant', () =>
  secretReference('gateway-secret-missing-reference-grant', [], refNotPermitted),
);

conformance('GatewaySecretReferenceGrantAllInNamespace', () =>
  secretReference(
    'gateway-secret-reference-grant-all-in-namespace',
    [['reference-grant-all-in-namespace', fromGateway, { group: '', kind: 'Secret' }]],
    programmedResolved,
  ),
);

conformance('GatewaySecretReferenceGrantSpecific', () =>
  secretReference(
    'gateway-secret-reference-grant-specific',
    [['reference-grant-specific', fromGateway, toCertificate]],
    programmedResolved,
  ),
);

conformance('GatewayInvalidTLSConfiguration', async () => {
  suite.api.apply({
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'kubernetes.io/tls',
    metadata: { namespace: INFRA, name: 'malformed-certificate' },
    data: { 'tls.crt': 'SGVsbG8gd29ybGQK', 'tls.key': 'SGVsbG8gd29ybGQK' },
  });
  const gateways: [string, Record<string, string>][] = [
    ['gateway-certificate-nonexistent-secret', { name: 'nonexistent-certificate' }],
    [
      'gateway-certificate-unsupported-group',
      { group: 'wrong.group.company.io', name: 'tls-validity-checks-certificate' },
    ],
    ['gateway-certificate-unsupported-kind', { kind: 'WrongKind', name: 'tls-validity-checks-certificate' }],
    ['gateway-certificate-malformed-secret', { name: 'malformed-certificate' }],
  ];
  for (const [name, certificateRef] of gateways) suite.api.apply(gatewayObject(name, [httpsListener(certificateRef)]));
  try {
    for (const [name] of gateways) {
      await listenersMatch(suite.api, name, [
        {
          name: 'https',
          supportedKinds: [{ kind: 'HTTPRoute' }],
          attachedRoutes: 0,
          conditions: [{ type: 'ResolvedRefs', status: 'False', reason: 'InvalidCertificateRef' }],
        },
      ]);
    }
  } finally {
    for (const [name] of gateways) suite.api.remove('Gateway', INFRA, name);
  }
});

conformance('HTTPRouteRedirectHostAndStatus', async () => {
  const redirect = (path: string, requestRedirect: object) => ({
    matches: [prefix(path)],
    filters: [{ type: 'RequestRedirect', requestRedirect }],
  });
  suite.api.apply(
    httpRoute(INFRA, 'redirect-host-and-status', {
      parentRefs: [ref('same-namespace')],
      rules: [
        redirect('/hostname-redirect', { hostname: 'example.org' }),
        redirect('/host-and-status', { statusCode: 301, hostname: 'example.org' }),
      ],
    }),
  );
  const address = await gatewayAndRoutesAccepted(suite.api, 'same-namespace', ['redirect-host-and-status']);
  await routeCondition(suite.api, 'redirect-host-and-status', 'same-namespace', {
    type: 'ResolvedRefs',
    status: 'True',
  });
  await Promise.all([
    expectEventuallyConsistent(address, { path: '/hostname-redirect', status: 302, redirectHost: 'example.org' }),
    expectEventuallyConsistent(address, { path: '/host-and-status', status: 301, redirectHost: 'example.org' }),
  ]);
});

conformance('HTTPRouteRequestHeaderModifier', async () => {
  const h = (name: string, value: string) => ({ name, value });
  const rule = (path: string, requestHeaderModifier: object) => ({
    matches: [prefix(path)],
    filters: [{ type: 'RequestHeaderModifier', requestHeaderModifier }],
    backendRefs: [backendRef('infra-backend-v1')],
  });
  suite.api.apply(
    httpRoute(INFRA, 'request-header-modifier', {
      parentRefs: [ref('same-namespace')],
      rules: [
        rule('/set', { set: [h('X-Header-Set', 'set-overwrites-values')] }),
        rule('/add', { add: [h('X-Header-Add', 'add-appends-values')] }),
        rule('/remove', { remove: ['X-Header-Remove'] }),
        rule('/multiple', {
          set: [h('X-Header-Set-1', 'header-set-1'), h('X-Header-Set-2', 'header-set-2')],
          add: [
            h('X-Header-Add-1', 'header-add-1'),
            h('X-Header-Add-2', 'header-add-2'),
            h('X-Header-Add-3', 'header-add-3'),
          ],
          remove: ['X-Header-Remove-1', 'X-Header-Remove-2'],
        }),
        rule('/case-insensitivity', {
          set: [h('X-Header-Set', 'header-set')],
          add: [h('X-Header-Add', 'header-add')],
          remove: ['X-Header-Remove'],
        }),
      ],
    }),
  );
  const address = await gatewayAndRoutesAccepted(suite.api, 'same-namespace', ['request-header-modifier']);
  await routeCondition(suite.api, 'request-header-modifier', 'same-namespace', {
    type: 'ResolvedRefs',
    status: 'True',
  });
  const v1 = { backend: 'infra-backend-v1', namespace: INFRA };
  await Promise.all([
    expectEventuallyConsistent(address, {
      path: '/set',
      headers: { 'Some-Other-Header': 'val' },
      requestHeaders: { 'Some-Other-Header': 'val', 'X-Header-Set': 'set-overwrites-values' },
      ...v1,
    }),
    expectEventuallyConsistent(address, {
      path: '/set',
      headers: { 'Some-Other-Header': 'val', 'X-Header-Set': 'some-other-value' },
      requestHeaders: { 'Some-Other-Header': 'val', 'X-Header-Set': 'set-overwrites-values' },
      ...v1,
    }),
    expectEventuallyConsistent(address, {
      path: '/add',
      headers: { 'Some-Other-Header': 'val' },
      requestHeaders: { 'Some-Other-Header': 'val', 'X-Header-Add': 'add-appends-values' },
      ...v1,
    }),
    expectEventuallyConsistent(address, {
      path: '/add',
      headers: { 'Some-Other-Header': 'val', 'X-Header-Add': 'some-other-value' },
      requestHeaders: { 'Some-Other-Header': 'val', 'X-Header-Add': 'some-other-value,add-appends-values' },
      ...v1,
    }),
    expectEventuallyConsistent(address, {
      path: '/remove',
      headers: { 'X-Header-Remove': 'val' },
      absentHeaders: ['X-Header-Remove'],
      ...v1,
    }),
    expectEventuallyConsistent(address, {
      path: '/multiple',
      headers: {
        'X-Header-Set-2': 'set-val-2',
        'X-Header-Add-2': 'add-val-2',
        'X-Header-Remove-2': 'remove-val-2',
        'Another-Header': 'another-header-val',
      },
      requestHeaders: {
        'X-Header-Set-1': 'header-set-1',
        'X-Header-Set-2': 'header-set-2',
        'X-Header-Add-1': 'header-add-1',
        'X-Header-Add-2': 'add-val-2,header-add-2',
        'X-Header-Add-3': 'header-add-3',
        'Another-Header': 'another-header-val',
      },
      absentHeaders: ['X-Header-Remove-1', 'X-Header-Remove-2'],
      ...v1,
    }),
    expectEventuallyConsistent(address, {
      path: '/case-insensitivity',
      headers: {
        'x-header-set': 'original-val-set',
        'x-header-add': 'original-val-add',
        'x-header-remove': 'original-val-remove',
        'Another-Header': 'another-header-val',
      },
      requestHeaders: {
        'X-Header-Set': 'header-set',
        'X-Header-Add': 'original-val-add,header-add',
        'Another-Header': 'another-header-val',
      },
      absentHeaders: ['x-header-remove', 'X-Header-Remove'],
      ...v1,
    }),
  ]);
});

/** weight.TestWeightedDistribution: 500 requests, 10 at a time; each backend's share within ±5 % of its weight. */
async function weightedDistribution(address: string, weights: Record<string, number>): Promise<string | null> {
  const seen = new Map<string, number>();
  let next = 0;
  const worker = async () => {
    while (next < 500) {
      next += 1;
      const reply = await edgeRequest(`http://${address}:80`, { path: `/?entropy=${next}` });
      if (reply.status !== 200) throw new Error(`status ${reply.status}`);
      const backend = String(reply.json().pod).replace(/-\d+$/, '');
      if (!(backend in weights)) throw new Error(`unexpected pod ${reply.json().pod}`);
      seen.set(backend, (seen.get(backend) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: 10 }, worker));
  for (const [backend, weight] of Object.entries(weights)) {
    const share = (seen.get(backend) ?? 0) / 500;
    if (Math.abs(share - weight) > 0.05) return `${backend}: ${share} of the traffic, wanted ${weight} ± 0.05`;
  }
  return null;
}

conformance('HTTPRouteWeight', async () => {
  suite.api.apply(
    httpRoute(INFRA, 'weighted-backends', {
      parentRefs: [ref('same-namespace')],
      rules: [
        {
          backendRefs: [
            backendRef('infra-backend-v1', { weight: 70 }),
            backendRef('infra-backend-v2', { weight: 30 }),
            backendRef('infra-backend-v3', { weight: 0 }),
          ],
        },
      ],
    }),
  );
  const address = await gatewayAndRoutesAccepted(suite.api, 'same-namespace', ['weighted-backends']);
  await routeCondition(suite.api, 'weighted-backends', 'same-namespace', { type: 'ResolvedRefs', status: 'True' });
  await expectEventuallyConsistent(address, { path: '/', namespace: INFRA });
  const weights = { 'infra-backend-v1': 0.7, 'infra-backend-v2': 0.3, 'infra-backend-v3': 0 };
  let why: string | null = 'not run';
  // weight.MaxTestRetries
  for (let attempt = 0; attempt < 10 && why !== null; attempt++) why = await weightedDistribution(address, weights);
  check(why === null, `weighted distribution: ${why}`);
});

registerExtendedTests(conformance, () => suite);
registerGrpcTests(conformance, () => suite);

// Not an upstream test: what the GatewayClass claims is exactly Core plus the features of the Extended tests
// above (upstream: the suite runs the tests of every claimed feature, so a claim is only as good as they are).
describe('GatewayClass status.supportedFeatures', () => {
  it('lists Core and exactly the Extended features this file exercises', async () => {
    const exercised = [...Object.values(EXTENDED_TESTS), ...Object.values(GRPC_TESTS)].flat();
    const wanted = [...new Set([...CORE_FEATURES, ...exercised])].sort();
    await until('GatewayClass supportedFeatures', () => {
      const features = suite.api.get('GatewayClass', undefined, GATEWAY_CLASS)?.status?.supportedFeatures ?? [];
      return JSON.stringify(features.map((f: { name: string }) => f.name)) === JSON.stringify(wanted);
    });
    expect(suite.api.get('GatewayClass', undefined, GATEWAY_CLASS)?.status?.supportedFeatures).toHaveLength(
      wanted.length,
    );
  });
});
