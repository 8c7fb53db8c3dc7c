// A route's traffic policy (src/routing/policy-types.ts) as pipeline steps, in nginx's phase order:
// answers the edge gives without looking further (redirects, CORS preflight) first, then rate limits,
// then client address checks (nginx: rewrite → preaccess → access), then where and what to forward
// (canary backend, path rewrite, request headers). Response header edits run on the upstream's head.

import type { TrafficPolicy } from '../../routing/policy-types.ts';
import type { EndpointIndex, PathRoute, Target } from '../../routing/types.ts';
import type { RequestStep, ResponseStep } from '../pipeline/steps.ts';
import { AccessStep } from './access-step.ts';
import { CanaryStep } from './canary-step.ts';
import { ConnectionLimitStep } from './connection-limit-step.ts';
import { CorsStep } from './cors-step.ts';
import { GatewayCorsStep } from './gateway-cors-step.ts';
import { PathReplaceStep } from './path-replace-step.ts';
import { RateLimitStep } from './rate-limit-step.ts';
import { RedirectStep } from './redirect-step.ts';
import { RequestHeadersStep } from './request-headers-step.ts';
import { ResponseHeadersStep } from './response-headers-step.ts';
import { RewriteStep } from './rewrite-step.ts';
import { CookieSessionStep, HashSessionStep } from './session-steps.ts';

export interface PolicySteps {
  readonly request: RequestStep[];
  readonly response: ResponseStep[];
}

function isPathRoute(target: Target): target is PathRoute {
  return (target as PathRoute).path !== undefined;
}

function canaryStep(target: Target, endpoints: EndpointIndex): RequestStep | null {
  if (!isPathRoute(target) || target.canary === undefined) return null;
  const backend = endpoints.get(target.canary.backend);
  const usable = backend !== undefined && (backend.usable.length > 0 || backend.externalName !== null);
  return usable ? new CanaryStep(target.canary, backend) : null;
}

function sessionStep(target: Target, traffic: TrafficPolicy, endpoints: EndpointIndex): RequestStep | null {
  const session = traffic.session;
  const backend = endpoints.get(target.backend);
  if (session === null || backend === undefined) return null;
  if (session.kind === 'hash') return new HashSessionStep(session, backend);
  const path = isPathRoute(target) && target.match !== 'regex' ? target.path : '/';
  return new CookieSessionStep(session, backend, path);
}

/** Appends the steps of `target`'s policy; adds nothing for a route without one. */
export function compilePolicySteps(target: Target, endpoints: EndpointIndex, into: PolicySteps): void {
  const traffic = target.policy.traffic;
  const canary = canaryStep(target, endpoints);
  const request = into.request;
  if (traffic === undefined) {
    if (canary !== null) request.push(canary);
    return;
  }
  if (traffic.redirect !== null) request.push(new RedirectStep(traffic.redirect));
  if (traffic.cors !== null)
    request.push(traffic.cors.gateway === true ? new GatewayCorsStep(traffic.cors) : new CorsStep(traffic.cors));
  if (
    traffic.rateLimit !== null &&
    (traffic.rateLimit.requestsPerSecond !== null || traffic.rateLimit.requestsPerMinute !== null)
  ) {
    const identity = `${target.source.namespace}/${target.source.name}|${isPathRoute(target) ? target.field : 'default'}`;
    request.push(new RateLimitStep(traffic.rateLimit, identity));
  }
  if (traffic.rateLimit !== null && traffic.rateLimit.connections !== null) {
    const identity = `${target.source.namespace}/${target.source.name}|${isPathRoute(target) ? target.field : 'default'}`;
    request.push(new ConnectionLimitStep(traffic.rateLimit.connections, identity));
  }
  if (traffic.access !== null) request.push(new AccessStep(traffic.access));
  if (canary !== null) request.push(canary);
  const session = sessionStep(target, traffic, endpoints);
  if (session !== null) request.push(session);
  const rewrite = traffic.rewrite;
  if (rewrite !== null && rewrite.replace !== undefined)
    request.push(new PathReplaceStep({ ...rewrite, replace: rewrite.replace }));
  else if (rewrite !== null && isPathRoute(target) && target.match === 'regex')
    request.push(new RewriteStep(rewrite, target.path));
  if (traffic.requestHeaders !== null || traffic.forwardedPrefix !== null || traffic.upstreamHost !== null)
    request.push(new RequestHeadersStep(traffic.requestHeaders, traffic.forwardedPrefix, traffic.upstreamHost));
  if (traffic.responseHeaders !== null || traffic.locationRewrite !== null)
    into.response.push(new ResponseHeadersStep(traffic.responseHeaders, traffic.locationRewrite));
}
