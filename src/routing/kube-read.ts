// Safe readers for Kubernetes objects as received: every field may be missing or of the wrong type.
// Each reader returns a typed value or a neutral fallback; none throws.

export type Fields = Readonly<Record<string, unknown>>;

export function isRecord(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The object at `key`, or null when absent or not an object. */
export function readRecord(from: unknown, key: string): Fields | null {
  if (!isRecord(from)) return null;
  const value = from[key];
  return isRecord(value) ? value : null;
}

/** The array at `key`, or null when absent or not an array. */
export function readArray(from: unknown, key: string): readonly unknown[] | null {
  if (!isRecord(from)) return null;
  const value = from[key];
  return Array.isArray(value) ? value : null;
}

/** The string at `key`, or null when absent or not a string. */
export function readString(from: unknown, key: string): string | null {
  if (!isRecord(from)) return null;
  const value = from[key];
  return typeof value === 'string' ? value : null;
}

/** The boolean at `key`, or null when absent or not a boolean. */
export function readBoolean(from: unknown, key: string): boolean | null {
  if (!isRecord(from)) return null;
  const value = from[key];
  return typeof value === 'boolean' ? value : null;
}

/** The value at `key` as it is, or undefined. */
export function readValue(from: unknown, key: string): unknown {
  return isRecord(from) ? from[key] : undefined;
}

/** True when `key` is present with any value other than undefined. */
export function hasField(from: unknown, key: string): boolean {
  return isRecord(from) && from[key] !== undefined;
}

/** metadata.annotations[name] when it is a string, else null. */
export function readAnnotation(object: unknown, name: string): string | null {
  return readString(readRecord(readRecord(object, 'metadata'), 'annotations'), name);
}

/** metadata.labels[name] when it is a string, else null. */
export function readLabel(object: unknown, name: string): string | null {
  return readString(readRecord(readRecord(object, 'metadata'), 'labels'), name);
}

/** A short, printable rendering of an unexpected value for problem messages. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(clip(value, 64));
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** Long user strings are cut in messages so one huge field cannot bloat every output. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…(${text.length} chars)`;
}
