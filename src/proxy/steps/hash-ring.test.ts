import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HashRing } from './hash-ring.ts';

const KEYS = Array.from({ length: 20_000 }, (_, i) => `/user/${i}?session=${(i * 7919) % 10007}`);

describe('HashRing (upstream-hash-by)', () => {
  it('moves at most 1.5/N of the keys when one of N endpoints leaves (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 24 }), fc.nat(), (n, pick) => {
        const ids = Array.from({ length: n }, (_, i) => `10.${i >> 8}.${i & 255}.7:8080`);
        const before = new HashRing(ids);
        const leaving = ids[pick % n];
        const after = new HashRing(ids.filter((id) => id !== leaving));
        const movedFrom = KEYS.filter((key) => before.lookup(key) !== after.lookup(key)).map((key) =>
          before.lookup(key),
        );
        // Only the leaving endpoint's keys move, and they are at most 1.5/N of all keys.
        expect(new Set(movedFrom).size).toBeLessThanOrEqual(1);
        expect(movedFrom.every((id) => id === leaving)).toBe(true);
        expect(movedFrom.length / KEYS.length).toBeLessThanOrEqual(1.5 / n);
      }),
      { numRuns: 25 },
    );
  });

  it('spreads keys over every endpoint and is stable across rebuilds', () => {
    const ids = ['a:1', 'b:1', 'c:1', 'd:1'];
    const ring = new HashRing(ids);
    const counts = new Map<string, number>();
    for (const key of KEYS) counts.set(ring.lookup(key)!, (counts.get(ring.lookup(key)!) ?? 0) + 1);
    for (const id of ids) expect(counts.get(id)! / KEYS.length).toBeGreaterThan(0.15);
    expect(new HashRing([...ids].reverse()).lookup('/x')).toBe(ring.lookup('/x'));
    expect(new HashRing([]).lookup('/x')).toBeNull();
  });
});
