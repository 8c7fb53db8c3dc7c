import { FLAGS } from './flags.ts';

/** "unknown flag --htp-port (did you mean --http-port?)": the closest flag within two edits. */
export function unknownFlag(token: string): string {
  const name = token.replace(/^-+/, '').split('=')[0];
  let best: string | null = null;
  let bestDistance = 3;
  for (const spec of FLAGS) {
    const distance = editDistance(name, spec.name);
    if (distance < bestDistance) {
      best = spec.name;
      bestDistance = distance;
    }
  }
  return best === null ? `unknown flag ${token}` : `unknown flag ${token} (did you mean --${best}?)`;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j] + 1, current[j - 1] + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length];
}
