import type { EndpointIndex, Target } from '../../routing/types.ts';
import { compilePolicySteps } from '../steps/compile-policy.ts';
import { routeRetry } from '../steps/route-retry.ts';
import { BodyLimitStep } from './body-limit-step.ts';
import type { CompiledRoute, RequestStep, ResponseStep } from './steps.ts';

/** Controller-wide values a route's policy falls back to. */
export interface RouteDefaults {
  /** Infinity when unlimited. */
  readonly maxBodyBytes: number;
  readonly responseHeadersMs: number;
}

const NO_RESPONSE_STEPS: readonly ResponseStep[] = Object.freeze([]);

/**
 * A route's policy (frozen data from src/routing) as pipeline steps. The place where every new policy
 * becomes a step instance (or route data the stages read), in the order the steps must run.
 */
export function compileRoute(target: Target, defaults: RouteDefaults, endpoints: EndpointIndex): CompiledRoute {
  const policy = target.policy;
  const bodyLimit = policy.maxBodyBytes ?? defaults.maxBodyBytes;
  const requestSteps: RequestStep[] = [];
  if (bodyLimit !== Infinity) requestSteps.push(new BodyLimitStep(bodyLimit));
  const steps = { request: requestSteps, response: [] as ResponseStep[] };
  compilePolicySteps(target, endpoints, steps);
  return Object.freeze({
    requestSteps: Object.freeze(requestSteps),
    responseSteps: steps.response.length === 0 ? NO_RESPONSE_STEPS : Object.freeze(steps.response),
    bodyLimit,
    headersTimeoutMs: policy.requestTimeoutMs ?? defaults.responseHeadersMs,
    retry: routeRetry(policy.traffic?.retry ?? null),
    balance: policy.traffic?.balance ?? null,
  });
}
