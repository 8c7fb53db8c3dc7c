import type { RoutingState } from '../controller/state.ts';
import type { RequestTracer } from '../telemetry/tracing-hooks.ts';
import type { Logger } from '../util/logger.ts';
import type { Balancer } from './balancer.ts';
import type { RouteDecider } from './pipeline/route-decision.ts';
import type { RequestRecordListener } from './request-record.ts';
import type { RequestIdGenerator } from './request-id.ts';
import type { TrustedProxies } from './trusted-proxies.ts';
import type { UpstreamPools } from './upstream-pools.ts';

/** Everything a request needs from the handler, resolved once at start-up. */
export interface EdgeContext {
  readonly getState: () => RoutingState;
  readonly trusted: TrustedProxies;
  readonly pools: UpstreamPools;
  readonly balancer: Balancer;
  readonly router: RouteDecider;
  readonly ids: RequestIdGenerator;
  readonly responseHeadersMs: number;
  readonly bodyIdleMs: number;
  /** Longest silence between two chunks of a request body from the client; 0 = no limit. */
  readonly clientBodyMs: number;
  readonly maxTries: number;
  readonly retryBudgetMs: number;
  readonly onRequestDone: RequestRecordListener | null;
  /** Tracing hooks (--otlp-endpoint), or null when tracing is off. */
  readonly tracer: RequestTracer | null;
  readonly log: Logger;
}
