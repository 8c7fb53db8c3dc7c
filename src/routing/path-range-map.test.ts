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
        const answers: [boolean, boolean][] = [];
        for (const [name, k, value] of ops) {
          if (name === 'clone') {
            snapshots.push([map, new Map(model)]);
            map = map.clone();
            model = new Map(model);
            continue;
          }
          const expected = name === 'add' ? !model.has(k) : model.has(k);
          answers.push([name === 'add' ? map.add(k, value) : map.delete(k), expected]);
          if (name === 'delete') model.delete(k);
          else if (expected) model.set(k, value);
        }
        expect(answers.map(([actual]) => actual)).toEqual(answers.map(([, expected]) => expected));
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
