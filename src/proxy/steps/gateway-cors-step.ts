import type { Cors } from '../../routing/policy-types.ts';
import { ANSWERED, CONTINUE, type RequestStep, type StepExchange, type StepOutcome } from '../pipeline/steps.ts';
import { CorsOrigins } from './cors-origins.ts';

/**
 * Gateway API HTTPCORSFilter (apis/v1/httproute_types.go; conformance/tests/httproute-cors.go): an allowed
 * Origin ("*", an exact origin, or "scheme://*.domain" matching any number of labels) gets
 * Access-Control-Allow-Origin (the origin itself whenever credentials are allowed), -Allow-Credentials and
 * -Expose-Headers; a preflight (OPTIONS with Access-Control-Request-Method) from it is answered 204 at the
 * edge, allowMethods/allowHeaders "*" answering with what was asked. Other requests pass untouched.
 */
export class GatewayCorsStep implements RequestStep {
  readonly name = 'cors';
  readonly origins: CorsOrigins;
  readonly credentials: boolean;
  readonly expose: string;
  readonly methods: string;
  readonly headers: string;
  readonly maxAge: string;

  constructor(cors: Cors) {
    this.origins = new CorsOrigins(cors.allowOrigins, 'one or more labels');
    this.credentials = cors.allowCredentials;
    this.expose = cors.exposeHeaders;
    this.methods = cors.allowMethods;
    this.headers = cors.allowHeaders;
    this.maxAge = String(cors.maxAgeSeconds);
  }

  apply(exchange: StepExchange): StepOutcome {
    const origin = exchange.header('origin');
    if (origin === null || !this.origins.allows(origin)) return CONTINUE;
    const echo = this.credentials || !this.origins.any;
    exchange.addResponseHeader('access-control-allow-origin', echo ? origin : '*');
    if (echo) exchange.addResponseHeader('vary', 'Origin');
    if (this.credentials) exchange.addResponseHeader('access-control-allow-credentials', 'true');
    if (this.expose !== '') exchange.addResponseHeader('access-control-expose-headers', this.expose);
    const method = exchange.method === 'OPTIONS' ? exchange.header('access-control-request-method') : null;
    if (method === null) return CONTINUE;
    const asked = exchange.header('access-control-request-headers');
    const head = ['access-control-allow-methods', this.methods === '*' ? method : this.methods];
    const headers = this.headers === '*' ? asked : this.headers;
    if (headers !== null && headers !== '') head.push('access-control-allow-headers', headers);
    head.push('access-control-max-age', this.maxAge);
    exchange.answer(204, head, null);
    return ANSWERED;
  }
}
