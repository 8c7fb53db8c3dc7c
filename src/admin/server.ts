import Fastify, { type FastifyInstance } from 'fastify';
import type { RoutingState } from '../controller/state.ts';
import type { EdgeStats } from '../proxy/edge-stats.ts';
import type { Metrics } from '../telemetry/metrics.ts';
import type { Logger } from '../util/logger.ts';
import { type AdminAccess, OPEN_ACCESS } from './admin-access.ts';
import { installAdminHooks } from './admin-hooks.ts';
import { type AdminViews, createAdminViews } from './admin-views.ts';
import { routeSchema } from './api/admin-routes.ts';
import { openApiDocument } from './api/openapi.ts';
import { type EventStream, createEventStream } from './event-stream.ts';
import { type ExplainQuery, parseExplainQuery } from './explain-view.ts';
import { type ExplainOnQuery, explainOn } from './gateway-explain.ts';
import { CLIENT_FILES } from './page/client-files.ts';
import { renderPage } from './page/render-page.ts';
import type { Readiness, SourceStatus } from './status-view.ts';

export interface AdminServerOptions {
  getState(): RoutingState | null;
  readiness(): Readiness;
  readonly metrics: Metrics;
  sources(): SourceStatus[];
  /** The edge's balancer state (next endpoint, ejections), when there is an edge. */
  edgeStats?(): EdgeStats | null;
  leader?(): boolean;
  readonly log: Logger;
  /** How often the event stream looks for a new generation (default 500 ms). */
  readonly eventsPollMs?: number;
  /** How often the event stream sends rates (default 5 s). */
  readonly eventsTickMs?: number;
  /** Who may read the page and /api/* (default: everyone; see --admin-token-file). */
  readonly access?: AdminAccess;
  /** With a token: /metrics stays open (default true). */
  readonly metricsOpen?: boolean;
  /** How often the charts' history samples the routes (default 10 s: 90 samples are 15 minutes). */
  readonly historySampleMs?: number;
  /** Shown in the OpenAPI document. */
  readonly version?: string;
  /** Clock for certificate expiry and the rate windows (tests). */
  readonly now?: () => number;
}

/**
 * The admin server: status page, JSON API, /metrics and probes, on its own port (never routed
 * through the edge). Call `listen` on the result; `close` ends open event streams.
 */
export function createAdminServer(options: AdminServerOptions): FastifyInstance {
  const views = createAdminViews(options);
  const events = createEventStream({
    generation: () => options.getState()?.generation ?? 0,
    model: views.model,
    stats: views.stats,
    pollMs: options.eventsPollMs ?? 500,
    tickMs: options.eventsTickMs ?? 5_000,
  });
  // Queries are checked against each route's schema; unknown parameters are an error, not dropped.
  const app = Fastify({ logger: false, ajv: { customOptions: { removeAdditional: false } } });
  installAdminHooks(app, {
    log: options.log,
    access: options.access ?? OPEN_ACCESS,
    metricsOpen: options.metricsOpen !== false,
  });
  app.addHook('preClose', async () => {
    views.stop();
    events.close();
  });
  registerProbes(app, options);
  registerApi(app, options, views, events);
  registerPage(app, views);
  return app;
}

function registerProbes(app: FastifyInstance, options: AdminServerOptions): void {
  app.get('/healthz', async (_request, reply) => reply.type('text/plain; charset=utf-8').send('ok\n'));
  app.get('/readyz', { schema: routeSchema('/readyz') }, async (_request, reply) => {
    const readiness = options.readiness();
    reply.code(readiness.ready ? 200 : 503);
    return { ready: readiness.ready, reasons: readiness.reasons };
  });
  app.get('/metrics', async (_request, reply) => {
    reply.type(options.metrics.contentType);
    return options.metrics.text();
  });
}

function registerApi(app: FastifyInstance, options: AdminServerOptions, views: AdminViews, events: EventStream): void {
  app.get('/api/v1/status', { schema: routeSchema('/api/v1/status') }, async () => views.status());
  app.get('/api/v1/routes', { schema: routeSchema('/api/v1/routes') }, async () => views.routes());
  app.get('/api/v1/ingresses', { schema: routeSchema('/api/v1/ingresses') }, async () => views.ingresses());
  app.get('/api/v1/explain', { schema: routeSchema('/api/v1/explain') }, async (request, reply) => {
    const parsed = parseExplainQuery(request.query as ExplainQuery);
    if ('error' in parsed) return reply.code(400).send({ error: parsed.error });
    const state = options.getState();
    if (state === null) return reply.code(503).send({ error: 'no routing table has been published yet' });
    const answer = explainOn(state, parsed, request.query as ExplainOnQuery, views.edge());
    return 'error' in answer ? reply.code(400).send(answer) : answer;
  });
  app.get('/api/v1/events', { schema: routeSchema('/api/v1/events') }, (request, reply) => {
    const since = (request.query as { since?: number }).since;
    reply.hijack();
    events.attach(reply.raw, since ?? null);
  });
  app.get('/api/v1/history', { schema: routeSchema('/api/v1/history') }, async () => {
    views.history.observeTable(views.now(), options.getState()); // a page asks right after a new generation
    return views.history.view();
  });
  const openApi = openApiDocument(options.version ?? 'dev');
  app.get('/api/v1/openapi.json', { schema: routeSchema('/api/v1/openapi.json') }, async () => openApi);
}

function registerPage(app: FastifyInstance, views: AdminViews): void {
  app.get('/page/:file', async (request, reply) => {
    const text = CLIENT_FILES.get((request.params as { file: string }).file);
    if (text === undefined) return reply.code(404).send({ error: 'no such page file' });
    return reply.type('text/javascript; charset=utf-8').send(text);
  });
  app.get('/', async (_request, reply) => {
    reply
      .type('text/html; charset=utf-8')
      .header(
        'content-security-policy',
        `default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
      )
      .header('referrer-policy', 'no-referrer');
    return renderPage(views.model(), views.now());
  });
}
