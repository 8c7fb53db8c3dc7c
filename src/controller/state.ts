import type { GatewayBuildResult } from '../routing/gateway/types.ts';
import type { ListenerHosts } from '../routing/gateway/listener-hosts.ts';
import type { ObjectChange } from '../routing/incremental/object-store.ts';
import type { BuildResult, Matcher } from '../routing/types.ts';

/** One published generation of the routing table: what the single mutable cell holds. */
export interface RoutingState {
  readonly generation: number;
  /** ISO time the build finished. */
  readonly builtAt: string;
  readonly buildMs: number;
  readonly result: BuildResult;
  readonly matcher: Matcher;
  /** A Gateway HTTPS port's view: its listeners' hostnames, to answer misdirected requests with 421. */
  readonly listenerHosts?: ListenerHosts;
  /** Gateway API: per (Gateway, port) tables and status as data; absent when the snapshot has no Gateway API lists. */
  readonly gateway?: GatewayBuildResult;
  /** An incremental build's input: the object changes applied to the previous generation (edge workers replay them). */
  readonly changes?: readonly ObjectChange[];
}
