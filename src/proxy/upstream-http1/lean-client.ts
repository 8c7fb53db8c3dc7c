import type { UpstreamClient, UpstreamPoolOptions } from '../upstream-client.ts';
import { responseParsers } from './llhttp-parser.ts';
import { LeanPool } from './pool.ts';

/**
 * The lean HTTP/1.1 client as the edge's upstream client (src/proxy/upstream-client.ts: a pool per endpoint with
 * undici's dispatch shape). Null when this Node has no usable llhttp parser: then the edge keeps undici.
 */
export const leanUpstreamClient: UpstreamClient | null =
  responseParsers === null
    ? null
    : Object.freeze({
        name: 'lean' as const,
        createPool(address: string, port: number, _origin: string, options: UpstreamPoolOptions): LeanPool {
          return new LeanPool(address, port, {
            connections: options.connections,
            connectTimeout: options.connectMs,
            keepAliveTimeout: options.keepAliveMs,
          });
        },
      });
