import { dumpBuild } from '../routing/dump.ts';
import type { BuildResult } from '../routing/types.ts';

const cache = new WeakMap<BuildResult, string | null>();

/** The canonical text of a build (routing/dump.ts), computed once per build; null if dumping fails. */
export function dumpText(result: BuildResult): string | null {
  let text = cache.get(result);
  if (text === undefined) {
    try {
      text = dumpBuild(result);
    } catch {
      text = null;
    }
    cache.set(result, text);
  }
  return text;
}
