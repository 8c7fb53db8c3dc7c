import type { Redirect } from '../../routing/policy-types.ts';
import { ANSWERED, CONTINUE, type RequestStep, type StepExchange, type StepOutcome } from '../pipeline/steps.ts';

/**
 * permanent-redirect / temporal-redirect (every request), app-root (only "/") and from-to-www-redirect
 * (to the same path and query on the other host, `return 308 $scheme://host$request_uri`), after
 * ingress-nginx internal/ingress/annotations/redirect and approot.
 */
export class RedirectStep implements RequestStep {
  readonly name = 'redirect';
  readonly status: number;
  readonly headers: readonly string[];
  readonly onlyRoot: boolean;
  /** from-to-www-redirect: the host whose same path and query the request goes to; null for a fixed URL. */
  readonly toHost: string | null;

  constructor(redirect: Redirect) {
    this.status = redirect.status;
    this.headers = Object.freeze(['location', redirect.location]);
    this.onlyRoot = redirect.kind === 'app-root';
    this.toHost = redirect.kind === 'host' ? redirect.location : null;
  }

  apply(exchange: StepExchange): StepOutcome {
    if (this.onlyRoot && exchange.path !== '/') return CONTINUE;
    if (this.toHost === null) {
      exchange.answer(this.status, this.headers, null);
    } else {
      const scheme = exchange.tls ? 'https://' : 'http://';
      exchange.answer(this.status, ['location', scheme + this.toHost + exchange.path + exchange.query], null);
    }
    return ANSWERED;
  }
}
