// The JSON shapes of the admin API's answers (the TypeScript views in ../*-view.ts), as schemas.
import {
  anyValue,
  arrayOf,
  boolean,
  describe,
  integer,
  nullable,
  nullableOneOf,
  number,
  object,
  oneOf,
  recordOf,
  string,
} from './json-schema.ts';
import { gatewaysSchema } from './gateway-schemas.ts';

const objectRef = object({ kind: string, namespace: string, name: string });
const sourceRef = object({ namespace: string, name: string });
const pathType = oneOf('Exact', 'Prefix', 'ImplementationSpecific');
const hostKind = oneOf('exact', 'wildcard', 'any');

const problem = object({
  code: describe(string, 'e.g. ServiceNotFound'),
  object: objectRef,
  field: describe(string, 'where in the object, e.g. spec.rules[0].http.paths[1].backend.service.port.name'),
  message: string,
});

const edgeEndpoint = object({
  address: string,
  port: integer,
  inFlight: integer,
  requests: integer,
  failures: integer,
  ejectedUntil: describe(nullable(number), 'epoch ms until which passive health keeps it out, or null'),
});

const edgeStats = object({
  balancer: oneOf('round-robin', 'least-request'),
  backends: recordOf(arrayOf(edgeEndpoint)),
  next: recordOf(string),
});

export const statusSchema = object(
  {
    generation: integer,
    synced: boolean,
    ready: boolean,
    readinessReasons: arrayOf(string),
    builtAt: nullable(string),
    buildMs: nullable(number),
    counts: object({
      ingresses: integer,
      hosts: integer,
      routes: integer,
      backends: integer,
      endpoints: integer,
      problems: integer,
    }),
    problems: arrayOf(problem),
    sources: arrayOf({
      type: 'object',
      properties: { name: string, synced: boolean, detail: anyValue },
      required: ['name', 'synced'],
      additionalProperties: false,
    }),
    leader: nullable(boolean),
    edge: { anyOf: [edgeStats, { type: 'null' }] },
  },
  'Generation, readiness, counts, problems, sources, leadership and the edge balancer state.',
);

const endpointView = object({
  address: string,
  port: integer,
  health: oneOf('ready', 'terminating', 'not-ready', 'ejected'),
  pod: nullable(string),
  zone: nullable(string),
});

const backendSchema = object({
  key: describe(string, '"namespace/service:port"'),
  namespace: string,
  service: string,
  port: { type: ['integer', 'string'] },
  state: oneOf('ok', 'no-service', 'no-port', 'no-endpoints', 'external-name'),
  reason: nullable(string),
  externalName: { anyOf: [object({ host: string, port: integer }), { type: 'null' }] },
  counts: object({ ready: integer, terminating: integer, ejected: integer, notReady: integer }),
  endpoints: arrayOf(endpointView),
  next: describe(nullable(string), '"address:port" the balancer picks next, when the edge can tell'),
});

const routeStatsSchema = object(
  { requests: integer, requestsPerSecond: number, errorRate: number, p99Ms: nullable(number) },
  'The last minute, shared by every route of the same Ingress and Service.',
);

const targetProperties = {
  backend: string,
  source: sourceRef,
  stats: { anyOf: [routeStatsSchema, { type: 'null' }] },
};
const targetView = object(targetProperties);
const nullableTarget = { anyOf: [targetView, { type: 'null' }] };

const routeView = object({
  ...targetProperties,
  path: string,
  pathType,
  match: oneOf('exact', 'prefix', 'regex'),
  field: string,
});

const tlsView = object({
  secret: string,
  valid: boolean,
  subject: nullable(string),
  issuer: nullable(string),
  notBefore: nullable(string),
  notAfter: nullable(string),
  dnsNames: arrayOf(string),
  expiresInDays: nullable(number),
});

const hostSchema = object({
  host: string,
  kind: hostKind,
  tls: { anyOf: [tlsView, { type: 'null' }] },
  routes: arrayOf(routeView),
  defaultBackend: nullableTarget,
});

export const routesSchema = object(
  {
    generation: integer,
    builtAt: nullable(string),
    hosts: arrayOf(hostSchema),
    defaultBackend: nullableTarget,
    backends: recordOf(backendSchema),
    dump: describe(nullable(string), 'the canonical text dump of the table'),
    gateways: gatewaysSchema(hostSchema, nullableTarget, backendSchema),
  },
  'Every host with its routes, TLS certificate metadata (never key material), backends and endpoints.',
);

export const explainSchema = object(
  {
    generation: integer,
    host: string,
    path: string,
    hostMatch: oneOf('exact', 'wildcard', 'any', 'none'),
    result: oneOf('path', 'host-default', 'default', 'none'),
    match: {
      anyOf: [
        object({
          host: nullable(string),
          path: nullable(string),
          pathType: nullableOneOf('Exact', 'Prefix', 'ImplementationSpecific'),
          field: nullable(string),
          source: sourceRef,
          backend: string,
        }),
        { type: 'null' },
      ],
    },
    passedOver: arrayOf(
      object({
        host: string,
        path: nullable(string),
        pathType: nullableOneOf('Exact', 'Prefix', 'ImplementationSpecific'),
        source: objectRef,
        reason: string,
      }),
    ),
    backend: { anyOf: [backendSchema, { type: 'null' }] },
    next: nullable(string),
    usable: arrayOf(string),
    outcome: string,
    gateway: describe(
      { anyOf: [object({ name: string, port: integer }), { type: 'null' }] },
      'the Gateway listener explained on, or null for the Ingress edge',
    ),
  },
  'Which rule a request would match, what was passed over and why, and where it would go.',
);

export const readySchema = object({ ready: boolean, reasons: arrayOf(string) });
export const errorSchema = object({ error: string });

export const historySchema = object(
  {
    sampleMs: integer,
    slots: integer,
    t: describe(arrayOf(number), 'sample times (epoch ms), oldest first'),
    routes: describe(
      recordOf(arrayOf({ type: ['array', 'null'], items: { type: ['number', 'null'] } })),
      'by "namespace/ingress/service": per sample [requests per second, 5xx share, p99 ms or null], or null before the route existed',
    ),
    tables: arrayOf(object({ t: number, generation: integer, buildMs: number })),
  },
  'The last 15 minutes of traffic per route and the last routing tables, for the charts.',
);

const annotationReport = object({
  name: describe(string, 'the annotation, e.g. nginx.ingress.kubernetes.io/rewrite-target'),
  status: oneOf('supported', 'partial', 'unsupported', 'invalid'),
  message: string,
});

/** As `npm start -- audit --output json` prints it (src/audit/audit-report.ts). */
export const ingressesSchema = object(
  {
    ingresses: arrayOf(
      object({
        namespace: string,
        name: string,
        annotations: arrayOf(annotationReport),
        notes: arrayOf(object({ field: string, code: string, message: string })),
      }),
    ),
    summary: object({
      ingresses: integer,
      supported: integer,
      partial: integer,
      unsupported: integer,
      invalid: integer,
    }),
  },
  'The audit of every owned Ingress: each sluice.dev/ and nginx.ingress.kubernetes.io/ annotation with what sluice does with it.',
);
