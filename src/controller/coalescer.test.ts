import { afterEach, describe, expect, it, vi } from 'vitest';
import { createCoalescer } from './coalescer.ts';

describe('coalescer', () => {
  afterEach(() => vi.useRealTimers());

  it('runs once for a burst, after the holdoff', () => {
    vi.useFakeTimers();
    let runs = 0;
    const c = createCoalescer(() => runs++, { holdoffMs: 10, maxDelayMs: 100, now: () => Date.now() });
    for (let i = 0; i < 50; i++) c.signal();
    expect(runs).toBe(0);
    vi.advanceTimersByTime(10);
    expect(runs).toBe(1);
    vi.advanceTimersByTime(1000);
    expect(runs).toBe(1);
  });

  it('never delays a steady stream beyond maxDelay', () => {
    vi.useFakeTimers();
    const runsAt: number[] = [];
    const start = Date.now();
    const c = createCoalescer(() => runsAt.push(Date.now() - start), {
      holdoffMs: 10,
      maxDelayMs: 100,
      now: () => Date.now(),
    });
    for (let t = 0; t < 250; t += 5) {
      c.signal();
      vi.advanceTimersByTime(5);
    }
    expect(runsAt.length).toBeGreaterThanOrEqual(2);
    expect(runsAt[0]).toBeLessThanOrEqual(100);
  });

  it('flush runs a pending change at once; stop cancels it', () => {
    vi.useFakeTimers();
    let runs = 0;
    const c = createCoalescer(() => runs++, { holdoffMs: 10, maxDelayMs: 100 });
    c.flush();
    expect(runs).toBe(0);
    c.signal();
    c.flush();
    expect(runs).toBe(1);
    c.signal();
    c.stop();
    vi.advanceTimersByTime(200);
    expect(runs).toBe(1);
  });
});
