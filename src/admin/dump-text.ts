import type { BuildResult } from '../routing/types.ts';

type DumpBuild = (result: BuildResult) => string;

/**
 * routing/dump.ts when it is present. The routing core and the admin were written at the same
 * time; once dump.ts is in the tree for good this becomes a static import.
 */
async function loadDump(): Promise<DumpBuild | null> {
  const specifier = '../routing/dump.ts';
  try {
    const module = (await import(specifier)) as { dumpBuild?: unknown };
    return typeof module.dumpBuild === 'function' ? (module.dumpBuild as DumpBuild) : null;
  } catch {
    return null;
  }
}

const dumpBuild = await loadDump();

const cache = new WeakMap<BuildResult, string | null>();

/** The canonical text of a build, cached per build; null when dump.ts is not available or fails. */
export function dumpText(result: BuildResult): string | null {
  if (dumpBuild === null) return null;
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
