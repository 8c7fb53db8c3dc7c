import { Pool } from 'undici';
import { UpstreamEndpoint } from './upstream-endpoint.ts';

export interface UpstreamPoolOptions {
  readonly connectMs: number;
  /** Connection cap per endpoint. */
  readonly connections: number;
  readonly keepAliveMs: number;
  /** A pool unused this long is closed (its endpoint reopens one on the next request). */
  readonly idleCloseMs: number;
}

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
  #closed = false;

  constructor(options: UpstreamPoolOptions) {
    this.#options = options;
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
  poolOf(endpoint: UpstreamEndpoint): Pool {
    if (endpoint.pool !== null) return endpoint.pool;
    const pool = new Pool(endpoint.origin, {
      connections: this.#options.connections,
      pipelining: 1,
      connectTimeout: this.#options.connectMs,
      keepAliveTimeout: this.#options.keepAliveMs,
      // The edge forwards whatever size the route allows; limits are enforced in forward.ts.
      maxResponseSize: -1,
    });
    // Connection errors are reported to the requests; the pool's own event needs a listener only
    // so that it is never an unhandled 'error'.
    pool.on('connectionError', ignore);
    endpoint.pool = pool;
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
      if (!live.has(endpoint) && endpoint.pool === null && endpoint.ejectedUntil <= now) {
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
    }
    this.#endpoints.clear();
    await Promise.all(closing);
  }
}

function ignore(): void {}
