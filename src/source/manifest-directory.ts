// --manifests DIR: the snapshot read from a directory of YAML/JSON files instead of a cluster.
// Files are rescanned on change (fs.watch, debounced, plus a slow poll as a safety net); a file that
// stops parsing keeps its last good objects in service while its errors are reported.
import { watch, type FSWatcher } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';
import type { SnapshotSource } from '../controller/source.ts';
import { EMPTY_SNAPSHOT } from '../routing/empty-snapshot.ts';
import type { KubeObject, Snapshot } from '../routing/types.ts';
import type { Logger } from '../util/logger.ts';
import { parseManifestFile, type ManifestObject, type SnapshotKey } from './manifest-file.ts';

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

const MANIFEST_EXTENSIONS = ['.yaml', '.yml', '.json'];

interface FileState {
  /** stat fingerprint; the file is reread when it changes. */
  readonly version: string;
  /** Objects of the last successful parse. */
  readonly objects: readonly ManifestObject[];
  readonly errors: readonly string[];
  /** creationTimestamp for objects that lack one: the file's mtime, to the second. */
  readonly mtime: string;
}

/** What we remember of an object across rescans, so unchanged objects keep identity and version. */
interface Known {
  readonly content: string;
  readonly creationTimestamp: string;
  readonly resourceVersion: string;
  readonly frozen: KubeObject;
}

export function createManifestSource(options: ManifestSourceOptions): ManifestSource {
  const { dir } = options;
  const log = options.log.child({ component: 'manifests' });
  const debounceMs = options.debounceMs ?? 50;
  const pollIntervalMs = options.pollIntervalMs ?? 5000;
  const useWatch = options.watch ?? true;

  const files = new Map<string, FileState>();
  let known = new Map<string, Known>();
  let nextResourceVersion = 1;
  let snapshot: Snapshot = EMPTY_SNAPSHOT;
  let fingerprint = '';
  let currentErrors: readonly string[] = [];
  let isSynced = false;
  let stopped = false;
  let onChange: (() => void) | null = null;
  let watcher: FSWatcher | null = null;
  let pollTimer: NodeJS.Timeout | null = null;
  let debounceTimer: NodeJS.Timeout | null = null;
  let scanning: Promise<void> | null = null;
  let scanAgain = false;
  let directoryError: string | null = null;

  async function listFiles(): Promise<string[]> {
    const entries = await readdir(dir, { recursive: true });
    const found: string[] = [];
    for (const relative of entries) {
      // Hidden files and folders are editor droppings or Kubernetes' ConfigMap "..data" machinery.
      if (relative.split(sep).some((segment) => segment.startsWith('.'))) continue;
      const lower = relative.toLowerCase();
      if (!MANIFEST_EXTENSIONS.some((extension) => lower.endsWith(extension))) continue;
      found.push(join(dir, relative));
    }
    return found.sort();
  }

  /** Rereads the file if it changed since the last scan; says whether it did. */
  async function readChanged(path: string): Promise<boolean> {
    let info;
    try {
      info = await stat(path); // follows symlinks
    } catch {
      return files.delete(path); // vanished between listing and stat
    }
    if (!info.isFile()) return files.delete(path);
    const version = `${info.ino}:${info.size}:${info.mtimeMs}:${info.ctimeMs}`;
    const previous = files.get(path);
    if (previous !== undefined && previous.version === version) return false;
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      const message = `${path}: cannot read: ${(error as Error).message}`;
      files.set(path, { version, objects: previous?.objects ?? [], errors: [message], mtime: previous?.mtime ?? '' });
      return true;
    }
    const parsed = parseManifestFile(path, text);
    for (const line of parsed.ignored) log.debug(`ignored ${line}`);
    const mtime = new Date(Math.floor(info.mtimeMs / 1000) * 1000).toISOString().replace('.000Z', 'Z');
    files.set(path, {
      version,
      objects: parsed.failed ? (previous?.objects ?? []) : parsed.objects,
      errors: parsed.errors,
      mtime: parsed.failed ? (previous?.mtime ?? mtime) : mtime,
    });
    return true;
  }

  async function scan(): Promise<void> {
    let paths: string[];
    try {
      paths = await listFiles();
    } catch (error) {
      const message = `${dir}: cannot read the manifest directory: ${(error as Error).message}`;
      if (directoryError !== message) log.error(`${message}; serving the last good manifests`);
      directoryError = message;
      if (!isSynced) throw new Error(message, { cause: error });
      return;
    }
    if (directoryError !== null) log.info(`${dir}: manifest directory readable again`);
    directoryError = null;
    const present = new Set(paths);
    let changed = !isSynced;
    for (const path of files.keys()) {
      if (!present.has(path)) changed = files.delete(path) || changed;
    }
    for (const path of paths) changed = (await readChanged(path)) || changed;
    if (changed) assemble();
  }

  /** Builds the snapshot from every file's objects; tells the reconciler only when something changed. */
  function assemble(): void {
    const buckets: Record<SnapshotKey, KubeObject[]> = {
      ingressClasses: [],
      ingresses: [],
      services: [],
      endpointSlices: [],
      secrets: [],
    };
    const errors: string[] = [];
    const firstSeenAt = new Map<string, string>();
    const nextKnown = new Map<string, Known>();
    for (const [, state] of [...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      errors.push(...state.errors);
      for (const item of state.objects) {
        const identity = `${item.kind}/${item.namespace}/${item.name}`;
        const first = firstSeenAt.get(identity);
        if (first !== undefined) {
          errors.push(
            `${item.position}: duplicate ${item.kind} ${displayName(item)} (first defined at ${first}); ignored`,
          );
          continue;
        }
        firstSeenAt.set(identity, item.position);
        const entry = complete(identity, item, state.mtime);
        nextKnown.set(identity, entry);
        buckets[item.key].push(entry.frozen);
      }
    }
    known = nextKnown;
    for (const list of Object.values(buckets)) list.sort(byNamespaceAndName);
    const next: Snapshot = Object.freeze({
      ingressClasses: Object.freeze(buckets.ingressClasses),
      ingresses: Object.freeze(buckets.ingresses),
      services: Object.freeze(buckets.services),
      endpointSlices: Object.freeze(buckets.endpointSlices),
      secrets: Object.freeze(buckets.secrets),
    });
    reportErrors(errors);
    const nextFingerprint = JSON.stringify(next);
    if (nextFingerprint === fingerprint) return;
    fingerprint = nextFingerprint;
    snapshot = next;
    if (isSynced && !stopped) onChange?.();
  }

  /** Adds creationTimestamp and resourceVersion when missing, stable across rescans; freezes the result. */
  function complete(identity: string, item: ManifestObject, mtime: string): Known {
    const content = JSON.stringify(item.object);
    const previous = known.get(identity);
    if (previous !== undefined && previous.content === content) return previous;
    const metadata = item.object.metadata as Record<string, unknown>;
    const creationTimestamp =
      typeof metadata.creationTimestamp === 'string'
        ? metadata.creationTimestamp
        : (previous?.creationTimestamp ?? mtime);
    const resourceVersion =
      typeof metadata.resourceVersion === 'string' ? metadata.resourceVersion : String(nextResourceVersion++);
    const object = { ...item.object, metadata: { ...metadata, creationTimestamp, resourceVersion } };
    return { content, creationTimestamp, resourceVersion, frozen: deepFreeze(object) };
  }

  function reportErrors(errors: readonly string[]): void {
    const before = new Set(currentErrors);
    for (const error of errors) if (!before.has(error)) log.warn(error);
    if (errors.length === 0 && currentErrors.length > 0) log.info('every manifest reads cleanly again');
    currentErrors = Object.freeze(errors);
  }

  async function runScan(): Promise<void> {
    if (scanning !== null) {
      scanAgain = true;
      return scanning;
    }
    scanning = (async () => {
      try {
        for (;;) {
          scanAgain = false;
          await scan();
          if (!scanAgain || stopped) break;
        }
      } finally {
        scanning = null;
      }
    })();
    return scanning;
  }

  function scheduleScan(): void {
    if (stopped || debounceTimer !== null) return;
    debounceTimer = setTimeout(() => {
      debounceTimer = null;
      ensureWatcher();
      runScan().catch((error: unknown) => log.error({ err: error }, 'manifest rescan failed'));
    }, debounceMs);
  }

  function ensureWatcher(): void {
    if (watcher !== null || stopped || !useWatch) return;
    try {
      const created = watch(dir, { recursive: true }, scheduleScan);
      created.on('error', (error) => {
        log.warn({ err: error }, 'manifest directory watch failed; polling until it can be watched again');
        created.close();
        if (watcher === created) watcher = null;
      });
      watcher = created;
    } catch (error) {
      log.warn({ err: error }, 'cannot watch the manifest directory; polling instead');
    }
  }

  return {
    name: `manifests:${dir}`,

    async start(listener: () => void): Promise<void> {
      onChange = listener;
      ensureWatcher(); // before the first scan, so a change during it is not missed
      try {
        await runScan();
      } catch (error) {
        watcher?.close();
        watcher = null;
        throw error;
      }
      isSynced = true;
      log.info(
        {
          dir,
          files: files.size,
          ingresses: snapshot.ingresses.length,
          services: snapshot.services.length,
          errors: currentErrors.length,
        },
        'manifests loaded',
      );
      if (pollIntervalMs > 0) {
        pollTimer = setInterval(scheduleScan, pollIntervalMs);
        pollTimer.unref();
      }
      listener();
    },

    synced: () => isSynced,
    snapshot: () => snapshot,
    errors: () => currentErrors,

    async stop(): Promise<void> {
      stopped = true;
      watcher?.close();
      watcher = null;
      if (pollTimer !== null) clearInterval(pollTimer);
      if (debounceTimer !== null) clearTimeout(debounceTimer);
      pollTimer = null;
      debounceTimer = null;
      await scanning?.catch(() => {});
    },
  };
}

function displayName(item: ManifestObject): string {
  return item.namespace === '' ? item.name : `${item.namespace}/${item.name}`;
}

function byNamespaceAndName(a: KubeObject, b: KubeObject): number {
  const keyA = objectKey(a);
  const keyB = objectKey(b);
  return keyA < keyB ? -1 : keyA > keyB ? 1 : 0;
}

function objectKey(object: KubeObject): string {
  const metadata = object.metadata as { namespace?: string; name?: string };
  return `${metadata.namespace ?? ''}/${metadata.name ?? ''}`;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
