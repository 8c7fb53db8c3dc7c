/**
 * Turns a burst of "something changed" signals into one run: waits `holdoffMs` after the last
 * signal, but never more than `maxDelayMs` after the first one of the burst, so a steady stream
 * of changes still gets built.
 */
export interface Coalescer {
  signal(): void;
  /** Runs now if a run is pending (used at shutdown and by tests). */
  flush(): void;
  stop(): void;
}

export interface CoalescerOptions {
  holdoffMs: number;
  maxDelayMs: number;
  now?: () => number;
}

export function createCoalescer(run: () => void, options: CoalescerOptions): Coalescer {
  const now = options.now ?? Date.now;
  let timer: NodeJS.Timeout | null = null;
  let firstSignalAt = 0;
  let stopped = false;

  const fire = () => {
    timer = null;
    run();
  };

  return {
    signal() {
      if (stopped) return;
      const t = now();
      if (timer === null) firstSignalAt = t;
      else clearTimeout(timer);
      const deadline = firstSignalAt + options.maxDelayMs;
      timer = setTimeout(fire, Math.max(0, Math.min(options.holdoffMs, deadline - t)));
    },
    flush() {
      if (timer === null) return;
      clearTimeout(timer);
      fire();
    },
    stop() {
      stopped = true;
      if (timer !== null) clearTimeout(timer);
      timer = null;
    },
  };
}
