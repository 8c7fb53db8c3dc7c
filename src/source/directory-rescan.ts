// When to rescan a directory: on fs.watch events (debounced), on a slow poll as a safety net, and never two
// scans at once (a change during a scan runs one more after it).
import { watch, type FSWatcher } from 'node:fs';
import type { Logger } from '../util/logger.ts';

export interface DirectoryRescanOptions {
  readonly dir: string;
  readonly log: Logger;
  /** Quiet time gathered after a change before rescanning. */
  readonly debounceMs: number;
  /** Rescan this often even without watch events (0: never). */
  readonly pollIntervalMs: number;
  /** Use fs.watch; without it only the poll notices changes. */
  readonly watch: boolean;
  readonly scan: () => Promise<void>;
}

export class DirectoryRescan {
  readonly #options: DirectoryRescanOptions;
  #stopped = false;
  #watcher: FSWatcher | null = null;
  #pollTimer: NodeJS.Timeout | null = null;
  #debounceTimer: NodeJS.Timeout | null = null;
  #scanning: Promise<void> | null = null;
  #scanAgain = false;

  constructor(options: DirectoryRescanOptions) {
    this.#options = options;
  }

  /** Scans now (or once more after the scan under way); rejects with the scan's error. */
  runNow(): Promise<void> {
    if (this.#scanning !== null) {
      this.#scanAgain = true;
      return this.#scanning;
    }
    const scanning = (async () => {
      try {
        for (;;) {
          this.#scanAgain = false;
          await this.#options.scan();
          if (!this.#scanAgain || this.#stopped) break;
        }
      } finally {
        this.#scanning = null;
      }
    })();
    this.#scanning = scanning;
    return scanning;
  }

  /** Starts watching the directory (when enabled); a change from now on leads to a rescan. */
  watch(): void {
    if (this.#watcher !== null || this.#stopped || !this.#options.watch) return;
    const { dir, log } = this.#options;
    try {
      const created = watch(dir, { recursive: true }, () => this.#schedule());
      created.on('error', (error) => {
        log.warn({ err: error }, 'manifest directory watch failed; polling until it can be watched again');
        created.close();
        if (this.#watcher === created) this.#watcher = null;
      });
      this.#watcher = created;
    } catch (error) {
      log.warn({ err: error }, 'cannot watch the manifest directory; polling instead');
    }
  }

  stopWatching(): void {
    this.#watcher?.close();
    this.#watcher = null;
  }

  startPolling(): void {
    if (this.#options.pollIntervalMs <= 0 || this.#stopped) return;
    this.#pollTimer = setInterval(() => this.#schedule(), this.#options.pollIntervalMs);
    this.#pollTimer.unref();
  }

  /** Stops every trigger and waits for a scan under way. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.stopWatching();
    if (this.#pollTimer !== null) clearInterval(this.#pollTimer);
    if (this.#debounceTimer !== null) clearTimeout(this.#debounceTimer);
    this.#pollTimer = null;
    this.#debounceTimer = null;
    await this.#scanning?.catch(() => {});
  }

  get stopped(): boolean {
    return this.#stopped;
  }

  #schedule(): void {
    if (this.#stopped || this.#debounceTimer !== null) return;
    this.#debounceTimer = setTimeout(() => {
      this.#debounceTimer = null;
      this.watch();
      this.runNow().catch((error: unknown) => this.#options.log.error({ err: error }, 'manifest rescan failed'));
    }, this.#options.debounceMs);
  }
}
