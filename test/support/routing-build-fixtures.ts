// Compact builders of Kubernetes objects for the builder's tests. Test-only: nothing in the product
// imports this file.

import * as fc from 'fast-check';
import type { BuildOptions, CertificateInspector, KubeObject, Snapshot } from '../../src/routing/types.ts';

export interface PathFixture {
  readonly path: string;
  readonly pathType?: string;
  readonly service: string;
  readonly port?: number | string;
}

export interface IngressFixture {
  readonly name: string;
  readonly namespace?: string;
  readonly created?: string;
  readonly host?: string;
  readonly paths?: readonly PathFixture[];
  readonly defaultService?: string;
  readonly tls?: readonly { readonly hosts: readonly string[]; readonly secretName: string }[];
  readonly annotations?: Readonly<Record<string, string>>;
}

export function ingress(fixture: IngressFixture): KubeObject {
  const namespace = fixture.namespace ?? 'default';
  const spec: Record<string, unknown> = { ingressClassName: 'sluice' };
  if (fixture.paths !== undefined) {
    spec.rules = [
      {
        host: fixture.host,
        http: {
          paths: fixture.paths.map((path) => ({
            path: path.path,
            pathType: path.pathType ?? 'Prefix',
            backend: {
              service: {
                name: path.service,
                port: typeof path.port === 'string' ? { name: path.port } : { number: path.port ?? 80 },
              },
            },
          })),
        },
      },
    ];
  }
  if (fixture.defaultService !== undefined)
    spec.defaultBackend = { service: { name: fixture.defaultService, port: { number: 80 } } };
  if (fixture.tls !== undefined) spec.tls = fixture.tls;
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {
      name: fixture.name,
      namespace,
      creationTimestamp: fixture.created ?? '2024-01-01T00:00:00Z',
      ...(fixture.annotations === undefined ? {} : { annotations: fixture.annotations }),
    },
    spec,
  };
}

export const sluiceClass: KubeObject = {
  kind: 'IngressClass',
  metadata: { name: 'sluice' },
  spec: { controller: 'sluice.dev/ingress-controller' },
};

export function service(
  name: string,
  ports: readonly { port: number; name?: string }[] = [{ port: 80, name: 'http' }],
  namespace = 'default',
): KubeObject {
  return { kind: 'Service', metadata: { name, namespace }, spec: { ports } };
}

export function slice(
  serviceName: string,
  addresses: readonly string[],
  portName = 'http',
  namespace = 'default',
): KubeObject {
  return {
    kind: 'EndpointSlice',
    metadata: { name: `${serviceName}-abc`, namespace, labels: { 'kubernetes.io/service-name': serviceName } },
    addressType: 'IPv4',
    ports: [{ name: portName, port: 8080 }],
    endpoints: addresses.map((address) => ({ addresses: [address], conditions: { ready: true } })),
  };
}

/** A fake certificate pair the fake inspector understands: PEM-looking text naming its hosts and key id. */
export function fakeTlsSecret(
  name: string,
  dnsNames: readonly string[],
  keyId = 'k1',
  namespace = 'default',
): KubeObject {
  const cert = `-----BEGIN CERTIFICATE-----\nnames=${dnsNames.join(',')};key=${keyId}\n-----END CERTIFICATE-----\n`;
  const key = `-----BEGIN PRIVATE KEY-----\nkey=${keyId}\n-----END PRIVATE KEY-----\n`;
  return {
    kind: 'Secret',
    type: 'kubernetes.io/tls',
    metadata: { name, namespace },
    data: { 'tls.crt': btoa(cert), 'tls.key': btoa(key) },
  };
}

export const fakeInspector: CertificateInspector = (certPem, keyPem) => {
  const names = /names=([^;]*);key=(\w+)/.exec(certPem);
  const key = /key=(\w+)/.exec(keyPem);
  if (names === null) return { ok: false, error: 'certificate does not parse' };
  if (key === null || key[1] !== names[2]) return { ok: false, error: 'key does not match the certificate' };
  return {
    ok: true,
    subject: `CN=${names[1].split(',')[0]}`,
    issuer: 'CN=fake CA',
    notBefore: '2024-01-01T00:00:00.000Z',
    notAfter: '2034-01-01T00:00:00.000Z',
    dnsNames: names[1].split(',').filter((name) => name !== ''),
  };
};

export const testOptions: BuildOptions = {
  controllerClass: 'sluice.dev/ingress-controller',
  ingressClass: 'sluice',
  watchIngressWithoutClass: false,
  defaultBackendService: null,
  defaultSslCertificate: null,
  sslRedirect: true,
  inspectCertificate: fakeInspector,
};

export function snapshotOf(objects: readonly KubeObject[]): Snapshot {
  const pick = (kind: string) => objects.filter((object) => object.kind === kind);
  return {
    ingressClasses: pick('IngressClass'),
    ingresses: pick('Ingress'),
    services: pick('Service'),
    endpointSlices: pick('EndpointSlice'),
    secrets: pick('Secret'),
    configMaps: pick('ConfigMap'),
  };
}

export function configMap(name: string, data: Readonly<Record<string, unknown>>, namespace = 'default'): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data };
}

/** Values of the wrong shape for fuzzing the builder: nulls, numbers, strings up to `stringMaxLength`, one of `hugeLength`, prototype keys, `extra`. */
export function junkValues(
  stringMaxLength: number,
  hugeLength: number,
  extra: readonly unknown[] = [],
): fc.Arbitrary<unknown> {
  return fc.oneof(
    fc.constant(null),
    fc.constant(undefined),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.string({ maxLength: stringMaxLength }),
    fc.constant('x'.repeat(hugeLength)),
    fc.constant([]),
    fc.constant({}),
    fc.constant('__proto__'),
    fc.constant('*'),
    fc.constant('ünï.example.com'),
    ...extra.map((value) => fc.constant(value)),
  );
}
