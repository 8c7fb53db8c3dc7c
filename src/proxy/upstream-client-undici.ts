import { Pool } from 'undici';
import type { UpstreamClient, UpstreamPool, UpstreamPoolOptions } from './upstream-client.ts';

/** The undici path of the upstream seam: one undici Pool per endpoint, used as is. */
export const undiciUpstreamClient: UpstreamClient = Object.freeze({
  name: 'undici' as const,
  createPool(_address: string, _port: number, origin: string, options: UpstreamPoolOptions): UpstreamPool {
    const pool = new Pool(origin, undiciPoolOptions(options));
    // Connection errors are reported to the requests; the pool's own event needs a listener only
    // so that it is never an unhandled 'error'.
    pool.on('connectionError', ignore);
    return pool as unknown as UpstreamPool;
  },
});

/** What every undici Pool towards an endpoint is given, whatever its transport. */
export function undiciPoolOptions(options: UpstreamPoolOptions): Pool.Options {
  return {
    connections: options.connections,
    pipelining: 1,
    connectTimeout: options.connectMs,
    keepAliveTimeout: options.keepAliveMs,
    // The edge forwards whatever size the route allows; limits are enforced by the pipeline.
    maxResponseSize: -1,
  };
}

function ignore(): void {}
