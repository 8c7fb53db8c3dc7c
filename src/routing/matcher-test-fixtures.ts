// Fixtures for the matcher's tests: Ingresses written compactly, turned into Kubernetes objects and
// from there into a RouteTable. Test-only; nothing in the product imports this file.

import type { KubeObject, PathType, RouteTable } from './types.ts';

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
export const specific = (path: string, service: string): PathSpec => ({ path, pathType: 'ImplementationSpecific', service });

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
                paths: rule.paths.map((p) => ({ path: p.path, pathType: p.pathType, backend: serviceBackend(p.service) })),
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

// ---- until build.ts lands: a plain translation of the specs, following routing-semantics §2–§4 ----

import type { HostRules, PathRoute, RoutePolicy, Target } from './types.ts';

const POLICY: RoutePolicy = Object.freeze({ sslRedirect: false, requestTimeoutMs: null, maxBodyBytes: null });

function targetOf(spec: IngressSpec, service: string): Target {
  const namespace = spec.namespace ?? NAMESPACE;
  return { backend: backendOf(service, namespace), source: { kind: 'Ingress', namespace, name: spec.name }, policy: POLICY };
}

function age(spec: IngressSpec): string {
  return `${spec.created ?? '2024-01-01T00:00:00Z'} ${spec.namespace ?? NAMESPACE}/${spec.name}`;
}

function segments(path: string): number {
  return path.split('/').filter((s) => s !== '').length;
}

function kindOf(host: string): HostRules['kind'] {
  return host === '' ? 'any' : host.startsWith('*.') ? 'wildcard' : 'exact';
}

export function tableOf(ingresses: readonly IngressSpec[], options: { controllerDefault?: boolean } = {}): RouteTable {
  const oldestFirst = [...ingresses].sort((a, b) => (age(a) < age(b) ? -1 : 1));
  const controllerDefault: Target | null = options.controllerDefault
    ? { backend: `${CONTROLLER_DEFAULT_SERVICE}:80`, source: { kind: 'Service', namespace: 'sluice-system', name: 'fallback' }, policy: POLICY }
    : null;
  const byHost = new Map<string, { routes: PathRoute[]; defaultBackend: Target | null; claimed: Set<string> }>();
  for (const spec of oldestFirst) {
    (spec.rules ?? []).forEach((rule, r) => {
      const host = (rule.host ?? '').toLowerCase();
      let entry = byHost.get(host);
      if (entry === undefined) {
        entry = { routes: [], defaultBackend: null, claimed: new Set() };
        byHost.set(host, entry);
      }
      if (entry.defaultBackend === null && spec.defaultBackend !== undefined) entry.defaultBackend = targetOf(spec, spec.defaultBackend);
      rule.paths.forEach((p, i) => {
        const id = `${p.pathType} ${p.path}`;
        if (entry.claimed.has(id)) return;
        entry.claimed.add(id);
        const match = p.pathType === 'Exact' ? 'exact' : 'prefix';
        entry.routes.push({ ...targetOf(spec, p.service), path: p.path, pathType: p.pathType, match, field: `spec.rules[${r}].http.paths[${i}]` });
      });
    });
  }
  const kindRank = { exact: 0, wildcard: 1, any: 2 } as const;
  const hosts: HostRules[] = [...byHost].map(([host, entry]) => ({
    host,
    kind: kindOf(host),
    routes: entry.routes.sort(
      (a, b) =>
        (a.match === 'exact' ? 0 : 1) - (b.match === 'exact' ? 0 : 1) ||
        segments(b.path) - segments(a.path) ||
        (a.path < b.path ? -1 : a.path > b.path ? 1 : 0),
    ),
    defaultBackend: entry.defaultBackend ?? controllerDefault,
    tlsSecret: null,
  }));
  hosts.sort((a, b) => kindRank[a.kind] - kindRank[b.kind] || (a.host < b.host ? -1 : 1));
  const oldestDefault = oldestFirst.find((spec) => spec.defaultBackend !== undefined);
  return { hosts, defaultBackend: oldestDefault !== undefined ? targetOf(oldestDefault, oldestDefault.defaultBackend!) : controllerDefault };
}
