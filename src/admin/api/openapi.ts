import { ADMIN_ROUTES, type AdminRoute } from './admin-routes.ts';
import type { Schema } from './json-schema.ts';

/** OpenAPI 3.1 (whose schemas are JSON Schema) for the admin port, made from ADMIN_ROUTES. */
export function openApiDocument(version: string): Schema {
  const paths: Record<string, unknown> = {};
  for (const route of ADMIN_ROUTES) paths[route.url.replace(/:(\w+)/g, '{$1}')] = { get: operation(route) };
  return {
    openapi: '3.1.0',
    info: {
      title: 'sluice admin API',
      version,
      description: 'Read-only. With --admin-token-file, `api` routes need `Authorization: Bearer <token>`.',
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' }, basic: { type: 'http', scheme: 'basic' } },
    },
    paths,
  };
}

function operation(route: AdminRoute): Record<string, unknown> {
  const responses: Record<string, unknown> = {};
  if (route.response !== undefined) {
    for (const [code, schema] of Object.entries(route.response)) {
      responses[code] = {
        description: String(schema.description ?? (code === '200' ? 'OK' : 'error')),
        content: { 'application/json': { schema } },
      };
    }
  } else {
    responses['200'] = { description: 'OK', content: { [route.produces ?? 'text/plain']: {} } };
  }
  if (route.access === 'api') responses['401'] = { description: 'no or wrong token (when --admin-token-file is set)' };
  const parameters = [];
  const pathParams = route.url.match(/:(\w+)/g) ?? [];
  for (const p of pathParams)
    parameters.push({ name: p.slice(1), in: 'path', required: true, schema: { type: 'string' } });
  const query = route.querystring?.properties as Readonly<Record<string, Schema>> | undefined;
  for (const [name, schema] of Object.entries(query ?? {})) {
    parameters.push({ name, in: 'query', required: false, description: schema.description, schema });
  }
  return {
    summary: route.summary,
    ...(route.access === 'api' ? { security: [{}, { bearer: [] }, { basic: [] }] } : { security: [] }),
    ...(parameters.length > 0 ? { parameters } : {}),
    responses,
  };
}
