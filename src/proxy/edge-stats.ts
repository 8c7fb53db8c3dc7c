import type { Balancer, BalancerKind } from './balancer.ts';

/** One upstream endpoint as the edge sees it now. Plain data, safe to send between workers. */
export interface EdgeEndpointStats {
  readonly address: string;
  readonly port: number;
  /** Requests being forwarded to it right now. */
  readonly inFlight: number;
  /** Attempts sent to it since it was first used (retries included). */
  readonly requests: number;
  /** Consecutive connection failures. */
  readonly failures: number;
  /** Epoch ms until which passive health keeps it out of rotation, or null. */
  readonly ejectedUntil: number | null;
}

export interface EdgeStats {
  readonly balancer: BalancerKind;
  /** Backend key ("namespace/service:port") → its endpoints, for backends that received traffic. */
  readonly backends: Readonly<Record<string, readonly EdgeEndpointStats[]>>;
  /** Backend key → the endpoint (endpointKey) round robin picks next (absent for least-request, which picks at random). */
  readonly next: Readonly<Record<string, string>>;
}

export function collectEdgeStats(balancer: Balancer, now: number): EdgeStats {
  const backends: Record<string, EdgeEndpointStats[]> = {};
  const next: Record<string, string> = {};
  for (const balance of balancer.balances()) {
    const upcoming = balancer.peek(balance, now);
    if (upcoming !== null) next[balance.key] = upcoming.id;
    backends[balance.key] = balance.endpoints.map((endpoint) => ({
      address: endpoint.address,
      port: endpoint.port,
      inFlight: endpoint.inFlight,
      requests: endpoint.requests,
      failures: endpoint.failures,
      ejectedUntil: endpoint.ejectedUntil > now ? endpoint.ejectedUntil : null,
    }));
  }
  return { balancer: balancer.kind, backends, next };
}
