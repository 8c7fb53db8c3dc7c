import { describe, expect, it, vi } from 'vitest';
import { SerialPasses } from './serial-passes.ts';

const fast = { initialMs: 5, maxMs: 5, factor: 1, jitter: 0 };

describe('SerialPasses', () => {
  it('runs one pass at a time, and one more after it for any number of requests meanwhile', async () => {
    let running = 0;
    let most = 0;
    let passes = 0;
    const serial = new SerialPasses(async () => {
      running += 1;
      most = Math.max(most, running);
      passes += 1;
      await new Promise((resolve) => setImmediate(resolve));
      running -= 1;
      return true;
    }, fast);
    serial.request();
    serial.request();
    serial.request();
    await serial.idle();
    expect({ passes, most }).toEqual({ passes: 2, most: 1 });
  });

  it('retries a failed or throwing pass after the backoff until one succeeds, and stops retrying on stop', async () => {
    const outcomes = [false, 'throw', true];
    let passes = 0;
    const serial = new SerialPasses(async () => {
      const outcome = outcomes[passes++];
      if (outcome === 'throw') throw new Error('boom');
      return outcome === true;
    }, fast);
    serial.request();
    await vi.waitFor(() => expect(passes).toBe(3));
    await serial.idle();

    let failing = 0;
    const stopping = new SerialPasses(async () => {
      failing += 1;
      return false;
    }, fast);
    stopping.request();
    await stopping.idle();
    await stopping.stop();
    const seen = failing;
    stopping.request();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(failing).toBe(seen);
    expect(stopping.stopped).toBe(true);
  });
});
