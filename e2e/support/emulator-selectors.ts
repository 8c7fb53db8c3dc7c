/** Label and field selectors with the API server's syntax and semantics. */

export type KubeObject = Record<string, any>;

interface Requirement {
  readonly key: string;
  readonly op: 'exists' | 'notexists' | 'eq' | 'neq' | 'in' | 'notin';
  readonly values: readonly string[];
}

/** Parses a labelSelector (=, ==, !=, in, notin, exists, !exists). Throws an Error with a message on bad syntax. */
export function parseLabelSelector(text: string): (labels: Record<string, string>) => boolean {
  const requirements = parseRequirements(text, true);
  return (labels) => requirements.every((r) => satisfies(r, labels[r.key]));
}

/**
 * Parses a fieldSelector (=, ==, !=) over dotted paths. `allowed` lists the field paths the kind supports;
 * any other path throws, as the real API server answers 400 "field label not supported".
 */
export function parseFieldSelector(text: string, allowed: readonly string[]): (object: KubeObject) => boolean {
  const requirements = parseRequirements(text, false);
  for (const r of requirements) {
    if (!allowed.includes(r.key)) throw new Error(`field label not supported: ${r.key}`);
  }
  return (object) => requirements.every((r) => satisfies(r, fieldValue(object, r.key)));
}

function fieldValue(object: KubeObject, path: string): string {
  let value: any = object;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object') return '';
    value = value[part];
  }
  if (value === undefined || value === null) return '';
  return String(value);
}

function satisfies(r: Requirement, value: string | undefined): boolean {
  switch (r.op) {
    case 'exists':
      return value !== undefined;
    case 'notexists':
      return value === undefined;
    case 'eq':
      return value === r.values[0];
    case 'neq':
      return value !== r.values[0];
    case 'in':
      return value !== undefined && r.values.includes(value);
    case 'notin':
      return value === undefined || !r.values.includes(value);
  }
}

/** Splits on commas that are not inside parentheses. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim()).filter((p) => p.length > 0);
}

function parseRequirements(text: string, labels: boolean): Requirement[] {
  const out: Requirement[] = [];
  for (const part of splitTopLevel(text)) out.push(parseRequirement(part, labels));
  return out;
}

const setPattern = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/;

function parseRequirement(part: string, labels: boolean): Requirement {
  if (labels) {
    const set = setPattern.exec(part);
    if (set !== null) {
      const values = set[3]
        .split(',')
        .map((v) => v.trim())
        .filter((v) => v.length > 0);
      return { key: set[1], op: set[2] === 'in' ? 'in' : 'notin', values };
    }
  }
  for (const [token, op] of [
    ['!=', 'neq'],
    ['==', 'eq'],
    ['=', 'eq'],
  ] as const) {
    const at = part.indexOf(token);
    if (at > 0) {
      const key = part.slice(0, at).trim();
      const value = part.slice(at + token.length).trim();
      checkKey(key, part);
      return { key, op, values: [value] };
    }
  }
  if (labels) {
    if (part.startsWith('!')) {
      const key = part.slice(1).trim();
      checkKey(key, part);
      return { key, op: 'notexists', values: [] };
    }
    checkKey(part, part);
    return { key: part, op: 'exists', values: [] };
  }
  throw new Error(`invalid field selector: "${part}"`);
}

const keyPattern = /^[A-Za-z0-9]([-A-Za-z0-9_./]*[A-Za-z0-9])?$/;

function checkKey(key: string, part: string): void {
  if (!keyPattern.test(key)) throw new Error(`unable to parse requirement: "${part}"`);
}
