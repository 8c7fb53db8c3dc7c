import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RangeMap } from './path-range-map.ts';

describe('RangeMap add, delete and clone', () => {
  it('reads as a plain map (first value kept) and a clone is unchanged by later changes to either', () => {
    const key = fc.constantFrom('', 'a', 'ab', 'example.com', 'x.example.com', 'ba');
    const op = fc.tuple(fc.constantFrom('add', 'delete', 'clone'), key, fc.integer());
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        let map = new RangeMap<number>();
        let model = new Map<string, number>();
        const snapshots: [RangeMap<number>, Map<string, number>][] = [];
        for (const [name, k, value] of ops) {
          if (name === 'add') {
            expect(map.add(k, value)).toBe(!model.has(k));
            if (!model.has(k)) model.set(k, value);
          } else if (name === 'delete') {
            expect(map.delete(k)).toBe(model.delete(k));
          } else {
            snapshots.push([map, new Map(model)]);
            map = map.clone();
            model = new Map(model);
          }
        }
        snapshots.push([map, model]);
        for (const [version, expected] of snapshots) {
          expect(version.size).toBe(expected.size);
          for (const k of ['', 'a', 'ab', 'example.com', 'x.example.com', 'ba'])
            expect(version.get(`-${k}-`, 1, k.length + 1)).toBe(expected.get(k));
        }
      }),
      { numRuns: 300 },
    );
  });
});
