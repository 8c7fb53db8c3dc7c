// fast-check arbitraries for the incremental builder's equivalence test: objects of every kind drawn from
// small pools of names, hosts, paths and Services (so claims collide, Services come and go under their
// routes, and two objects sometimes share a name), now and then with a junk value in place of a field.

import * as fc from 'fast-check';
import type { ObjectChange, ObjectKind } from '../../src/routing/incremental/object-store.ts';
import { fakeTlsSecret, junkValues, sluiceClass } from './routing-build-fixtures.ts';

const junk = junkValues(8, 300);
const maybe = <T>(good: fc.Arbitrary<T>): fc.Arbitrary<unknown> =>
  fc.oneof({ weight: 12, arbitrary: good }, { weight: 1, arbitrary: junk });
const optional = <T extends Record<string, unknown>>(fields: { [K in keyof T]: fc.Arbitrary<T[K]> }) =>
  fc.record(fields, { requiredKeys: [] });

const namespace = fc.constantFrom('default', 'team');
const serviceName = fc.constantFrom('web', 'api', 'gone');
const host = fc.constantFrom(
  'a.example.com',
  'www.a.example.com',
  'b.example.com',
  '*.example.com',
  'x.a.example.com',
  '',
);
// Fields are there (junk now and then), so most routes are usable and Ingresses meet on hosts and paths.
const backend = fc.record({
  service: maybe(
    fc.record({
      name: maybe(serviceName),
      port: maybe(fc.oneof(fc.record({ number: fc.constantFrom(80, 8080, 70000) }), fc.constant({ name: 'http' }))),
    }),
  ),
});
const httpPath = fc.record({
  path: maybe(fc.constantFrom('/', '/a', '/a/', '/a/b', 'rel')),
  pathType: maybe(fc.constantFrom('Exact', 'Prefix', 'Prefix', 'ImplementationSpecific')),
  backend: maybe(backend),
});
const rule = fc.record({ host: maybe(host), http: maybe(fc.record({ paths: fc.array(httpPath, { maxLength: 3 }) })) });
const tls = optional({
  hosts: maybe(fc.array(host, { maxLength: 2 })),
  secretName: maybe(fc.constantFrom('tls-a', 'tls-b', 'missing')),
});

const ingress = fc.record({
  kind: fc.constant('Ingress'),
  metadata: optional({
    name: fc.constantFrom('one', 'two', 'three'),
    namespace,
    creationTimestamp: fc.constantFrom('2024-01-01T00:00:00Z', '2023-01-01T00:00:00Z', 'never'),
    annotations: maybe(
      optional({
        'kubernetes.io/ingress.class': fc.constantFrom('sluice', 'nginx'),
        'sluice.dev/ssl-redirect': fc.constantFrom('false', 'true'),
        'sluice.dev/request-timeout': fc.constantFrom('30s', 'soon'),
        // Canaries attach to other Ingresses' rules of the same host and path; regex changes a whole host.
        'nginx.ingress.kubernetes.io/canary': fc.constantFrom('true', 'true', 'false'),
        'nginx.ingress.kubernetes.io/canary-weight': fc.constantFrom('10', '100', 'x'),
        'nginx.ingress.kubernetes.io/canary-by-header': fc.constantFrom('X-Canary'),
        'nginx.ingress.kubernetes.io/use-regex': fc.constantFrom('true', 'false'),
        // Adds a redirecting rule on the other spelling of each host (www.<host> / <host>).
        'nginx.ingress.kubernetes.io/from-to-www-redirect': fc.constantFrom('true'),
        // Header ConfigMaps: a ConfigMap change must translate the Ingresses naming it again.
        'nginx.ingress.kubernetes.io/custom-headers': fc.constantFrom('h1', 'h2', 'team/h1', 'default/h2'),
        'nginx.ingress.kubernetes.io/auth-url': fc.constantFrom('http://auth.example.com/check'),
        'nginx.ingress.kubernetes.io/auth-proxy-set-headers': fc.constantFrom('h1', 'h2'),
      }),
    ),
  }),
  spec: maybe(
    optional({
      ingressClassName: fc.constantFrom('sluice', 'sluice', 'other'),
      rules: maybe(fc.array(maybe(rule), { maxLength: 3 })),
      tls: maybe(fc.array(tls, { maxLength: 2 })),
      defaultBackend: maybe(backend),
    }),
  ),
});

const ingressClass = fc.record({
  kind: fc.constant('IngressClass'),
  metadata: optional({
    name: fc.constantFrom('sluice', 'other'),
    annotations: optional({ 'ingressclass.kubernetes.io/is-default-class': fc.constantFrom('true', 'false') }),
  }),
  spec: optional({ controller: fc.constantFrom('sluice.dev/ingress-controller', 'example.com/other') }),
});

const servicePort = optional({ name: fc.constantFrom('http', ''), port: maybe(fc.constantFrom(80, 8080)) });
const service = fc.record({
  kind: fc.constant('Service'),
  metadata: fc.record({ name: serviceName, namespace }),
  spec: maybe(
    optional({
      type: fc.constantFrom('ClusterIP', 'ExternalName'),
      externalName: fc.constantFrom('ext.example.net', 'bad name'),
      ports: fc.array(servicePort, { maxLength: 2 }),
    }),
  ),
});

const endpoint = optional({
  addresses: fc.array(fc.constantFrom('10.0.0.1', '10.0.0.2', 'fd00::1'), { maxLength: 2 }),
  conditions: optional({ ready: fc.boolean(), serving: fc.boolean(), terminating: fc.boolean() }),
  zone: fc.constantFrom('a', 'b'),
});
const endpointSlice = fc.record({
  kind: fc.constant('EndpointSlice'),
  metadata: fc.record({
    name: fc.constantFrom('s1', 's2', 's3'),
    namespace,
    labels: optional({ 'kubernetes.io/service-name': serviceName }),
  }),
  ports: maybe(fc.array(optional({ name: fc.constantFrom('http', ''), port: fc.constantFrom(8080, 9090) }))),
  endpoints: fc.array(endpoint, { maxLength: 3 }),
});

const secret = fc
  .record({
    name: fc.constantFrom('tls-a', 'tls-b'),
    names: fc.subarray(['a.example.com', '*.example.com', 'b.example.com']),
    key: fc.constantFrom('k1', 'k2'),
    namespace,
  })
  .map(({ name, names, key, namespace: ns }) => fakeTlsSecret(name, names, key, ns));

const configMap = fc.record({
  kind: fc.constant('ConfigMap'),
  metadata: fc.record({ name: fc.constantFrom('h1', 'h2'), namespace }),
  data: maybe(
    optional({
      'X-Frame-Options': fc.constantFrom('DENY', 'SAMEORIGIN'),
      'X-Team': fc.constantFrom('a', 'b'),
      'bad header': fc.constant('x'),
    }),
  ),
});

const objects: Record<ObjectKind, fc.Arbitrary<unknown>> = {
  ingresses: ingress,
  ingressClasses: ingressClass,
  services: service,
  endpointSlices: endpointSlice,
  secrets: secret,
  configMaps: configMap,
};

/** Names follow the id (five times in six), so most objects coexist and some collide. */
function nameAfterId(kind: ObjectKind, id: string, object: unknown, keepPoolName: boolean): unknown {
  const names: Partial<Record<ObjectKind, string>> = {
    ingresses: `ing${id}`,
    endpointSlices: `s${id}`,
    ingressClasses: id === '1' ? 'sluice' : id === '2' ? 'other' : `c${id}`,
  };
  const name = names[kind];
  const metadata = (object as { metadata?: unknown }).metadata;
  if (keepPoolName || name === undefined || typeof metadata !== 'object' || metadata === null) return object;
  return { ...(object as object), metadata: { ...metadata, name } };
}

/** One store write: a kind, one of four ids (so writes replace and delete earlier ones), the object or null. */
export const objectChange: fc.Arbitrary<ObjectChange> = fc
  .constantFrom<ObjectKind>(
    'ingresses',
    'ingresses',
    'ingressClasses',
    'services',
    'endpointSlices',
    'secrets',
    'configMaps',
  )
  .chain((kind) =>
    fc
      .record({
        kind: fc.constant(kind),
        id: fc.constantFrom('1', '2', '3', '4'),
        object: fc.oneof({ weight: 4, arbitrary: objects[kind] }, { weight: 1, arbitrary: fc.constant(null) }),
        keepPoolName: fc.integer({ min: 0, max: 5 }).map((n) => n === 0),
      })
      .map(({ id, object, keepPoolName }) => ({
        kind,
        id,
        object: object === null ? null : nameAfterId(kind, id, object, keepPoolName),
      })),
  ) as fc.Arbitrary<ObjectChange>;

/** Writes applied together (as one coalesced reconcile), after our IngressClass is written (it may change later). */
export const changeBatches = fc
  .array(fc.array(objectChange, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 25 })
  .map((batches) => [[{ kind: 'ingressClasses', id: '1', object: sluiceClass } as ObjectChange], ...batches]);
