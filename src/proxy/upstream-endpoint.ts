import { endpointKey } from '../routing/endpoint-key.ts';
import type { TransportPool, UpstreamPool } from './upstream-client.ts';

/**
 * One upstream address:port as the edge knows it across table generations: its connection pool
 * (opened lazily, closed when idle), its in-flight count for least-request, and its passive health.
 */
export class UpstreamEndpoint {
  /** endpointKey(address, port): "address:port", "[v6]:port" for IPv6. */
  readonly id: string;
  readonly address: string;
  readonly port: number;
  /** `http://address:port`, the pool's origin. */
  readonly origin: string;
  pool: UpstreamPool | null = null;
  /** Pools of routes that reach it over another transport (HTTPS, h2c, gRPC…), by transport key; null when none. */
  transportPools: Map<string, TransportPool> | null = null;
  inFlight = 0;
  /** Requests sent (attempts, including retries). */
  requests = 0;
  /** Consecutive connection failures; 0 once it answers again. */
  failures = 0;
  /** Epoch ms until which it is ejected; 0 when not ejected. */
  ejectedUntil = 0;
  /** Epoch ms of the last attempt, for the idle sweep. */
  lastUsed = 0;

  constructor(address: string, port: number) {
    this.address = address;
    this.port = port;
    this.id = endpointKey(address, port);
    this.origin = 'http://' + this.id;
  }
}
