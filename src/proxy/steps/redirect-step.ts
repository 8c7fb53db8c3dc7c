import type { Redirect } from '../../routing/policy-types.ts';
import { ANSWERED, CONTINUE, type RequestStep, type StepExchange, type StepOutcome } from '../pipeline/steps.ts';

/**
 * permanent-redirect / temporal-redirect (every request) and app-root (only "/"), after ingress-nginx
 * internal/ingress/annotations/redirect and approot: the Location is the configured URL as is.
 */
export class RedirectStep implements RequestStep {
  readonly name = 'redirect';
  readonly status: number;
  readonly headers: readonly string[];
  readonly onlyRoot: boolean;

  constructor(redirect: Redirect) {
    this.status = redirect.status;
    this.headers = Object.freeze(['location', redirect.location]);
    this.onlyRoot = redirect.kind === 'app-root';
  }

  apply(exchange: StepExchange): StepOutcome {
    if (this.onlyRoot && exchange.path !== '/') return CONTINUE;
    exchange.answer(this.status, this.headers, null);
    return ANSWERED;
  }
}
