import { describe, expect, it } from 'vitest';
import { WeightedDecisions } from './weighted-decisions.ts';

describe('WeightedDecisions', () => {
  it('maps [0, 1) onto the choices in proportion to their weights', () => {
    const choices = new WeightedDecisions(['a', 'b'], [70, 30]);
    expect(choices.pick(0)).toBe('a');
    expect(choices.pick(0.69)).toBe('a');
    expect(choices.pick(0.7)).toBe('b');
    expect(choices.pick(0.999)).toBe('b');
    const counts = { a: 0, b: 0 };
    for (let i = 0; i < 1000; i++) counts[choices.pick(i / 1000) as 'a' | 'b'] += 1;
    expect(counts).toEqual({ a: 700, b: 300 });
  });
});
