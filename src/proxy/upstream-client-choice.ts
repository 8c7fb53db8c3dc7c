import type { UpstreamClient } from './upstream-client.ts';
import { undiciUpstreamClient } from './upstream-client-undici.ts';

/** --upstream-client: `auto` takes the lean HTTP/1 client when this Node supports it, else undici. */
export type UpstreamClientChoice = 'auto' | 'lean' | 'undici';

/**
 * The client behind every upstream pool. TODO(lead, issue 10): when src/proxy/upstream-http1/ lands,
 * return its client for 'lean', and for 'auto' when its feature detection (Node's HTTPParser) passes;
 * until then 'lean' and 'auto' both map to undici.
 */
export function chooseUpstreamClient(choice: UpstreamClientChoice): UpstreamClient {
  switch (choice) {
    case 'lean':
    case 'auto':
    case 'undici':
      return undiciUpstreamClient;
  }
}
