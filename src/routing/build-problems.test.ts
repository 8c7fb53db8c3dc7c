// routing-semantics §8: each kind of bad input yields a problem naming the object and the field, and the other
// Ingresses' routes, defaults, TLS and endpoints stay exactly as they were without it.

import { describe, expect, it } from 'vitest';
import { build } from './build.ts';
import {
  fakeTlsSecret,
  ingress,
  service,
  slice,
  sluiceClass,
  snapshotOf,
  testOptions,
  type IngressFixture,
} from '../../test/support/routing-build-fixtures.ts';
import { PROBLEM_CODES } from './problems.ts';
import type { BuildResult, KubeObject } from './types.ts';

const goodWorld: KubeObject[] = [
  sluiceClass,
  ingress({
    name: 'good-a',
    created: '2023-01-01T00:00:00Z',
    host: 'a.example.com',
    paths: [
      { path: '/', service: 'web' },
      { path: '/api', service: 'api', port: 'http' },
    ],
    defaultService: 'web',
    tls: [{ hosts: ['a.example.com'], secretName: 'a-tls' }],
  }),
  ingress({
    name: 'good-b',
    namespace: 'team-b',
    created: '2023-06-01T00:00:00Z',
    host: 'b.example.com',
    paths: [{ path: '/shop', service: 'shop' }],
  }),
  ingress({
    name: 'good-any',
    created: '2023-07-01T00:00:00Z',
    paths: [{ path: '/healthz', pathType: 'Exact', service: 'web' }],
  }),
  service('web'),
  service('api'),
  service('shop', undefined, 'team-b'),
  slice('web', ['10.0.0.1', '10.0.0.2']),
  slice('api', ['10.0.1.1']),
  slice('shop', ['10.0.2.1'], 'http', 'team-b'),
  fakeTlsSecret('a-tls', ['a.example.com']),
];

const BAD = 'bad';
const LEGACY = { 'kubernetes.io/ingress.class': 'sluice' };
const YOUNG = '2025-01-01T00:00:00Z';
const rule0 = 'spec.rules[0]';
const path0 = `${rule0}.http.paths[0]`;

function bad(fixture: Partial<IngressFixture>): KubeObject {
  return ingress({
    name: BAD,
    created: YOUNG,
    host: 'bad.example.com',
    paths: [{ path: '/', service: 'web' }],
    ...fixture,
  });
}

/** An Ingress object with its spec replaced wholesale (ours by the legacy annotation), for wrong types. */
function badSpec(spec: unknown): KubeObject {
  return { ...bad({ annotations: LEGACY }), spec };
}

/** Everything the good Ingresses own, as text, seen from the hosts the good world has. */
function goodView(result: BuildResult, namespaceOfBad = 'default'): string[] {
  const isBad = (ref: { namespace: string; name: string }) => ref.name === BAD && ref.namespace === namespaceOfBad;
  const view: string[] = [];
  const hosts = new Set(build(snapshotOf(goodWorld), testOptions).table.hosts.map((host) => host.host));
  for (const host of result.table.hosts) {
    if (!hosts.has(host.host)) continue;
    view.push(`host ${host.host} tls=${host.tlsSecret} default=${host.defaultBackend?.backend}`);
    for (const route of host.routes) {
      if (isBad(route.source)) continue;
      view.push(
        `  ${route.pathType} ${route.path} → ${route.backend} ${route.source.namespace}/${route.source.name} ${JSON.stringify(route.policy)}`,
      );
      const endpoints = result.endpoints.get(route.backend);
      view.push(`    ${endpoints?.state} ${endpoints?.usable.map((endpoint) => endpoint.address).join(',')}`);
    }
  }
  view.push(`global default ${result.table.defaultBackend?.backend} ${result.table.defaultBackend?.source.name}`);
  for (const [host, secret] of result.tls.hosts) if (hosts.has(host)) view.push(`tls ${host} ${secret}`);
  for (const item of result.problems)
    if (!isBad(item.object)) view.push(`problem ${item.code} ${item.object.name} ${item.field}`);
  return view;
}

interface BadCase {
  readonly name: string;
  readonly objects: readonly KubeObject[];
  readonly code: keyof typeof PROBLEM_CODES;
  readonly field: string;
  readonly namespace?: string;
}

const huge = 'x'.repeat(200_000);

const cases: readonly BadCase[] = [
  {
    name: 'a relative path',
    objects: [bad({ paths: [{ path: 'relative', service: 'web' }] })],
    code: 'PathInvalid',
    field: `${path0}.path`,
  },
  {
    name: 'a dot segment',
    objects: [bad({ paths: [{ path: '/a/./b', service: 'web' }] })],
    code: 'PathInvalid',
    field: `${path0}.path`,
  },
  {
    name: 'a missing pathType',
    objects: [
      badSpec({
        rules: [
          {
            host: 'bad.example.com',
            http: { paths: [{ path: '/', backend: { service: { name: 'web', port: { number: 80 } } } }] },
          },
        ],
      }),
    ],
    code: 'PathTypeMissing',
    field: `${path0}.pathType`,
  },
  {
    name: 'a pathType of the wrong type',
    objects: [bad({ paths: [{ path: '/', pathType: 3 as unknown as string, service: 'web' }] })],
    code: 'PathTypeInvalid',
    field: `${path0}.pathType`,
  },
  {
    name: 'a regex-like Prefix path',
    objects: [bad({ paths: [{ path: '/api/(v1|v2)', service: 'web' }] })],
    code: 'PathRegexLike',
    field: `${path0}.path`,
  },
  {
    name: 'a regex-like Exact path',
    objects: [bad({ paths: [{ path: '/^exact$', pathType: 'Exact', service: 'web' }] })],
    code: 'PathRegexLike',
    field: `${path0}.path`,
  },
  {
    name: 'an unknown Service',
    objects: [bad({ paths: [{ path: '/', service: 'ghost' }] })],
    code: 'ServiceNotFound',
    field: `${path0}.backend.service.name`,
  },
  {
    name: 'an unknown port name',
    objects: [bad({ paths: [{ path: '/', service: 'web', port: 'grpc' }] })],
    code: 'ServicePortNotFound',
    field: `${path0}.backend.service.port`,
  },
  {
    name: 'an unknown port number',
    objects: [bad({ paths: [{ path: '/', service: 'web', port: 8443 }] })],
    code: 'ServicePortNotFound',
    field: `${path0}.backend.service.port`,
  },
  {
    name: 'a port out of range',
    objects: [bad({ paths: [{ path: '/', service: 'web', port: 65536 }] })],
    code: 'BackendPortOutOfRange',
    field: `${path0}.backend.service.port.number`,
  },
  {
    name: 'a negative port',
    objects: [bad({ paths: [{ path: '/', service: 'web', port: -1 }] })],
    code: 'BackendPortOutOfRange',
    field: `${path0}.backend.service.port.number`,
  },
  {
    name: 'an invalid port name',
    objects: [bad({ paths: [{ path: '/', service: 'web', port: 'HTTP PORT' }] })],
    code: 'BackendPortNameInvalid',
    field: `${path0}.backend.service.port.name`,
  },
  {
    name: 'a duplicate host+path from another namespace',
    objects: [
      bad({ namespace: 'intruder', host: 'a.example.com', paths: [{ path: '/api', service: 'web' }] }),
      service('web', undefined, 'intruder'),
    ],
    code: 'RouteConflict',
    field: `${path0}.path`,
    namespace: 'intruder',
  },
  {
    name: 'a missing TLS Secret',
    objects: [bad({ tls: [{ hosts: ['bad.example.com'], secretName: 'nope' }] })],
    code: 'TlsSecretNotFound',
    field: 'spec.tls[0].secretName',
  },
  {
    name: 'a garbled TLS Secret',
    objects: [
      bad({ tls: [{ hosts: ['bad.example.com'], secretName: 'garbled' }] }),
      {
        kind: 'Secret',
        type: 'kubernetes.io/tls',
        metadata: { name: 'garbled', namespace: 'default' },
        data: { 'tls.crt': '%%%', 'tls.key': '%%%' },
      },
    ],
    code: 'TlsSecretGarbled',
    field: 'spec.tls[0].secretName',
  },
  {
    name: 'a TLS Secret whose key does not match',
    objects: [
      bad({ tls: [{ hosts: ['bad.example.com'], secretName: 'mismatch' }] }),
      {
        ...fakeTlsSecret('mismatch', ['bad.example.com'], 'k1'),
        data: {
          'tls.crt': (fakeTlsSecret('x', ['bad.example.com'], 'k1').data as Record<string, string>)['tls.crt'],
          'tls.key': (fakeTlsSecret('y', [], 'k2').data as Record<string, string>)['tls.key'],
        },
      },
    ],
    code: 'TlsCertificateInvalid',
    field: 'spec.tls[0].secretName',
  },
  {
    name: 'a TLS Secret of the wrong type',
    objects: [
      bad({ tls: [{ hosts: ['bad.example.com'], secretName: 'opaque' }] }),
      { ...fakeTlsSecret('opaque', ['bad.example.com']), type: 'Opaque' },
    ],
    code: 'TlsSecretWrongType',
    field: 'spec.tls[0].secretName',
  },
  {
    name: 'a TLS host an older Ingress serves with another Secret',
    objects: [
      bad({ tls: [{ hosts: ['a.example.com'], secretName: 'other-tls' }] }),
      fakeTlsSecret('other-tls', ['a.example.com']),
    ],
    code: 'TlsHostConflict',
    field: 'spec.tls[0].hosts[0]',
  },
  {
    name: 'a huge path',
    objects: [bad({ paths: [{ path: `/${huge}`, service: 'web' }] })],
    code: 'PathTooLong',
    field: `${path0}.path`,
  },
  { name: 'a huge host', objects: [bad({ host: `${huge}.example.com` })], code: 'HostInvalid', field: `${rule0}.host` },
  {
    name: 'a huge object (5,000 rules with invalid hosts, a huge annotation)',
    objects: [
      {
        ...badSpec({
          rules: Array.from({ length: 5000 }, (_, i) => ({ host: `bad_${i}.example.com`, http: { paths: [] } })),
        }),
        metadata: { name: BAD, namespace: 'default', creationTimestamp: YOUNG, annotations: { ...LEGACY, note: huge } },
      },
    ],
    code: 'HostInvalid',
    field: 'spec.rules[4999].host',
  },
  {
    name: 'a unicode host',
    objects: [bad({ host: 'bücher.example.com' })],
    code: 'HostNotAscii',
    field: `${rule0}.host`,
  },
  { name: 'a "*" host', objects: [bad({ host: '*' })], code: 'HostWildcardAlone', field: `${rule0}.host` },
  { name: 'an IP host', objects: [bad({ host: '10.1.2.3' })], code: 'HostIsIpAddress', field: `${rule0}.host` },
  {
    name: 'a host of the wrong type',
    objects: [badSpec({ rules: [{ host: ['a.example.com'], http: { paths: [] } }] })],
    code: 'FieldTypeInvalid',
    field: `${rule0}.host`,
  },
  {
    name: 'rules of the wrong type',
    objects: [badSpec({ rules: 'a.example.com' })],
    code: 'FieldTypeInvalid',
    field: 'spec.rules',
  },
  { name: 'a spec of the wrong type', objects: [badSpec(null)], code: 'FieldTypeInvalid', field: 'spec' },
  {
    name: 'paths of the wrong type',
    objects: [badSpec({ rules: [{ host: 'a.example.com', http: { paths: 7 } }] })],
    code: 'FieldTypeInvalid',
    field: `${rule0}.http.paths`,
  },
  {
    name: 'a backend of the wrong type',
    objects: [
      badSpec({
        rules: [{ host: 'bad.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: [] }] } }],
      }),
    ],
    code: 'FieldTypeInvalid',
    field: `${path0}.backend`,
  },
  {
    name: 'a port number as a string',
    objects: [
      badSpec({
        rules: [
          {
            host: 'bad.example.com',
            http: {
              paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: '80' } } } }],
            },
          },
        ],
      }),
    ],
    code: 'BackendPortOutOfRange',
    field: `${path0}.backend.service.port.number`,
  },
  {
    name: 'a resource backend',
    objects: [
      badSpec({
        rules: [
          {
            host: 'bad.example.com',
            http: { paths: [{ path: '/', pathType: 'Prefix', backend: { resource: { kind: 'Bucket', name: 'b' } } }] },
          },
        ],
      }),
    ],
    code: 'BackendResourceUnsupported',
    field: `${path0}.backend.resource`,
  },
  {
    name: 'TLS hosts of the wrong type',
    objects: [badSpec({ tls: [{ hosts: 'bad.example.com', secretName: 'x' }] })],
    code: 'FieldTypeInvalid',
    field: 'spec.tls[0].hosts',
  },
  {
    name: 'a defaultBackend of the wrong type',
    objects: [badSpec({ defaultBackend: 'web' })],
    code: 'FieldTypeInvalid',
    field: 'spec.defaultBackend',
  },
  // Annotations: warnings on the bad Ingress only, even when it shares a host with good ones.
  {
    name: 'an unreadable request timeout',
    objects: [
      bad({
        host: 'a.example.com',
        paths: [{ path: '/slow', service: 'web' }],
        annotations: { 'sluice.dev/request-timeout': '30 secs' },
      }),
    ],
    code: 'AnnotationValueInvalid',
    field: 'metadata.annotations["sluice.dev/request-timeout"]',
  },
  {
    name: 'an unreadable body size',
    objects: [
      bad({
        host: 'a.example.com',
        paths: [{ path: '/big', service: 'web' }],
        annotations: { 'nginx.ingress.kubernetes.io/proxy-body-size': '8 MB' },
      }),
    ],
    code: 'AnnotationValueInvalid',
    field: 'metadata.annotations["nginx.ingress.kubernetes.io/proxy-body-size"]',
  },
  {
    name: 'an unreadable ssl-redirect',
    objects: [
      bad({
        host: 'a.example.com',
        paths: [{ path: '/plain', service: 'web' }],
        annotations: { 'sluice.dev/ssl-redirect': 'off' },
      }),
    ],
    code: 'AnnotationValueInvalid',
    field: 'metadata.annotations["sluice.dev/ssl-redirect"]',
  },
  {
    name: 'a policy annotation on a shared host',
    objects: [
      bad({
        host: 'a.example.com',
        paths: [{ path: '/slow', service: 'web' }],
        annotations: { 'sluice.dev/request-timeout': '1h', 'sluice.dev/ssl-redirect': 'false', 'sluice.dev/typo': 'x' },
      }),
    ],
    code: 'AnnotationUnknown',
    field: 'metadata.annotations["sluice.dev/typo"]',
  },
  {
    name: 'an unsupported nginx annotation',
    objects: [bad({ annotations: { 'nginx.ingress.kubernetes.io/auth-tls-verify-client': 'on' } })],
    code: 'AnnotationUnsupported',
    field: 'metadata.annotations["nginx.ingress.kubernetes.io/auth-tls-verify-client"]',
  },
  {
    name: 'a proxy-ssl-secret that does not exist',
    objects: [bad({ annotations: { 'nginx.ingress.kubernetes.io/proxy-ssl-secret': 'default/ghost' } })],
    code: 'PolicySecretNotFound',
    field: 'metadata.annotations["nginx.ingress.kubernetes.io/proxy-ssl-secret"]',
  },
  {
    name: 'a proxy-ssl-secret in another namespace',
    objects: [bad({ annotations: { 'nginx.ingress.kubernetes.io/proxy-ssl-secret': 'kube-system/admin' } })],
    code: 'PolicySecretNotFound',
    field: 'metadata.annotations["nginx.ingress.kubernetes.io/proxy-ssl-secret"]',
  },
  {
    name: 'auth-type basic without auth-secret',
    objects: [bad({ annotations: { 'nginx.ingress.kubernetes.io/auth-type': 'basic' } })],
    code: 'PolicySecretNotFound',
    field: 'metadata.annotations["nginx.ingress.kubernetes.io/auth-type"]',
  },
  {
    name: 'a plaintext htpasswd entry',
    objects: [
      {
        kind: 'Secret',
        metadata: { namespace: 'default', name: 'users' },
        type: 'Opaque',
        data: { auth: Buffer.from('ann:open-sesame\n').toString('base64') },
      },
      bad({
        annotations: {
          'nginx.ingress.kubernetes.io/auth-type': 'basic',
          'nginx.ingress.kubernetes.io/auth-secret': 'users',
        },
      }),
    ],
    code: 'AuthEntryRefused',
    field: 'metadata.annotations["nginx.ingress.kubernetes.io/auth-secret"]',
  },
  {
    name: 'an nginx snippet',
    objects: [bad({ annotations: { 'nginx.ingress.kubernetes.io/server-snippet': 'return 200;' } })],
    // A snippet is never executed; a line that is not a safe header edit is quoted as unsupported.
    code: 'AnnotationUnsupported',
    field: 'metadata.annotations["nginx.ingress.kubernetes.io/server-snippet"]',
  },
  {
    name: 'annotations of the wrong type',
    objects: [
      {
        ...bad({}),
        metadata: {
          name: BAD,
          namespace: 'default',
          creationTimestamp: YOUNG,
          annotations: 'sluice.dev/ssl-redirect=false',
        },
      },
    ],
    code: 'FieldTypeInvalid',
    field: 'metadata.annotations',
  },
];

describe('problems: a bad Ingress is reported and changes nothing else', () => {
  const base = build(snapshotOf(goodWorld), testOptions);

  it('the good world has no problems', () => {
    expect(base.problems).toEqual([]);
    expect(base.table.hosts.map((host) => host.host)).toEqual(['a.example.com', 'b.example.com', '']);
  });

  for (const item of cases) {
    it(`${item.name} → ${item.code} at ${item.field}`, () => {
      const result = build(snapshotOf([...goodWorld, ...item.objects]), testOptions);
      const namespace = item.namespace ?? 'default';
      const found = result.problems.filter(
        (entry) => entry.object.kind === 'Ingress' && entry.object.name === BAD && entry.object.namespace === namespace,
      );
      expect(found.map((entry) => `${entry.code} ${entry.field}`)).toContain(`${item.code} ${item.field}`);
      for (const entry of found) expect(entry.message.length).toBeLessThan(400);
      expect(goodView(result, namespace)).toEqual(goodView(base));
    });
  }

  it('every problem code is documented and every code used here exists', () => {
    for (const [code, meaning] of Object.entries(PROBLEM_CODES)) {
      expect(code).toMatch(/^[A-Z][A-Za-z]+$/);
      expect(meaning.length).toBeGreaterThan(10);
    }
  });

  it('a route with a missing Service still claims its path instead of falling through', () => {
    const result = build(
      snapshotOf([...goodWorld, bad({ host: 'a.example.com', paths: [{ path: '/admin', service: 'ghost' }] })]),
      testOptions,
    );
    const admin = result.table.hosts[0].routes.find((route) => route.path === '/admin');
    expect(admin?.backend).toBe('default/ghost:80');
    expect(result.endpoints.get('default/ghost:80')).toMatchObject({
      state: 'no-service',
      reason: 'service default/ghost not found',
      usable: [],
    });
  });
});
