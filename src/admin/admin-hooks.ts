import type { FastifyInstance } from 'fastify';
import type { Logger } from '../util/logger.ts';
import { type AdminAccess, CHALLENGES } from './admin-access.ts';
import { ADMIN_ROUTES, routeSchema } from './api/admin-routes.ts';

export interface AdminHookOptions {
  readonly log: Logger;
  readonly access: AdminAccess;
  /** With a token: /metrics stays open unless false. */
  readonly metricsOpen: boolean;
}

/**
 * What every admin request goes through: schema errors as `{error}` 400s, the token check
 * (--admin-token-file), no-store and nosniff headers; and a start-time check that every route is
 * declared in ADMIN_ROUTES (schema, access, docs).
 */
export function installAdminHooks(app: FastifyInstance, options: AdminHookOptions): void {
  app.setErrorHandler(async (error: { validation?: unknown; message: string; statusCode?: number }, request, reply) => {
    if (error.validation !== undefined) return reply.code(400).send({ error: error.message });
    options.log.error({ err: error, url: request.url }, 'admin request failed');
    return reply.code(error.statusCode ?? 500).send({ error: 'internal error' });
  });
  app.addHook('onRoute', (route) => {
    if (route.method === 'GET' || (Array.isArray(route.method) && route.method.includes('GET'))) routeSchema(route.url);
  });
  const { access } = options;
  if (access.tokenRequired) {
    const openUrls = new Set(
      ADMIN_ROUTES.filter((r) => r.access === 'open' && (r.url !== '/metrics' || options.metricsOpen)).map(
        (r) => r.url,
      ),
    );
    // Unknown URLs need the token too: a 404 to anyone would tell what exists.
    app.addHook('onRequest', async (request, reply) => {
      if (openUrls.has(request.routeOptions.url ?? '')) return;
      if (access.allows(request.headers.authorization)) return;
      return reply.code(401).header('www-authenticate', CHALLENGES).send({ error: 'this needs the admin token' });
    });
  }
  app.addHook('onSend', async (_request, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('cache-control', 'no-store');
  });
}
