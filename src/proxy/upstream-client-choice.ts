import type { UpstreamClient } from './upstream-client.ts';
import { undiciUpstreamClient } from './upstream-client-undici.ts';
import { leanUpstreamClient } from './upstream-http1/lean-client.ts';

/** --upstream-client: `auto` takes the lean HTTP/1 client when this Node supports it, else undici. */
export type UpstreamClientChoice = 'auto' | 'lean' | 'undici';

/**
 * The client behind every upstream pool: the lean HTTP/1 client (src/proxy/upstream-http1/) for 'lean' and
 * 'auto' when its feature detection (Node's own llhttp parser) passed at start, else undici.
 */
export function chooseUpstreamClient(choice: UpstreamClientChoice): UpstreamClient {
  switch (choice) {
    case 'lean':
    case 'auto':
      return leanUpstreamClient ?? undiciUpstreamClient;
    case 'undici':
      return undiciUpstreamClient;
  }
}
