import { RE2JS } from 're2js';
import type { Canary } from '../../routing/policy-types.ts';
import type { BackendEndpoints } from '../../routing/types.ts';
import { cookieOf } from './request-key.ts';
import { CONTINUE, type RequestStep, type StepExchange, type StepOutcome } from '../pipeline/steps.ts';

/**
 * canary-by-header (+ -value, -pattern), canary-by-cookie and canary-weight, after ingress-nginx's
 * balancer (rootfs/etc/nginx/lua/balancer.lua route_to_alternative_balancer) and
 * test/e2e/annotations/canary.go: the header decides first ("always"/"never", or the configured value
 * or RE2 pattern), then the cookie ("always"/"never"), then the weight. The canary backend must have
 * usable endpoints in this generation, else the main backend serves.
 */
export class CanaryStep implements RequestStep {
  readonly name = 'canary';
  readonly backend: BackendEndpoints;
  readonly header: string | null;
  readonly headerValue: string | null;
  readonly headerPattern: RE2JS | null;
  readonly cookie: string | null;
  readonly weight: number;
  readonly weightTotal: number;

  constructor(canary: Canary, backend: BackendEndpoints) {
    this.backend = backend;
    this.header = canary.header === null ? null : canary.header.name;
    this.headerValue = canary.header === null ? null : canary.header.value;
    this.headerPattern =
      canary.header === null || canary.header.pattern === null ? null : RE2JS.compile(canary.header.pattern);
    this.cookie = canary.cookie;
    this.weight = canary.weight;
    this.weightTotal = canary.weightTotal;
  }

  apply(exchange: StepExchange): StepOutcome {
    const decided = this.#byHeader(exchange) ?? this.#byCookie(exchange);
    const toCanary = decided ?? (this.weight > 0 && Math.random() * this.weightTotal < this.weight);
    if (toCanary) exchange.useBackend(this.backend);
    return CONTINUE;
  }

  #byHeader(exchange: StepExchange): boolean | null {
    if (this.header === null) return null;
    const value = exchange.header(this.header);
    if (value === null) return null;
    if (this.headerValue !== null) return value === this.headerValue ? true : null;
    if (this.headerPattern !== null) return this.headerPattern.test(value) ? true : null;
    return value === 'always' ? true : value === 'never' ? false : null;
  }

  #byCookie(exchange: StepExchange): boolean | null {
    if (this.cookie === null) return null;
    const value = cookieOf(exchange.header('cookie'), this.cookie);
    return value === 'always' ? true : value === 'never' ? false : null;
  }
}
