import { dumpBuild } from '../routing/dump.ts';
import type { GatewayBuildResult } from '../routing/gateway/types.ts';
import type { BuildResult } from '../routing/types.ts';

const cache = new WeakMap<BuildResult, string | null>();

/**
 * The canonical text of a build (routing/dump.ts), with the Gateway API build of the same generation
 * after the Ingress hosts, computed once per build; null if dumping fails.
 */
export function dumpText(result: BuildResult, gateway?: GatewayBuildResult): string | null {
  let text = cache.get(result);
  if (text === undefined) {
    try {
      text = dumpBuild(result, gateway);
    } catch {
      text = null;
    }
    cache.set(result, text);
  }
  return text;
}
