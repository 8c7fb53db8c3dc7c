// Freezes plain data all the way down, including Map and Set contents (whose mutators are not
// covered by Object.freeze, so they are replaced by throwing stubs on the instance).

function refuse(): never {
  throw new TypeError('frozen routing data cannot be changed');
}

export function deepFreeze<T>(value: T): T {
  freezeValue(value, new Set());
  return value;
}

function freezeValue(value: unknown, seen: Set<object>): void {
  if (typeof value !== 'object' || value === null || seen.has(value)) return;
  seen.add(value);
  if (value instanceof Map) {
    for (const [key, entry] of value) {
      freezeValue(key, seen);
      freezeValue(entry, seen);
    }
    Object.defineProperties(value, { set: { value: refuse }, delete: { value: refuse }, clear: { value: refuse } });
  } else if (value instanceof Set) {
    for (const entry of value) freezeValue(entry, seen);
    Object.defineProperties(value, { add: { value: refuse }, delete: { value: refuse }, clear: { value: refuse } });
  } else {
    for (const key of Object.keys(value)) freezeValue((value as Record<string, unknown>)[key], seen);
  }
  Object.freeze(value);
}
