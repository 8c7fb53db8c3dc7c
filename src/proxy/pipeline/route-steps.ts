import type { EndpointIndex, PathRoute, Target } from '../../routing/types.ts';
import { compilePolicySteps } from '../steps/compile-policy.ts';
import { routeRetry } from '../steps/route-retry.ts';
import type { BackendEndpoints, BuildResult } from '../../routing/types.ts';
import type { BasicAuthPolicy } from '../../routing/policy-types.ts';
import { readBasicAuthSecret } from '../../routing/htpasswd.ts';
import { BasicAuthStep } from '../steps/basic-auth-step.ts';
import { ExternalAuthStep } from '../steps/external-auth-step.ts';
import { GrpcTeStep } from '../steps/grpc-te-step.ts';
import { MirrorStep } from '../steps/mirror-step.ts';
import { transportFor } from '../upstream-transport.ts';
import { BodyLimitStep } from './body-limit-step.ts';
import { exchangeRulesOf } from './exchange-rules.ts';
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
export function compileRoute(
  target: Target,
  defaults: RouteDefaults,
  endpoints: EndpointIndex,
  backend: BackendEndpoints,
  secrets: BuildResult['policySecrets'],
  serviceUnusable = false,
): CompiledRoute {
  const policy = target.policy;
  const transport = transportFor(policy.traffic?.upstream, backend, secrets);
  // gRPC streams live long and carry any amount: the controller-wide defaults for bodies and the wait for
  // the response head do not apply to them (a route's own annotations still do).
  const longLived = transport !== null && transport.grpc;
  const bodyLimit = policy.maxBodyBytes ?? (longLived ? Infinity : defaults.maxBodyBytes);
  const requestSteps: RequestStep[] = [];
  if (bodyLimit !== Infinity) requestSteps.push(new BodyLimitStep(bodyLimit));
  const steps = { request: requestSteps, response: [] as ResponseStep[] };
  compilePolicySteps(target, endpoints, steps);
  const externalAuth = policy.traffic?.externalAuth;
  if (externalAuth !== undefined) requestSteps.push(new ExternalAuthStep(externalAuth, routeScope(target)));
  const basicAuth = policy.traffic?.basicAuth;
  if (basicAuth !== undefined) requestSteps.push(basicAuthStep(basicAuth, secrets));
  if (transport !== null && transport.http2) requestSteps.push(grpcTe);
  // Last: the copy carries the request as forwarded.
  for (const mirror of (target as Partial<PathRoute>).gateway?.mirrors ?? []) {
    const to = mirror.backend === null ? undefined : endpoints.get(mirror.backend);
    if (to !== undefined && mirror.percent > 0)
      requestSteps.push(new MirrorStep(to, mirror.percent, transportFor(policy.traffic?.upstream, to, secrets)));
  }
  return Object.freeze({
    requestSteps: Object.freeze(requestSteps),
    responseSteps: steps.response.length === 0 ? NO_RESPONSE_STEPS : Object.freeze(steps.response),
    bodyLimit,
    headersTimeoutMs: policy.requestTimeoutMs ?? (longLived ? 0 : defaults.responseHeadersMs),
    requestDeadlineMs: (target as Partial<PathRoute>).gateway?.requestTimeoutMs ?? 0,
    retry: routeRetry(policy.traffic?.retry ?? null),
    balance: policy.traffic?.balance ?? null,
    transport,
    longLived,
    exchangeRules: exchangeRulesOf(target, backend, endpoints, serviceUnusable),
  });
}

const grpcTe = new GrpcTeStep();

/** Names a route across table generations: its Ingress, and the rule and path it came from. */
function routeScope(target: Target): string {
  const rule = target as Partial<PathRoute>;
  return `${target.source.namespace}/${target.source.name} ${rule.field ?? ''} ${rule.path ?? ''}`;
}

function basicAuthStep(policy: BasicAuthPolicy, secrets: BuildResult['policySecrets']): BasicAuthStep {
  const data = policy.secret === null ? undefined : secrets?.get(policy.secret);
  const users = data === undefined ? null : readBasicAuthSecret(data, policy.secretType).users;
  return new BasicAuthStep(users, policy.realm);
}
