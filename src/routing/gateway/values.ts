// Small readers for Gateway API values: durations, label selectors, generations and timestamps.

import { readArray, readRecord, readString } from '../kube-read.ts';

const DURATION = /^(?:[0-9]{1,5}(?:h|ms|m|s)){1,4}$/;
const PART = /([0-9]{1,5})(h|ms|m|s)/g;
const UNIT_MS: Readonly<Record<string, number>> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };

/** Gateway API Duration ("1h30m", "500ms") in ms, or null when it is not one (GEP-2257). */
export function parseGatewayDuration(text: string): number | null {
  if (!DURATION.test(text)) return null;
  let total = 0;
  for (const part of text.matchAll(PART)) total += Number(part[1]) * UNIT_MS[part[2]];
  return total;
}

/** metav1.LabelSelector: matchLabels and matchExpressions (In, NotIn, Exists, DoesNotExist). */
export function selectorMatches(selector: unknown, labels: Readonly<Record<string, unknown>>): boolean {
  const matchLabels = readRecord(selector, 'matchLabels');
  if (matchLabels !== null) {
    for (const [key, value] of Object.entries(matchLabels)) if (labels[key] !== value) return false;
  }
  for (const expression of readArray(selector, 'matchExpressions') ?? []) {
    const key = readString(expression, 'key') ?? '';
    const values = (readArray(expression, 'values') ?? []).filter((v) => typeof v === 'string');
    const has = typeof labels[key] === 'string';
    const operator = readString(expression, 'operator');
    if (operator === 'In' && !(has && values.includes(labels[key] as string))) return false;
    if (operator === 'NotIn' && has && values.includes(labels[key] as string)) return false;
    if (operator === 'Exists' && !has) return false;
    if (operator === 'DoesNotExist' && has) return false;
    if (operator !== 'In' && operator !== 'NotIn' && operator !== 'Exists' && operator !== 'DoesNotExist') return false;
  }
  return true;
}

export function labelsOf(object: unknown): Readonly<Record<string, unknown>> {
  const labels = readRecord(readRecord(object, 'metadata'), 'labels');
  return labels ?? {};
}

export function generationOf(object: unknown): number {
  const value = readRecord(object, 'metadata')?.generation;
  return typeof value === 'number' && Number.isInteger(value) ? value : 0;
}

export function createdOf(object: unknown): string {
  return readString(readRecord(object, 'metadata'), 'creationTimestamp') ?? '';
}
