import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import type { RoutingState } from '../controller/state.ts';
import type { Metrics } from '../telemetry/metrics.ts';
import type { Logger } from '../util/logger.ts';
import { dumpText } from './dump-text.ts';
import { createEventStream } from './event-stream.ts';
import { type ExplainQuery, explainView, parseExplainQuery } from './explain-view.ts';
import { renderPage } from './page/render-page.ts';
import { type PageModel, type StatsUpdate, statsUpdate } from './page-model.ts';
import { routesView } from './routes-view.ts';
import { type Readiness, type SourceStatus, statusView } from './status-view.ts';
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
      state === null ? null : dumpText(state.result, state.gateway),
      now(),
    );
  };
  const model = (): PageModel => ({ status: status(), routes: routes() });
  const stats = (): StatsUpdate => statsUpdate(status(), options.metrics.routeStats());

  const events = createEventStream({
    generation: () => options.getState()?.generation ?? 0,
    model,
    stats,
    pollMs: options.eventsPollMs ?? 500,
    tickMs: options.eventsTickMs ?? 5_000,
  });

  const app = Fastify({ logger: false });
  app.addHook('onError', async (request, _reply, error) => {
    options.log.error({ err: error, url: request.url }, 'admin request failed');
  });
  app.addHook('preClose', async () => events.close());
  app.addHook('onSend', async (_request, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('cache-control', 'no-store');
  });

  app.get('/healthz', async (_request, reply) => reply.type('text/plain; charset=utf-8').send('ok\n'));

  app.get('/readyz', async (_request, reply) => {
    const readiness = options.readiness();
    reply.code(readiness.ready ? 200 : 503);
    return { ready: readiness.ready, reasons: readiness.reasons };
  });

  app.get('/api/v1/status', async () => status());
  app.get('/api/v1/routes', async () => routes());

  app.get('/api/v1/explain', async (request, reply) => {
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

  app.get('/api/v1/events', (request, reply) => {
    const since = Number((request.query as { since?: string }).since);
    reply.hijack();
    events.attach(reply.raw, Number.isInteger(since) ? since : null);
  });

  app.get('/', async (_request, reply) => {
    const nonce = randomBytes(16).toString('base64');
    reply
      .type('text/html; charset=utf-8')
      .header(
        'content-security-policy',
        `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'unsafe-inline'; connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
      )
      .header('referrer-policy', 'no-referrer');
    return renderPage(model(), nonce, now());
  });

  return app;
}
