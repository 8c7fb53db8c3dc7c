import Fastify, { type FastifyInstance } from 'fastify';
import type { RoutingState } from '../controller/state.ts';
import type { Metrics } from '../telemetry/metrics.ts';
import type { Logger } from '../util/logger.ts';
import { dumpText } from './dump-text.ts';
import { createEventStream } from './event-stream.ts';
import { type ExplainQuery, explainView, parseExplainQuery } from './explain-view.ts';
import { type AdminAccess, CHALLENGES, OPEN_ACCESS } from './admin-access.ts';
import { ADMIN_ROUTES, routeSchema } from './api/admin-routes.ts';
import { openApiDocument } from './api/openapi.ts';
import { CLIENT_FILES } from './page/client-files.ts';
import { renderPage } from './page/render-page.ts';
import { type PageModel, type StatsUpdate, statsUpdate } from './page-model.ts';
import { routesView } from './routes-view.ts';
import { type Readiness, type SourceStatus, statusView } from './status-view.ts';
import { HISTORY_SAMPLE_MS, TrafficHistory, startHistorySampler } from './traffic-history.ts';
import type { EdgeStats } from '../proxy/edge-stats.ts';

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
  const now = options.now ?? Date.now;
  const edge = () => (options.edgeStats === undefined ? null : options.edgeStats());
  const leader = () => (options.leader === undefined ? null : options.leader());
  const status = () => statusView(options.getState(), options.readiness(), options.sources(), leader(), edge());
  const routes = () => {
    const state = options.getState();
    return routesView(
      state,
      options.metrics.routeStats(),
      edge(),
      state === null ? null : dumpText(state.result),
      now(),
    );
  };
  const model = (): PageModel => ({ status: status(), routes: routes() });
  const history = new TrafficHistory(options.historySampleMs ?? HISTORY_SAMPLE_MS);
  const stopHistory = startHistorySampler(history, {
    sampleMs: options.historySampleMs ?? HISTORY_SAMPLE_MS,
    getState: options.getState,
    routeStats: (at) => options.metrics.routeStats(at),
    now,
  });
  const stats = (): StatsUpdate => statsUpdate(status(), options.metrics.routeStats(), history.latestSample());

  const events = createEventStream({
    generation: () => options.getState()?.generation ?? 0,
    model,
    stats,
    pollMs: options.eventsPollMs ?? 500,
    tickMs: options.eventsTickMs ?? 5_000,
  });

  // Queries are checked against each route's schema; unknown parameters are an error, not dropped.
  const app = Fastify({ logger: false, ajv: { customOptions: { removeAdditional: false } } });
  app.setErrorHandler(async (error: { validation?: unknown; message: string; statusCode?: number }, request, reply) => {
    if (error.validation !== undefined) return reply.code(400).send({ error: error.message });
    options.log.error({ err: error, url: request.url }, 'admin request failed');
    return reply.code(error.statusCode ?? 500).send({ error: 'internal error' });
  });
  // Every route must be declared (schema, access, docs) in ADMIN_ROUTES; this throws at start otherwise.
  app.addHook('onRoute', (route) => {
    if (route.method === 'GET' || (Array.isArray(route.method) && route.method.includes('GET'))) routeSchema(route.url);
  });
  const access = options.access ?? OPEN_ACCESS;
  const openUrls = new Set(
    ADMIN_ROUTES.filter((r) => r.access === 'open' && (r.url !== '/metrics' || options.metricsOpen !== false)).map(
      (r) => r.url,
    ),
  );
  if (access.tokenRequired) {
    // Unknown URLs need the token too: a 404 to anyone would tell what exists.
    app.addHook('onRequest', async (request, reply) => {
      if (openUrls.has(request.routeOptions.url ?? '')) return;
      if (access.allows(request.headers.authorization)) return;
      return reply.code(401).header('www-authenticate', CHALLENGES).send({ error: 'this needs the admin token' });
    });
  }
  app.addHook('preClose', async () => {
    stopHistory();
    events.close();
  });
  app.addHook('onSend', async (_request, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('cache-control', 'no-store');
  });

  app.get('/healthz', async (_request, reply) => reply.type('text/plain; charset=utf-8').send('ok\n'));

  app.get('/readyz', { schema: routeSchema('/readyz') }, async (_request, reply) => {
    const readiness = options.readiness();
    reply.code(readiness.ready ? 200 : 503);
    return { ready: readiness.ready, reasons: readiness.reasons };
  });

  app.get('/api/v1/status', { schema: routeSchema('/api/v1/status') }, async () => status());
  app.get('/api/v1/routes', { schema: routeSchema('/api/v1/routes') }, async () => routes());

  app.get('/api/v1/explain', { schema: routeSchema('/api/v1/explain') }, async (request, reply) => {
    const parsed = parseExplainQuery(request.query as ExplainQuery);
    if ('error' in parsed) return reply.code(400).send({ error: parsed.error });
    const state = options.getState();
    if (state === null) return reply.code(503).send({ error: 'no routing table has been published yet' });
    return explainView(state, parsed.host, parsed.path, edge());
  });

  app.get('/metrics', async (_request, reply) => {
    reply.type(options.metrics.contentType);
    return options.metrics.text();
  });

  app.get('/api/v1/events', { schema: routeSchema('/api/v1/events') }, (request, reply) => {
    const since = (request.query as { since?: number }).since;
    reply.hijack();
    events.attach(reply.raw, since ?? null);
  });

  app.get('/api/v1/history', { schema: routeSchema('/api/v1/history') }, async () => {
    history.observeTable(now(), options.getState()); // a page asks right after a new generation
    return history.view();
  });

  const openApi = openApiDocument(options.version ?? 'dev');
  app.get('/api/v1/openapi.json', { schema: routeSchema('/api/v1/openapi.json') }, async () => openApi);

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
    return renderPage(model(), now());
  });

  return app;
}
