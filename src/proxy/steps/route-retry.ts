import type { Retry } from '../../routing/policy-types.ts';
import type { RouteRetry } from '../pipeline/steps.ts';

/**
 * proxy-next-upstream "off" (one attempt), proxy-next-upstream-tries (attempts in all; 0 = the
 * controller's --retries) and proxy-next-upstream-timeout (seconds after which no retry starts; 0 = the
 * controller's), after ingress-nginx internal/ingress/annotations/proxy. Which failures are retried stays
 * sluice's rule: a request that never reached an endpoint, or an idempotent one whose connection was reset.
 */
export function routeRetry(retry: Retry | null): RouteRetry | null {
  if (retry === null) return null;
  if (retry.on.length === 0) return Object.freeze({ maxTries: 1, budgetMs: null });
  if ((retry.tries === null || retry.tries === 0) && (retry.timeoutMs === null || retry.timeoutMs === 0)) return null;
  return Object.freeze({
    maxTries: retry.tries === null || retry.tries === 0 ? null : retry.tries,
    budgetMs: retry.timeoutMs === null || retry.timeoutMs === 0 ? null : retry.timeoutMs,
  });
}
