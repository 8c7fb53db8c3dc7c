// A small reader of the Prometheus text format, for tests that compare scrapes by shape.

export interface ExposedSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface ExposedFamily {
  readonly name: string;
  help: string;
  type: string;
  readonly samples: ExposedSample[];
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** Families by name; samples (`_bucket`, `_sum`, `_count` included) go to the family declared before them. */
export function parseExposition(text: string): Map<string, ExposedFamily> {
  const families = new Map<string, ExposedFamily>();
  let current: ExposedFamily | null = null;
  const family = (name: string): ExposedFamily => {
    let found = families.get(name);
    if (found === undefined) families.set(name, (found = { name, help: '', type: '', samples: [] }));
    return found;
  };
  for (const line of text.split('\n')) {
    const help = /^# HELP (\S+) (.*)$/.exec(line);
    if (help !== null) {
      current = family(help[1]);
      current.help = help[2];
      continue;
    }
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type !== null) {
      current = family(type[1]);
      current.type = type[2];
      continue;
    }
    if (line.startsWith('#') || line.trim() === '') continue;
    const sample = SAMPLE.exec(line);
    if (sample === null) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const m of (sample[2] ?? '').matchAll(LABEL)) labels[m[1]] = m[2];
    const owner = current !== null && sample[1].startsWith(current.name) ? current : family(sample[1]);
    owner.samples.push({ name: sample[1], labels, value: Number(sample[3]) });
  }
  return families;
}

/** The label names of a family's samples, without `le` and `quantile`, sorted. */
export function labelNames(family: ExposedFamily): string[] {
  const names = new Set<string>();
  for (const s of family.samples)
    for (const n of Object.keys(s.labels)) if (n !== 'le' && n !== 'quantile') names.add(n);
  return [...names].sort();
}

/** The histogram's bucket bounds as numbers ("1e+06" and "1000000" are the same), sorted. */
export function bucketBounds(family: ExposedFamily): number[] {
  const bounds = new Set<number>();
  for (const s of family.samples) if (s.name.endsWith('_bucket')) bounds.add(Number(s.labels.le));
  return [...bounds].sort((a, b) => a - b);
}
