import type { Cors } from '../../routing/policy-types.ts';
import { ANSWERED, CONTINUE, type RequestStep, type StepExchange, type StepOutcome } from '../pipeline/steps.ts';

/** "https://*.example.com" → its scheme and suffix, for one-label wildcard origins. */
interface WildcardOrigin {
  readonly scheme: string;
  readonly suffix: string;
}

/**
 * enable-cors and cors-*, after ingress-nginx's template (cors.tmpl) and test/e2e/annotations/cors.go:
 * an allowed Origin gets Access-Control-Allow-Origin (and -Credentials, -Expose-Headers) on every answer;
 * a preflight (OPTIONS) from an allowed origin is answered 204 at the edge with the allowed methods,
 * headers and max age. A disallowed origin gets no CORS headers and its preflight goes upstream.
 */
export class CorsStep implements RequestStep {
  readonly name = 'cors';
  readonly any: boolean;
  readonly exact: ReadonlySet<string>;
  readonly wildcards: readonly WildcardOrigin[];
  readonly credentials: boolean;
  readonly expose: string;
  readonly preflight: readonly string[];

  constructor(cors: Cors) {
    this.any = cors.allowOrigins.includes('*');
    this.exact = new Set(cors.allowOrigins.filter((origin) => !origin.includes('*')));
    this.wildcards = cors.allowOrigins
      .filter((origin) => origin.includes('://*.'))
      .map((origin) => ({
        scheme: origin.slice(0, origin.indexOf('://') + 3),
        suffix: origin.slice(origin.indexOf('*') + 1),
      }));
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

  allowedOrigin(origin: string): string | null {
    if (this.any) return '*';
    const lower = origin.toLowerCase();
    if (this.exact.has(lower)) return origin;
    for (const wildcard of this.wildcards) {
      if (!lower.startsWith(wildcard.scheme) || !lower.endsWith(wildcard.suffix)) continue;
      const label = lower.slice(wildcard.scheme.length, lower.length - wildcard.suffix.length);
      if (label.length > 0 && !label.includes('.') && !label.includes('/')) return origin;
    }
    return null;
  }

  apply(exchange: StepExchange): StepOutcome {
    const origin = exchange.header('origin');
    const allowed = this.any ? '*' : origin === null ? null : this.allowedOrigin(origin);
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
