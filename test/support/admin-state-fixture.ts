// Routing states built by hand for the admin and telemetry tests (the routing core is tested elsewhere).
import type { RoutingState } from '../../src/controller/state.ts';
import type { AnnotationReport } from '../../src/routing/annotations.ts';
import { compileMatcher } from '../../src/routing/matcher.ts';
import type {
  BackendEndpoints,
  Endpoint,
  HostRules,
  PathRoute,
  Problem,
  RouteTable,
  TlsCertificate,
} from '../../src/routing/types.ts';

export const HOSTILE = '<img src=x onerror="alert(1)">&</script><script>alert(2)</script>';

const policy = { sslRedirect: false, requestTimeoutMs: null, maxBodyBytes: null };

/** The audit rows of Ingress shop/storefront: one of each status. */
export const STOREFRONT_ANNOTATIONS: readonly AnnotationReport[] = [
  {
    name: 'nginx.ingress.kubernetes.io/custom-headers',
    status: 'invalid',
    message: 'ConfigMap shop/headers not found; no header is set',
  },
  { name: 'nginx.ingress.kubernetes.io/rewrite-target', status: 'supported', message: 'The path sent upstream.' },
  {
    name: 'nginx.ingress.kubernetes.io/server-snippet',
    status: 'partial',
    message: 'nginx.ingress.kubernetes.io/server-snippet: 1 header line kept',
  },
  {
    name: 'nginx.ingress.kubernetes.io/stream-snippet',
    status: 'unsupported',
    message: 'nginx.ingress.kubernetes.io/stream-snippet is not supported by sluice',
  },
];

function route(
  namespace: string,
  ingress: string,
  backendKey: string,
  path: string,
  pathType: 'Exact' | 'Prefix',
  field: string,
): PathRoute {
  return {
    backend: backendKey,
    source: { kind: 'Ingress', namespace, name: ingress },
    policy,
    path,
    pathType,
    match: pathType === 'Exact' ? 'exact' : 'prefix',
    field,
  };
}

function endpoint(address: string, ready: boolean, terminating: boolean): Endpoint {
  return { address, port: 8080, ready, serving: ready || terminating, terminating, pod: `shop/${address}`, zone: null };
}

function backend(
  key: string,
  all: Endpoint[],
  state: BackendEndpoints['state'] = 'ok',
  reason: string | null = null,
): BackendEndpoints {
  const [namespace, rest] = key.split('/');
  const [service, port] = rest.split(':');
  return {
    key,
    namespace,
    service,
    servicePort: /^\d+$/.test(port) ? Number(port) : port,
    state,
    reason,
    usable: all.filter((e) => e.ready),
    all,
    externalName: null,
  };
}

export interface FixtureOptions {
  readonly generation?: number;
  /** Add the host "new.example.com" (an Ingress added later). */
  readonly withNewHost?: boolean;
  /** ms since epoch used for builtAt and certificate expiry. */
  readonly now?: number;
}

export function fixtureState(options: FixtureOptions = {}): RoutingState {
  const now = options.now ?? Date.now();
  const hosts: HostRules[] = [
    {
      host: 'shop.example.com',
      kind: 'exact',
      routes: [
        route('shop', 'storefront', 'shop/web:80', '/cart', 'Exact', 'spec.rules[0].http.paths[1]'),
        route('shop', 'storefront-api', 'shop/api:http', '/api', 'Prefix', 'spec.rules[0].http.paths[0]'),
        route('shop', 'storefront', 'shop/web:80', '/', 'Prefix', 'spec.rules[0].http.paths[0]'),
      ],
      defaultBackend: null,
      tlsSecret: 'shop/shop-tls',
    },
    {
      host: '*.example.com',
      kind: 'wildcard',
      routes: [route('shop', 'wildcard', 'shop/web:80', '/', 'Prefix', 'spec.rules[0].http.paths[0]')],
      defaultBackend: null,
      tlsSecret: null,
    },
    {
      host: 'hostile.example.com',
      kind: 'exact',
      routes: [route('evil', 'hostile', 'evil/app:80', `/${HOSTILE}`, 'Prefix', 'spec.rules[0].http.paths[0]')],
      defaultBackend: null,
      tlsSecret: null,
    },
  ];
  if (options.withNewHost === true) {
    hosts.splice(1, 0, {
      host: 'new.example.com',
      kind: 'exact',
      routes: [route('shop', 'newcomer', 'shop/web:80', '/', 'Prefix', 'spec.rules[0].http.paths[0]')],
      defaultBackend: null,
      tlsSecret: null,
    });
  }
  const table: RouteTable = { hosts, defaultBackend: null };
  const endpoints = new Map<string, BackendEndpoints>([
    [
      'shop/web:80',
      backend('shop/web:80', [
        endpoint('10.0.0.1', true, false),
        endpoint('10.0.0.2', true, false),
        endpoint('10.0.0.3', false, true),
      ]),
    ],
    ['shop/api:http', backend('shop/api:http', [], 'no-endpoints', 'Service shop/api has no ready endpoints')],
    ['evil/app:80', backend('evil/app:80', [endpoint('10.0.9.9', true, false)])],
  ]);
  const certificate: TlsCertificate = {
    secret: 'shop/shop-tls',
    certPem: '-----BEGIN CERTIFICATE-----\nCERTDATA\n-----END CERTIFICATE-----',
    keyPem: '-----BEGIN PRIVATE KEY-----\nSECRETKEYMATERIAL\n-----END PRIVATE KEY-----',
    subject: 'CN=shop.example.com',
    issuer: 'CN=Example CA',
    notBefore: new Date(now - 80 * 86_400_000).toISOString(),
    notAfter: new Date(now + 10 * 86_400_000).toISOString(),
    dnsNames: ['shop.example.com'],
  };
  const problems: Problem[] = [
    {
      code: 'ServiceNotFound',
      object: { kind: 'Ingress', namespace: 'shop', name: 'broken' },
      field: 'spec.rules[0].http.paths[0].backend.service.name',
      message: 'Service "shop/missing" does not exist',
    },
    {
      code: 'InvalidPath',
      object: { kind: 'Ingress', namespace: 'evil', name: 'hostile' },
      field: 'spec.rules[0].http.paths[1].path',
      message: `path ${HOSTILE} is not valid`,
    },
  ];
  return {
    generation: options.generation ?? 1,
    builtAt: new Date(now).toISOString(),
    buildMs: 3.2,
    result: {
      table,
      endpoints,
      tls: {
        hosts: new Map([['shop.example.com', 'shop/shop-tls']]),
        certificates: new Map([['shop/shop-tls', certificate]]),
        defaultCertificate: null,
      },
      problems,
      ownedIngresses: ['evil/hostile', 'shop/broken', 'shop/storefront', 'shop/storefront-api', 'shop/wildcard'],
      annotationReports: new Map([
        ['shop/storefront', STOREFRONT_ANNOTATIONS],
        ['evil/hostile', [{ name: `nginx.ingress.kubernetes.io/${HOSTILE}`, status: 'unsupported', message: HOSTILE }]],
      ]),
    },
    matcher: compileMatcher(table),
  };
}
