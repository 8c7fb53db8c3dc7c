import type { RoutingState } from './state.ts';

/** A write-back consumer of published tables (Ingress status, Events). Never feeds the next build. */
export interface PublishSink {
  /** Called after `state` is live in the data plane. Must not throw; failures are logged and retried by the sink. */
  published(state: RoutingState): void;
  stop(): Promise<void>;
}
