// The files of a manifest directory as last read: each file's objects from its last good parse, and its errors.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';
import type { Logger } from '../util/logger.ts';
import { parseManifestFile, type ManifestObject } from './manifest-file.ts';

const MANIFEST_EXTENSIONS = ['.yaml', '.yml', '.json'];

export interface FileState {
  /** stat fingerprint; the file is reread when it changes. */
  readonly version: string;
  /** Objects of the last successful parse. */
  readonly objects: readonly ManifestObject[];
  readonly errors: readonly string[];
  /** creationTimestamp for objects that lack one: the file's mtime, to the second. */
  readonly mtime: string;
}

/** The manifest files under `dir`, sorted; hidden files and folders are left out. Throws if `dir` cannot be read. */
async function listManifestFiles(dir: string): Promise<string[]> {
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

export class ManifestFiles {
  readonly #dir: string;
  readonly #log: Logger;
  readonly #files = new Map<string, FileState>();

  constructor(dir: string, log: Logger) {
    this.#dir = dir;
    this.#log = log;
  }

  get size(): number {
    return this.#files.size;
  }

  /** Every file's state, in path order. */
  states(): FileState[] {
    return [...this.#files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, state]) => state);
  }

  /** Rereads what changed since the last call; says whether anything did. Throws if the directory cannot be listed. */
  async refresh(): Promise<boolean> {
    const paths = await listManifestFiles(this.#dir);
    const present = new Set(paths);
    let changed = false;
    for (const path of this.#files.keys()) {
      if (!present.has(path)) changed = this.#files.delete(path) || changed;
    }
    for (const path of paths) changed = (await this.#readChanged(path)) || changed;
    return changed;
  }

  /** Rereads the file if it changed since the last scan; says whether it did. */
  async #readChanged(path: string): Promise<boolean> {
    let info;
    try {
      info = await stat(path); // follows symlinks
    } catch {
      return this.#files.delete(path); // vanished between listing and stat
    }
    if (!info.isFile()) return this.#files.delete(path);
    const version = `${info.ino}:${info.size}:${info.mtimeMs}:${info.ctimeMs}`;
    const previous = this.#files.get(path);
    if (previous !== undefined && previous.version === version) return false;
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      const message = `${path}: cannot read: ${(error as Error).message}`;
      this.#files.set(path, {
        version,
        objects: previous?.objects ?? [],
        errors: [message],
        mtime: previous?.mtime ?? '',
      });
      return true;
    }
    const parsed = parseManifestFile(path, text);
    for (const line of parsed.ignored) this.#log.debug(`ignored ${line}`);
    const mtime = new Date(Math.floor(info.mtimeMs / 1000) * 1000).toISOString().replace('.000Z', 'Z');
    this.#files.set(path, {
      version,
      objects: parsed.failed ? (previous?.objects ?? []) : parsed.objects,
      errors: parsed.errors,
      mtime: parsed.failed ? (previous?.mtime ?? mtime) : mtime,
    });
    return true;
  }
}
