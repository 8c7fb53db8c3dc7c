import { responseParsers } from './llhttp-parser.ts';
import { LeanPool } from './pool.ts';

/** The pool settings the edge has (src/proxy/upstream-pools.ts). */
interface EdgePoolOptions {
  readonly connectMs: number;
  readonly connections: number;
  readonly keepAliveMs: number;
}

/**
 * The lean HTTP/1.1 client as the edge's upstream client (the `UpstreamClient` seam: a pool per endpoint with
 * undici's dispatch shape). Null when this Node has no usable llhttp parser: then the edge keeps undici.
 */
export const leanUpstreamClient =
  responseParsers === null
    ? null
    : Object.freeze({
        name: 'lean' as const,
        createPool(address: string, port: number, _origin: string, options: EdgePoolOptions): LeanPool {
          return new LeanPool(address, port, {
            connections: options.connections,
            connectTimeout: options.connectMs,
            keepAliveTimeout: options.keepAliveMs,
          });
        },
      });
