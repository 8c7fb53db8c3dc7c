import type { TransportPool, UpstreamClient, UpstreamPool, UpstreamPoolOptions } from './upstream-client.ts';
import { undiciUpstreamClient } from './upstream-client-undici.ts';
import { createTransportPool } from './upstream-client-transport.ts';
import type { UpstreamTransport } from './upstream-transport.ts';
import { UpstreamEndpoint } from './upstream-endpoint.ts';

export type { UpstreamPoolOptions };

export const defaultPoolOptions: Omit<UpstreamPoolOptions, 'connectMs'> = {
  connections: 256,
  keepAliveMs: 4_000,
  idleCloseMs: 60_000,
};

/**
 * The registry of upstream endpoints by "address:port", shared by every backend and every table
 * generation, so keep-alive connections, in-flight counts and ejections outlive table changes.
 */
export class UpstreamPools {
  readonly #options: UpstreamPoolOptions;
  readonly #endpoints = new Map<string, UpstreamEndpoint>();
  /** Who opens the connections (upstream-client.ts): undici or the lean HTTP/1 client. */
  readonly client: UpstreamClient;
  #closed = false;

  constructor(options: UpstreamPoolOptions, client: UpstreamClient = undiciUpstreamClient) {
    this.#options = options;
    this.client = client;
  }

  /** The endpoint for address:port, created on first use. */
  endpoint(address: string, port: number): UpstreamEndpoint {
    const key = address + '\u0000' + port;
    let endpoint = this.#endpoints.get(key);
    if (endpoint === undefined) {
      endpoint = new UpstreamEndpoint(address, port);
      this.#endpoints.set(key, endpoint);
    }
    return endpoint;
  }

  /** The endpoint's pool, opened if needed. */
  poolOf(endpoint: UpstreamEndpoint): UpstreamPool {
    if (endpoint.pool !== null) return endpoint.pool;
    const pool = this.client.createPool(endpoint.address, endpoint.port, endpoint.origin, this.#options);
    endpoint.pool = pool;
    if (this.#closed) void pool.close();
    return pool;
  }

  /** The endpoint's pool for a route's own transport (upstream-transport.ts), opened if needed. */
  poolFor(endpoint: UpstreamEndpoint, transport: UpstreamTransport): TransportPool {
    let pools = endpoint.transportPools;
    let pool = pools?.get(transport.key);
    if (pool !== undefined) return pool;
    pool = createTransportPool(endpoint.id, transport, this.#options);
    if (pools === null) pools = endpoint.transportPools = new Map();
    pools.set(transport.key, pool);
    if (this.#closed) void pool.close();
    return pool;
  }

  get size(): number {
    return this.#endpoints.size;
  }

  /**
   * Closes pools idle for `idleCloseMs`, and forgets idle endpoints not in `live` (those no
   * backend of the current table uses).
   */
  sweep(now: number, live: ReadonlySet<UpstreamEndpoint>): void {
    for (const [key, endpoint] of this.#endpoints) {
      if (endpoint.inFlight !== 0) continue;
      const idle = now - endpoint.lastUsed >= this.#options.idleCloseMs;
      if (idle && endpoint.pool !== null) {
        const pool = endpoint.pool;
        endpoint.pool = null;
        void pool.close().catch(ignore);
      }
      if (idle && endpoint.transportPools !== null) {
        for (const pool of endpoint.transportPools.values()) void pool.close().catch(ignore);
        endpoint.transportPools = null;
      }
      if (
        !live.has(endpoint) &&
        endpoint.pool === null &&
        endpoint.transportPools === null &&
        endpoint.ejectedUntil <= now
      ) {
        this.#endpoints.delete(key);
      }
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    const closing: Promise<void>[] = [];
    for (const endpoint of this.#endpoints.values()) {
      if (endpoint.pool !== null) {
        const pool = endpoint.pool;
        endpoint.pool = null;
        closing.push(pool.destroy().catch(ignore));
      }
      if (endpoint.transportPools !== null) {
        for (const pool of endpoint.transportPools.values()) closing.push(pool.destroy().catch(ignore));
        endpoint.transportPools = null;
      }
    }
    this.#endpoints.clear();
    await Promise.all(closing);
  }
}

function ignore(): void {}
