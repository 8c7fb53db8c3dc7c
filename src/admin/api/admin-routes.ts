// The admin port's routes as data: the server declares them to fastify from here, and the OpenAPI
// document (/api/v1/openapi.json) and docs/admin-api.md are generated from the same table.
import { describe, integer, type Schema, string } from './json-schema.ts';
import {
  errorSchema,
  explainSchema,
  historySchema,
  ingressesSchema,
  readySchema,
  routesSchema,
  statusSchema,
} from './view-schemas.ts';

export interface AdminRoute {
  readonly url: string;
  readonly summary: string;
  /** `open`: always reachable; `api`: behind --admin-token-file when set. */
  readonly access: 'open' | 'api';
  /** The JSON answer by status code; absent for text, HTML or event-stream answers. */
  readonly response?: Readonly<Record<number, Schema>>;
  readonly querystring?: Schema;
  /** Content type of a non-JSON answer. */
  readonly produces?: string;
}

/** Queries accept only the listed parameters; anything else is a 400 that names it. */
function query(properties: Readonly<Record<string, Schema>>): Schema {
  return { type: 'object', properties, additionalProperties: false };
}

const boundedText = (description: string): Schema => describe({ ...string, maxLength: 4096 }, description);

export const ADMIN_ROUTES: readonly AdminRoute[] = [
  { url: '/healthz', summary: 'Liveness: `ok` while the process serves.', access: 'open', produces: 'text/plain' },
  {
    url: '/readyz',
    summary: 'Readiness: 200 once the first routing table is live, 503 (with reasons) before and while draining.',
    access: 'open',
    response: { 200: readySchema, 503: readySchema },
  },
  {
    url: '/metrics',
    summary: 'Prometheus text exposition (see docs/metrics.md).',
    access: 'open',
    produces: 'text/plain; version=0.0.4',
  },
  { url: '/', summary: 'The status page (HTML).', access: 'api', produces: 'text/html' },
  { url: '/page/:file', summary: "The status page's client modules.", access: 'api', produces: 'text/javascript' },
  {
    url: '/api/v1/status',
    summary: 'Generation, readiness, counts, problems, sources, leadership, edge balancer state.',
    access: 'api',
    response: { 200: statusSchema },
  },
  {
    url: '/api/v1/routes',
    summary:
      'Hosts, routes, TLS metadata, backends and endpoints, with the last minute of traffic per route; Gateways with their listeners and routes.',
    access: 'api',
    response: { 200: routesSchema },
  },
  {
    url: '/api/v1/ingresses',
    summary:
      "Per owned Ingress, each annotation with `supported`, `partial`, `unsupported` or `invalid` and a message: the `audit` command's JSON, live.",
    access: 'api',
    response: { 200: ingressesSchema },
  },
  {
    url: '/api/v1/explain',
    summary:
      'Which rule a request would match and where it would go. Give `url`, or `host` (and `path`); `gateway` (and `port`) for a Gateway listener.',
    access: 'api',
    querystring: query({
      url: boundedText('a URL or host/path, e.g. https://shop.example.com/cart?x=1'),
      host: boundedText('request host (a port is ignored)'),
      path: boundedText('request path (default /)'),
      gateway: boundedText('explain on this Gateway ("namespace/name") instead of the Ingress edge'),
      port: describe({ ...integer, minimum: 1, maximum: 65535 }, "the Gateway listener's port (default its lowest)"),
    }),
    response: { 200: explainSchema, 400: errorSchema, 503: errorSchema },
  },
  {
    url: '/api/v1/history',
    summary:
      "The status page's charts: per route the last 15 minutes of rate, 5xx share and p99 (a sample every 10 s), and the last 90 routing tables.",
    access: 'api',
    response: { 200: historySchema },
  },
  {
    url: '/api/v1/events',
    summary:
      'Server-sent events: `model` (status and routes) on each new generation, `stats` (status and per-route rates) every few seconds.',
    access: 'api',
    querystring: query({ since: describe({ ...integer, minimum: 0 }, 'the generation the client already shows') }),
    produces: 'text/event-stream',
  },
  {
    url: '/api/v1/openapi.json',
    summary: 'This API as an OpenAPI 3.1 document.',
    access: 'api',
    response: { 200: describe({ type: 'object', additionalProperties: true }, 'OpenAPI 3.1') },
  },
];

/** The fastify schema of one route (throws when the table lacks it: a programming error). */
export function routeSchema(url: string): { querystring?: Schema; response?: Readonly<Record<number, Schema>> } {
  const route = ADMIN_ROUTES.find((r) => r.url === url);
  if (route === undefined) throw new Error(`admin route ${url} is not declared in ADMIN_ROUTES`);
  const schema: { querystring?: Schema; response?: Readonly<Record<number, Schema>> } = {};
  if (route.querystring !== undefined) schema.querystring = route.querystring;
  if (route.response !== undefined) schema.response = route.response;
  return schema;
}
