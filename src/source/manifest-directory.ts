// --manifests DIR: the snapshot read from a directory of YAML/JSON files instead of a cluster.
// Files are rescanned on change (fs.watch, debounced, plus a slow poll as a safety net); a file that
// stops parsing keeps its last good objects in service while its errors are reported.
import type { SnapshotSource } from '../controller/source.ts';
import { EMPTY_SNAPSHOT } from '../routing/empty-snapshot.ts';
import type { Snapshot } from '../routing/types.ts';
import type { Logger } from '../util/logger.ts';
import { DirectoryRescan } from './directory-rescan.ts';
import { ManifestFiles } from './manifest-files.ts';
import { SnapshotAssembler } from './manifest-snapshot.ts';

export interface ManifestSourceOptions {
  readonly dir: string;
  readonly log: Logger;
  /** Quiet time gathered after a change before rescanning; default 50 ms. */
  readonly debounceMs?: number;
  /** Rescan this often even without watch events (0: never); default 5000 ms. */
  readonly pollIntervalMs?: number;
  /** Use fs.watch (default true); without it only the poll notices changes. */
  readonly watch?: boolean;
}

export interface ManifestSource extends SnapshotSource {
  /** Current problems, "file:line:col: message", in file order. */
  errors(): readonly string[];
}

export function createManifestSource(options: ManifestSourceOptions): ManifestSource {
  const { dir } = options;
  const log = options.log.child({ component: 'manifests' });
  const files = new ManifestFiles(dir, log);
  const assembler = new SnapshotAssembler();
  let snapshot: Snapshot = EMPTY_SNAPSHOT;
  let fingerprint = '';
  let currentErrors: readonly string[] = [];
  let isSynced = false;
  let onChange: (() => void) | null = null;
  let directoryError: string | null = null;

  async function scan(): Promise<void> {
    let changed: boolean;
    try {
      changed = await files.refresh();
    } catch (error) {
      const message = `${dir}: cannot read the manifest directory: ${(error as Error).message}`;
      if (directoryError !== message) log.error(`${message}; serving the last good manifests`);
      directoryError = message;
      if (!isSynced) throw new Error(message, { cause: error });
      return;
    }
    if (directoryError !== null) log.info(`${dir}: manifest directory readable again`);
    directoryError = null;
    if (changed || !isSynced) assemble();
  }

  const rescan = new DirectoryRescan({
    dir,
    log,
    debounceMs: options.debounceMs ?? 50,
    pollIntervalMs: options.pollIntervalMs ?? 5000,
    watch: options.watch ?? true,
    scan,
  });

  /** Builds the snapshot from every file's objects; tells the reconciler only when something changed. */
  function assemble(): void {
    const next = assembler.assemble(files.states());
    currentErrors = reportErrors(log, currentErrors, next.errors);
    const nextFingerprint = JSON.stringify(next.snapshot);
    if (nextFingerprint === fingerprint) return;
    fingerprint = nextFingerprint;
    snapshot = next.snapshot;
    if (isSynced && !rescan.stopped) onChange?.();
  }

  return {
    name: `manifests:${dir}`,

    async start(listener: () => void): Promise<void> {
      onChange = listener;
      rescan.watch(); // before the first scan, so a change during it is not missed
      try {
        await rescan.runNow();
      } catch (error) {
        rescan.stopWatching();
        throw error;
      }
      isSynced = true;
      const counts = { files: files.size, ingresses: snapshot.ingresses.length, services: snapshot.services.length };
      log.info({ dir, ...counts, errors: currentErrors.length }, 'manifests loaded');
      rescan.startPolling();
      listener();
    },

    synced: () => isSynced,
    snapshot: () => snapshot,
    errors: () => currentErrors,
    stop: () => rescan.stop(),
  };
}

/** Logs each error once, when it appears, and the all-clear; returns the new list. */
function reportErrors(log: Logger, before: readonly string[], errors: string[]): readonly string[] {
  const seen = new Set(before);
  for (const error of errors) if (!seen.has(error)) log.warn(error);
  if (errors.length === 0 && before.length > 0) log.info('every manifest reads cleanly again');
  return Object.freeze(errors);
}
