// Freezes plain data all the way down, including Map and Set contents (whose mutators are not
// covered by Object.freeze, so they are replaced by throwing stubs on the instance).

function refuse(): never {
  throw new TypeError('frozen routing data cannot be changed');
}

// An already frozen object is taken to be deeply frozen: the builder only embeds fresh objects and
// its own deeply frozen constants, and the output has no cycles. Shared objects are visited once.
export function deepFreeze<T>(value: T): T {
  freezeValue(value);
  return value;
}

function freezeEntry(entry: unknown, key: unknown): void {
  freezeValue(key);
  freezeValue(entry);
}

function freezeValue(value: unknown): void {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return;
  if (value instanceof Map) {
    value.forEach(freezeEntry);
    Object.defineProperties(value, { set: { value: refuse }, delete: { value: refuse }, clear: { value: refuse } });
  } else if (value instanceof Set) {
    for (const entry of value) freezeValue(entry);
    Object.defineProperties(value, { add: { value: refuse }, delete: { value: refuse }, clear: { value: refuse } });
  } else if (Array.isArray(value)) {
    // By index: Object.keys of a long array would make a string per element.
    for (let i = 0; i < value.length; i++) freezeValue(value[i]);
  } else {
    for (const key of Object.keys(value)) freezeValue((value as Record<string, unknown>)[key]);
  }
  Object.freeze(value);
}
