// Building status conditions as data: every one carries the object's generation (observedGeneration).

import type { Condition } from './types.ts';

export function condition(
  type: string,
  ok: boolean,
  reason: string,
  message: string,
  observedGeneration: number,
): Condition {
  return Object.freeze({ type, status: ok ? 'True' : 'False', reason, message, observedGeneration });
}

/** A listener's or route's condition before the generation is known: [ok, reason, message]. */
export type Verdict = readonly [ok: boolean, reason: string, message: string];

export function verdictCondition(type: string, verdict: Verdict, generation: number): Condition {
  return condition(type, verdict[0], verdict[1], verdict[2], generation);
}
