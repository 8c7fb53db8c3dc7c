import { ADMIN_ROUTES, type AdminRoute } from '../../src/admin/api/admin-routes.ts';
import type { Schema } from '../../src/admin/api/json-schema.ts';

/** docs/admin-api.md, generated from ADMIN_ROUTES (a test keeps the file equal to this). */
export function adminApiMarkdown(): string {
  const lines = [
    '# Admin API',
    '',
    '<!-- Generated from src/admin/api/admin-routes.ts by `UPDATE_DOCS=1 npx vitest run src/admin/api`; do not edit. -->',
    '',
    'The admin port (`--admin-port`, default 10254) serves the status page, this read-only JSON API,',
    'Prometheus metrics and the probes. It is never routed through the edge. The same description as',
    'OpenAPI 3.1: `GET /api/v1/openapi.json`.',
    '',
    '## Who can reach it',
    '',
    '- **Address**: `--admin-bind-address` (default: the `--bind-address`, `0.0.0.0`, all interfaces). In a pod',
    '  that is the pod IP, which kubelet probes and Prometheus use, and loopback, which `kubectl port-forward`',
    '  uses; binding only the pod IP would break port-forward, binding only `127.0.0.1` would break probes.',
    '- **Network**: `manifests/base/network-policy.yaml` lets every client reach the edge ports but only',
    '  namespaces labelled `sluice.dev/admin-access=true` reach the admin port (label your monitoring',
    '  namespace: `kubectl label namespace monitoring sluice.dev/admin-access=true`).',
    '- **Token**: with `--admin-token-file PATH` (a mounted Secret; at least 16 characters; read at start,',
    '  so a new token needs a restart) the page and `/api/*` need it; see below. `/healthz` and `/readyz`',
    '  always stay open (kubelet probes), `/metrics` too unless `--admin-metrics-open=false`.',
    '- Secrets are never exposed: only certificate metadata (subject, issuer, validity, names).',
    '',
    'Access: `open` routes always answer. `api` routes need `Authorization: Bearer <token>` (or HTTP Basic',
    'with the token as password, for browsers) when `--admin-token-file` is set, and answer 401 otherwise.',
    'Unknown or malformed query parameters get a 400 with `{"error": "..."}` naming the parameter.',
    '',
    '## Routes',
    '',
    '| route | access | what |',
    '|---|---|---|',
    ...ADMIN_ROUTES.map((r) => `| \`GET ${r.url}\` | ${r.access} | ${r.summary.replaceAll('|', '\\|')} |`),
    '',
  ];
  for (const route of ADMIN_ROUTES) lines.push(...routeSection(route));
  return `${lines.join('\n')}`;
}

function routeSection(route: AdminRoute): string[] {
  const lines = [`### GET ${route.url}`, '', route.summary, ''];
  const query = route.querystring?.properties as Readonly<Record<string, Schema>> | undefined;
  if (query !== undefined) {
    lines.push('Query parameters:', '');
    for (const [name, schema] of Object.entries(query)) {
      lines.push(`- \`${name}\` (${typeText(schema)}): ${String(schema.description ?? '')}`);
    }
    lines.push('');
  }
  if (route.response === undefined) {
    lines.push(`Answers \`${route.produces ?? 'text/plain'}\`.`, '');
    return lines;
  }
  for (const [code, schema] of Object.entries(route.response)) {
    lines.push(`Status ${code}, JSON:`, '', '```', ...fieldLines(schema, ''), '```', '');
  }
  return lines;
}

function typeText(schema: Schema): string {
  if (Array.isArray(schema.enum)) return schema.enum.map((v) => JSON.stringify(v)).join(' \\| ');
  if (Array.isArray(schema.anyOf)) return (schema.anyOf as Schema[]).map(typeText).join(' | ');
  if (Array.isArray(schema.type)) return schema.type.join(' | ');
  if (schema.type === 'array') return `${typeText(schema.items as Schema)}[]`;
  if (schema.type === 'object' && typeof schema.additionalProperties === 'object') {
    return `{ [key]: ${typeText(schema.additionalProperties as Schema)} }`;
  }
  return typeof schema.type === 'string' ? schema.type : 'any';
}

/** The fields of an object schema, nested by indentation. */
function fieldLines(schema: Schema, indent: string): string[] {
  const objectSchema = unwrap(schema);
  const properties = objectSchema?.properties as Readonly<Record<string, Schema>> | undefined;
  if (properties === undefined) return [`${indent}${typeText(schema)}`];
  const lines: string[] = [];
  for (const [name, property] of Object.entries(properties)) {
    const note = property.description === undefined ? '' : `  // ${String(property.description)}`;
    lines.push(`${indent}${name}: ${typeText(property)}${note}`);
    const inner = unwrap(property);
    if (inner?.properties !== undefined) lines.push(...fieldLines(inner, `${indent}  `));
  }
  return lines;
}

/** The object schema inside a nullable, array or record wrapper, if any. */
function unwrap(schema: Schema): Schema | null {
  if (schema.properties !== undefined) return schema;
  if (Array.isArray(schema.anyOf)) return (schema.anyOf as Schema[]).map(unwrap).find((s) => s !== null) ?? null;
  if (schema.type === 'array') return unwrap(schema.items as Schema);
  if (typeof schema.additionalProperties === 'object') return unwrap(schema.additionalProperties as Schema);
  return null;
}
