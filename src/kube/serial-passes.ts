import { Backoff, type BackoffPolicy } from '../util/backoff.ts';

/** How the leader's writers retry a failed pass. */
export const WRITER_RETRY_BACKOFF: BackoffPolicy = Object.freeze({
  initialMs: 1000,
  maxMs: 30_000,
  factor: 2,
  jitter: 0.5,
});

/**
 * A writer's passes, one at a time: a request while a pass runs runs one more pass after it; a pass that
 * reports failure (false) runs again after a backoff, until one succeeds. Used by the Gateway status and
 * Service writers, which both sync "desired vs current" against the API as the leader.
 */
export class SerialPasses {
  readonly #pass: () => Promise<boolean>;
  readonly #backoff: Backoff;
  #stopped = false;
  #running: Promise<void> | null = null;
  #again = false;
  #retryTimer: NodeJS.Timeout | null = null;

  constructor(pass: () => Promise<boolean>, backoff: BackoffPolicy) {
    this.#pass = pass;
    this.#backoff = new Backoff(backoff);
  }

  get stopped(): boolean {
    return this.#stopped;
  }

  request(): void {
    if (this.#stopped) return;
    if (this.#running !== null) {
      this.#again = true;
      return;
    }
    if (this.#retryTimer !== null) clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
    this.#running = this.#run().finally(() => {
      this.#running = null;
      if (this.#again) {
        this.#again = false;
        this.request();
      }
    });
  }

  /** Resolves once no pass runs (a pass requested meanwhile included). */
  async idle(): Promise<void> {
    for (let pass = this.#running; pass !== null; pass = this.#running) await pass;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#retryTimer !== null) clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
    await this.#running;
  }

  async #run(): Promise<void> {
    // A pass logs its own failures; one that throws anyway is retried like one that reports failure.
    if (await this.#pass().catch(() => false)) {
      this.#backoff.reset();
      return;
    }
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = null;
      this.request();
    }, this.#backoff.next());
  }
}
