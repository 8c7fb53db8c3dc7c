import type { Cors } from '../../routing/policy-types.ts';
import { ANSWERED, CONTINUE, type RequestStep, type StepExchange, type StepOutcome } from '../pipeline/steps.ts';
import { CorsOrigins } from './cors-origins.ts';

/**
 * enable-cors and cors-*, after ingress-nginx's template (cors.tmpl) and test/e2e/annotations/cors.go:
 * an allowed Origin gets Access-Control-Allow-Origin (and -Credentials, -Expose-Headers) on every answer;
 * a preflight (OPTIONS) from an allowed origin is answered 204 at the edge with the allowed methods,
 * headers and max age. A disallowed origin gets no CORS headers and its preflight goes upstream.
 */
export class CorsStep implements RequestStep {
  readonly name = 'cors';
  readonly origins: CorsOrigins;
  readonly credentials: boolean;
  readonly expose: string;
  readonly preflight: readonly string[];

  constructor(cors: Cors) {
    this.origins = new CorsOrigins(cors.allowOrigins, 'one label');
    this.credentials = cors.allowCredentials;
    this.expose = cors.exposeHeaders;
    this.preflight = Object.freeze([
      'access-control-allow-methods',
      cors.allowMethods,
      'access-control-allow-headers',
      cors.allowHeaders,
      'access-control-max-age',
      String(cors.maxAgeSeconds),
      'content-type',
      'text/plain; charset=utf-8',
    ]);
  }

  apply(exchange: StepExchange): StepOutcome {
    const origin = exchange.header('origin');
    const allowed = this.origins.any ? '*' : origin !== null && this.origins.allows(origin) ? origin : null;
    if (allowed === null) return CONTINUE;
    exchange.addResponseHeader('access-control-allow-origin', allowed);
    if (allowed !== '*') exchange.addResponseHeader('vary', 'Origin');
    if (this.credentials) exchange.addResponseHeader('access-control-allow-credentials', 'true');
    if (this.expose !== '') exchange.addResponseHeader('access-control-expose-headers', this.expose);
    if (exchange.method !== 'OPTIONS') return CONTINUE;
    exchange.answer(204, this.preflight, null);
    return ANSWERED;
  }
}
