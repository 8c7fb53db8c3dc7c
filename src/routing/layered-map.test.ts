import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LayeredMap } from './layered-map.ts';

const keys = Array.from({ length: 64 }, (_, i) => `host-${i}.example`);

describe('LayeredMap', () => {
  it('reads as a plain map after any sequence of changes, and every earlier version stays as it was', () => {
    const change = fc.tuple(fc.constantFrom(...keys), fc.option(fc.integer(), { nil: null }));
    fc.assert(
      fc.property(fc.array(fc.array(change, { maxLength: 6 }), { maxLength: 40 }), (batches) => {
        // A base of 48 keys, so small batches stay in the top layer and larger runs fold into a new base.
        const model = new Map(keys.slice(0, 48).map((key, i) => [key, i]));
        let map = new LayeredMap(new Map(model));
        const versions: [LayeredMap<number>, Map<string, number>][] = [[map, new Map(model)]];
        for (const batch of batches) {
          const changes = new Map(batch);
          map = map.with(changes);
          for (const [key, value] of changes) {
            if (value === null) model.delete(key);
            else model.set(key, value);
          }
          versions.push([map, new Map(model)]);
        }
        for (const [version, expected] of versions)
          for (const key of keys) expect(version.get(key)).toBe(expected.get(key));
      }),
      { numRuns: 300 },
    );
  });

  it('returns itself for no changes', () => {
    const map = new LayeredMap(new Map([['a', 1]]));
    expect(map.with(new Map())).toBe(map);
  });
});
