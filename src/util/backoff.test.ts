import { describe, expect, it } from 'vitest';
import * as fc from 'fast-check';
import { Backoff, backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff.ts';

/** A draw of 0 gives the full ceiling. */
const top = () => 0;
const noJitter: BackoffPolicy = { initialMs: 100, maxMs: 1000, factor: 2, jitter: 0 };

describe('backoffDelay', () => {
  it('doubles from the initial delay up to the cap', () => {
    expect([0, 1, 2, 3, 4, 5, 50].map((attempt) => backoffDelay(attempt, noJitter))).toEqual([
      100, 200, 400, 800, 1000, 1000, 1000,
    ]);
  });

  it('jitter only shortens: the top draw gives the lower bound, the bottom draw the ceiling', () => {
    const policy = { ...noJitter, jitter: 0.5 };
    expect(backoffDelay(2, policy, () => 0)).toBe(400);
    expect(backoffDelay(2, policy, () => 0.999_999)).toBe(200);
    expect(backoffDelay(2, policy, () => 0.5)).toBe(300);
  });

  it('the default policy runs 1 s, 2 s, 4 s … and caps at 30 s', () => {
    expect(backoffDelay(0, DEFAULT_BACKOFF, top)).toBe(1000);
    expect(backoffDelay(3, DEFAULT_BACKOFF, top)).toBe(8000);
    expect(backoffDelay(10, DEFAULT_BACKOFF, top)).toBe(30_000);
  });

  it('survives absurd attempts and random sources', () => {
    expect(backoffDelay(-3, noJitter)).toBe(100);
    expect(backoffDelay(Number.NaN, noJitter)).toBe(100);
    expect(backoffDelay(Number.POSITIVE_INFINITY, noJitter)).toBe(1000);
    expect(backoffDelay(1e9, { ...noJitter, jitter: 1 }, () => 2)).toBe(0);
    expect(backoffDelay(3, { ...noJitter, jitter: 1 }, () => -1)).toBe(800);
  });

  it('is always within [ceiling * (1 - jitter), min(cap, ceiling)] (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 200 }),
        fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (attempt, draw, jitter) => {
          const policy = { initialMs: 250, maxMs: 30_000, factor: 2, jitter };
          const ceiling = Math.min(30_000, 250 * 2 ** attempt);
          const delay = backoffDelay(attempt, policy, () => draw);
          expect(delay).toBeLessThanOrEqual(30_000);
          expect(delay).toBeLessThanOrEqual(Math.round(ceiling));
          expect(delay).toBeGreaterThanOrEqual(Math.floor(ceiling * (1 - jitter)));
        },
      ),
    );
  });

  it('spreads replicas out: different draws give different delays', () => {
    const delays = new Set([0.1, 0.3, 0.5, 0.7, 0.9].map((draw) => backoffDelay(5, DEFAULT_BACKOFF, () => draw)));
    expect(delays.size).toBe(5);
  });
});

describe('Backoff', () => {
  it('counts attempts and starts over after reset', () => {
    const backoff = new Backoff(noJitter);
    expect([backoff.next(), backoff.next(), backoff.next()]).toEqual([100, 200, 400]);
    expect(backoff.attempt).toBe(3);
    backoff.reset();
    expect(backoff.attempt).toBe(0);
    expect(backoff.next()).toBe(100);
  });
});
