// Fixtures for the matcher's tests: Ingresses written compactly, turned into Kubernetes objects and
// from there into a RouteTable. Test-only; nothing in the product imports this file.

import type { KubeObject, PathType, RouteTable } from '../../src/routing/types.ts';

export interface PathSpec {
  readonly path: string;
  readonly pathType: PathType;
  readonly service: string;
}

export interface RuleSpec {
  readonly host?: string;
  readonly paths: readonly PathSpec[];
}

export interface IngressSpec {
  readonly name: string;
  readonly namespace?: string;
  /** ISO time; older Ingresses win conflicts and give the default backend. */
  readonly created?: string;
  readonly rules?: readonly RuleSpec[];
  /** Service name of spec.defaultBackend (port 80). */
  readonly defaultBackend?: string;
}

export const NAMESPACE = 'default';
export const CONTROLLER_DEFAULT_SERVICE = 'sluice-system/fallback';

export const exact = (path: string, service: string): PathSpec => ({ path, pathType: 'Exact', service });
export const prefix = (path: string, service: string): PathSpec => ({ path, pathType: 'Prefix', service });
export const specific = (path: string, service: string): PathSpec => ({
  path,
  pathType: 'ImplementationSpecific',
  service,
});

/** The backend key the builder gives a Service on port 80 in the test namespace. */
export const backendOf = (service: string, namespace = NAMESPACE): string => `${namespace}/${service}:80`;

function serviceBackend(name: string): KubeObject {
  return { service: { name, port: { number: 80 } } };
}

export function ingressObject(spec: IngressSpec): KubeObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {
      name: spec.name,
      namespace: spec.namespace ?? NAMESPACE,
      creationTimestamp: spec.created ?? '2024-01-01T00:00:00Z',
      uid: `uid-${spec.name}`,
    },
    spec: {
      ingressClassName: 'sluice',
      ...(spec.defaultBackend === undefined ? {} : { defaultBackend: serviceBackend(spec.defaultBackend) }),
      ...(spec.rules === undefined
        ? {}
        : {
            rules: spec.rules.map((rule) => ({
              ...(rule.host === undefined ? {} : { host: rule.host }),
              http: {
                paths: rule.paths.map((p) => ({
                  path: p.path,
                  pathType: p.pathType,
                  backend: serviceBackend(p.service),
                })),
              },
            })),
          }),
    },
  };
}

export const ingressClassObject: KubeObject = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'IngressClass',
  metadata: { name: 'sluice', creationTimestamp: '2024-01-01T00:00:00Z' },
  spec: { controller: 'sluice.dev/ingress-controller' },
};

// ---- through the builder: the matcher is tested on the tables it will really be given ----

import { build } from '../../src/routing/build.ts';
import type { BuildOptions, BuildResult } from '../../src/routing/types.ts';

export function buildOptions(controllerDefault: boolean): BuildOptions {
  return {
    controllerClass: 'sluice.dev/ingress-controller',
    ingressClass: 'sluice',
    watchIngressWithoutClass: false,
    defaultBackendService: controllerDefault ? `${CONTROLLER_DEFAULT_SERVICE}:80` : null,
    defaultSslCertificate: null,
    sslRedirect: false,
    inspectCertificate: () => ({ ok: false, error: 'no certificates in matcher tests' }),
  };
}

export function buildFrom(
  ingresses: readonly IngressSpec[],
  options: { controllerDefault?: boolean } = {},
): BuildResult {
  const snapshot = {
    ingressClasses: [ingressClassObject],
    ingresses: ingresses.map(ingressObject),
    services: [],
    endpointSlices: [],
    secrets: [],
  };
  return build(snapshot, buildOptions(options.controllerDefault === true));
}

export function tableOf(ingresses: readonly IngressSpec[], options: { controllerDefault?: boolean } = {}): RouteTable {
  return buildFrom(ingresses, options).table;
}
