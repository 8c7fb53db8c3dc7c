// fast-check: build never throws on malformed objects (missing fields, wrong types, nulls, huge
// strings), its output is frozen and dumpable, and reversing the input never changes the dump.

import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { build } from './build.ts';
import { fakeTlsSecret, junkValues, sluiceClass, testOptions } from '../../test/support/routing-build-fixtures.ts';
import { dumpBuild } from './dump.ts';
import type { BuildOptions, KubeObject, Snapshot } from './types.ts';

const junk = junkValues(20, 100_000);

/** A value that is usually the right shape and sometimes junk. */
const maybe = <T>(good: fc.Arbitrary<T>): fc.Arbitrary<unknown> =>
  fc.oneof({ weight: 4, arbitrary: good }, { weight: 1, arbitrary: junk });

const name = maybe(fc.constantFrom('web', 'api', 'a', 'b-c', 'Bad_Name', ''));
const namespace = maybe(fc.constantFrom('default', 'team', ''));
const host = maybe(
  fc.constantFrom('a.example.com', '*.example.com', '', 'B.EXAMPLE.COM', 'x.y.example.com', '1.2.3.4', '*'),
);
const path = maybe(fc.constantFrom('/', '/a', '/a/', '/a/b', 'rel', '/a/.*', '/%2F', '/a/../b', ''));
const pathType = maybe(fc.constantFrom('Exact', 'Prefix', 'ImplementationSpecific', 'Regex'));
const port = maybe(
  fc.record(
    { number: maybe(fc.constantFrom(80, 443, 0, 70000, 8080)), name: maybe(fc.constantFrom('http', 'grpc', '')) },
    { requiredKeys: [] },
  ),
);
const backend = maybe(
  fc.record({ service: maybe(fc.record({ name, port }, { requiredKeys: [] })), resource: junk }, { requiredKeys: [] }),
);
const httpPath = maybe(fc.record({ path, pathType, backend }, { requiredKeys: [] }));
const rule = maybe(
  fc.record(
    { host, http: maybe(fc.record({ paths: maybe(fc.array(httpPath, { maxLength: 4 })) }, { requiredKeys: [] })) },
    { requiredKeys: [] },
  ),
);
const tls = maybe(
  fc.record(
    { hosts: maybe(fc.array(host, { maxLength: 3 })), secretName: maybe(fc.constantFrom('tls-a', 'tls-b', 'missing')) },
    { requiredKeys: [] },
  ),
);
const metadata = maybe(
  fc.record(
    {
      name,
      namespace,
      creationTimestamp: maybe(fc.constantFrom('2024-01-01T00:00:00Z', '2023-05-05T10:00:00Z', 'not a date')),
      annotations: maybe(
        fc.record(
          {
            'kubernetes.io/ingress.class': maybe(fc.constantFrom('sluice', 'nginx')),
            'sluice.dev/ssl-redirect': maybe(fc.oneof(fc.constantFrom('false', 'true'), junk)),
            'sluice.dev/request-timeout': maybe(
              fc.oneof(fc.constantFrom('30s', '500ms', '0', '2h'), fc.string({ maxLength: 12 }), junk),
            ),
            'nginx.ingress.kubernetes.io/proxy-body-size': maybe(
              fc.oneof(fc.constantFrom('8m', '0', '1g'), fc.string({ maxLength: 12 }), junk),
            ),
            'nginx.ingress.kubernetes.io/rewrite-target': maybe(fc.constant('/')),
          },
          { requiredKeys: [] },
        ),
      ),
      labels: maybe(fc.record({ 'kubernetes.io/service-name': name }, { requiredKeys: [] })),
    },
    { requiredKeys: [] },
  ),
);
const ingressObject = maybe(
  fc.record(
    {
      kind: fc.constant('Ingress'),
      metadata,
      spec: maybe(
        fc.record(
          {
            ingressClassName: maybe(fc.constantFrom('sluice', 'other')),
            rules: maybe(fc.array(rule, { maxLength: 4 })),
            tls: maybe(fc.array(tls, { maxLength: 2 })),
            defaultBackend: backend,
          },
          { requiredKeys: [] },
        ),
      ),
    },
    { requiredKeys: [] },
  ),
);
const servicePort = maybe(
  fc.record(
    { name: maybe(fc.constantFrom('http', '', 'grpc')), port: maybe(fc.constantFrom(80, 443, 8080, 0)) },
    { requiredKeys: [] },
  ),
);
const serviceObject = maybe(
  fc.record(
    {
      metadata,
      spec: maybe(
        fc.record(
          {
            type: maybe(fc.constantFrom('ClusterIP', 'ExternalName')),
            externalName: maybe(fc.constantFrom('ext.example.net', 'bad name')),
            ports: maybe(fc.array(servicePort, { maxLength: 3 })),
          },
          { requiredKeys: [] },
        ),
      ),
    },
    { requiredKeys: [] },
  ),
);
const endpoint = maybe(
  fc.record(
    {
      addresses: maybe(fc.array(maybe(fc.constantFrom('10.0.0.1', '10.0.0.2', 'fd00::1')), { maxLength: 2 })),
      conditions: maybe(
        fc.record(
          { ready: maybe(fc.boolean()), serving: maybe(fc.boolean()), terminating: maybe(fc.boolean()) },
          { requiredKeys: [] },
        ),
      ),
      targetRef: maybe(fc.record({ name, namespace }, { requiredKeys: [] })),
      zone: maybe(fc.constantFrom('a', 'b', '')),
    },
    { requiredKeys: [] },
  ),
);
const sliceObject = maybe(
  fc.record(
    {
      metadata,
      ports: maybe(fc.array(servicePort, { maxLength: 2 })),
      endpoints: maybe(fc.array(endpoint, { maxLength: 3 })),
    },
    { requiredKeys: [] },
  ),
);
const secretObject = fc.oneof(
  fc.constant(fakeTlsSecret('tls-a', ['a.example.com'])),
  maybe(
    fc.record(
      {
        metadata,
        type: maybe(fc.constant('kubernetes.io/tls')),
        data: maybe(fc.record({ 'tls.crt': junk, 'tls.key': junk }, { requiredKeys: [] })),
      },
      { requiredKeys: [] },
    ),
  ),
);
const classObject = fc.oneof(
  fc.constant(sluiceClass),
  maybe(
    fc.record(
      { metadata, spec: maybe(fc.record({ controller: maybe(fc.constant('sluice.dev/ingress-controller')) })) },
      { requiredKeys: [] },
    ),
  ),
);

const snapshot: fc.Arbitrary<Snapshot> = fc.record({
  ingressClasses: fc.array(classObject, { maxLength: 3 }),
  ingresses: fc.array(ingressObject, { maxLength: 6 }),
  services: fc.array(serviceObject, { maxLength: 4 }),
  endpointSlices: fc.array(sliceObject, { maxLength: 4 }),
  secrets: fc.array(secretObject, { maxLength: 3 }),
}) as fc.Arbitrary<Snapshot>;

const options: fc.Arbitrary<BuildOptions> = fc
  .record({
    watchIngressWithoutClass: fc.boolean(),
    defaultBackendService: fc.constantFrom(null, 'default/web', 'default/web:80', 'bad', 'team/api:http'),
    defaultSslCertificate: fc.constantFrom(null, 'default/tls-a', 'nope'),
    sslRedirect: fc.boolean(),
  })
  .map((overrides) => ({ ...testOptions, ...overrides }));

function reversed(input: Snapshot): Snapshot {
  return {
    ingressClasses: [...input.ingressClasses].reverse(),
    ingresses: [...input.ingresses].reverse(),
    services: [...input.services].reverse(),
    endpointSlices: [...input.endpointSlices].reverse(),
    secrets: [...input.secrets].reverse(),
  };
}

describe('build on arbitrary malformed objects', () => {
  it('never throws, returns frozen data, and does not depend on input order', () => {
    fc.assert(
      fc.property(snapshot, options, (input, opts) => {
        const result = build(input, opts);
        expect(Object.isFrozen(result)).toBe(true);
        expect(Object.isFrozen(result.table.hosts)).toBe(true);
        expect(dumpBuild(build(reversed(input), opts))).toBe(dumpBuild(result));
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on anything at all in the object lists', () => {
    fc.assert(
      fc.property(
        fc.array(fc.anything(), { maxLength: 5 }),
        fc.array(fc.anything(), { maxLength: 5 }),
        (ingresses, others) => {
          const input = {
            ingressClasses: others,
            ingresses,
            services: others,
            endpointSlices: others,
            secrets: others,
          } as unknown as Snapshot;
          expect(dumpBuild(build(input, { ...testOptions, watchIngressWithoutClass: true })).length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never throws on a snapshot whose lists are not lists', () => {
    const broken = {
      ingressClasses: null,
      ingresses: 'x',
      services: {},
      endpointSlices: 7,
      secrets: undefined,
    } as unknown as Snapshot;
    expect(build(broken, testOptions).table.hosts).toEqual([]);
  });

  it('keeps the good Ingress intact next to arbitrary junk Ingresses', () => {
    const good: KubeObject = {
      kind: 'Ingress',
      metadata: { name: 'zz-good', namespace: 'default', creationTimestamp: '2000-01-01T00:00:00Z' },
      spec: {
        ingressClassName: 'sluice',
        rules: [
          {
            host: 'good.example.com',
            http: {
              paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }],
            },
          },
        ],
      },
    };
    fc.assert(
      fc.property(fc.array(ingressObject, { maxLength: 5 }), (junkIngresses) => {
        const result = build(
          {
            ingressClasses: [sluiceClass],
            ingresses: [good, ...(junkIngresses as KubeObject[])],
            services: [],
            endpointSlices: [],
            secrets: [],
          },
          testOptions,
        );
        const goodHost = result.table.hosts.find((entry) => entry.host === 'good.example.com');
        expect(goodHost?.routes.find((route) => route.path === '/')?.source.name).toBe('zz-good');
      }),
      { numRuns: 200 },
    );
  });
});
