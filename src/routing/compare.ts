// Deterministic orderings: plain code-unit comparison, never locale-dependent.

export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function compareNumber(a: number, b: number): number {
  return a - b;
}
