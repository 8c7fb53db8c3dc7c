// Deterministic orderings: plain code-unit comparison, never locale-dependent.

export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function isDigitCode(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** Text order where digit runs compare as numbers: "paths[2]" before "paths[10]". */
export function compareNatural(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(j);
    if (isDigitCode(ca) && isDigitCode(cb)) {
      let endA = i;
      let endB = j;
      while (endA < a.length && isDigitCode(a.charCodeAt(endA))) endA++;
      while (endB < b.length && isDigitCode(b.charCodeAt(endB))) endB++;
      const byNumber = Number(a.slice(i, endA)) - Number(b.slice(j, endB)) || endA - i - (endB - j);
      if (byNumber !== 0) return byNumber;
      i = endA;
      j = endB;
      continue;
    }
    if (ca !== cb) return ca - cb;
    i++;
    j++;
  }
  return a.length - i - (b.length - j);
}

const SMALL_SORT = 16;

/**
 * Sorts in place. Short lists (most hosts have a few routes, most Services a few endpoints) use an
 * insertion sort: Array.prototype.sort allocates kilobytes of work space per call, which adds up
 * over thousands of calls per build.
 */
export function sortInPlace<T>(list: T[], compare: (a: T, b: T) => number): T[] {
  if (list.length > SMALL_SORT) return list.sort(compare);
  for (let i = 1; i < list.length; i++) {
    const item = list[i];
    let j = i - 1;
    while (j >= 0 && compare(list[j], item) > 0) {
      list[j + 1] = list[j];
      j--;
    }
    list[j + 1] = item;
  }
  return list;
}
