/** JSON merge patch (RFC 7386) and JSON patch (RFC 6902), as the API server applies them. */

type Json = any;

function isPlainObject(value: Json): value is Record<string, Json> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** RFC 7386: objects merge key by key, `null` deletes, anything else (arrays too) replaces. */
export function applyMergePatch(target: Json, patch: Json): Json {
  if (!isPlainObject(patch)) return structuredClone(patch);
  const result: Record<string, Json> = isPlainObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = applyMergePatch(result[key], value);
  }
  return result;
}

/** Thrown when a JSON patch cannot be applied; the emulator answers 422 (or 409 for a failed `test`). */
export class PatchError extends Error {
  readonly testFailed: boolean;
  constructor(message: string, testFailed = false) {
    super(message);
    this.testFailed = testFailed;
  }
}

interface Operation {
  op: string;
  path: string;
  from?: string;
  value?: Json;
}

function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new PatchError(`invalid JSON pointer "${pointer}"`);
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replaceAll('~1', '/').replaceAll('~0', '~'));
}

function resolveParent(doc: Json, tokens: string[], pointer: string): Json {
  let node = doc;
  for (const token of tokens.slice(0, -1)) {
    if (node === null || typeof node !== 'object' || !(token in node)) {
      throw new PatchError(`path "${pointer}" does not exist`);
    }
    node = node[token];
  }
  if (node === null || typeof node !== 'object') throw new PatchError(`path "${pointer}" does not exist`);
  return node;
}

function getAt(doc: Json, pointer: string): Json {
  let node = doc;
  for (const token of parsePointer(pointer)) {
    if (node === null || typeof node !== 'object' || !(token in node)) {
      throw new PatchError(`path "${pointer}" does not exist`);
    }
    node = node[token];
  }
  return node;
}

function arrayIndex(parent: Json[], token: string, pointer: string, forInsert: boolean): number {
  if (forInsert && token === '-') return parent.length;
  const index = Number(token);
  const limit = forInsert ? parent.length : parent.length - 1;
  if (!/^(0|[1-9][0-9]*)$/.test(token) || index > limit) throw new PatchError(`bad array index in "${pointer}"`);
  return index;
}

function addAt(doc: Json, pointer: string, value: Json): Json {
  const tokens = parsePointer(pointer);
  if (tokens.length === 0) return value;
  const parent = resolveParent(doc, tokens, pointer);
  const last = tokens[tokens.length - 1];
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, last, pointer, true), 0, value);
  else parent[last] = value;
  return doc;
}

function removeAt(doc: Json, pointer: string): Json {
  const tokens = parsePointer(pointer);
  if (tokens.length === 0) throw new PatchError('cannot remove the whole document');
  const parent = resolveParent(doc, tokens, pointer);
  const last = tokens[tokens.length - 1];
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, last, pointer, false), 1);
  else {
    if (!(last in parent)) throw new PatchError(`path "${pointer}" does not exist`);
    delete parent[last];
  }
  return doc;
}

/** RFC 6902 on a copy of `target`. */
export function applyJsonPatch(target: Json, operations: Json): Json {
  if (!Array.isArray(operations)) throw new PatchError('a JSON patch must be an array of operations');
  let doc = structuredClone(target);
  for (const raw of operations as Operation[]) {
    if (!isPlainObject(raw) || typeof raw.op !== 'string' || typeof raw.path !== 'string') {
      throw new PatchError('each JSON patch operation needs "op" and "path"');
    }
    switch (raw.op) {
      case 'add':
        doc = addAt(doc, raw.path, structuredClone(raw.value));
        break;
      case 'remove':
        doc = removeAt(doc, raw.path);
        break;
      case 'replace':
        getAt(doc, raw.path);
        doc =
          raw.path === ''
            ? structuredClone(raw.value)
            : addAt(removeAt(doc, raw.path), raw.path, structuredClone(raw.value));
        break;
      case 'move': {
        const value = getAt(doc, raw.from ?? '');
        doc = addAt(removeAt(doc, raw.from ?? ''), raw.path, value);
        break;
      }
      case 'copy':
        doc = addAt(doc, raw.path, structuredClone(getAt(doc, raw.from ?? '')));
        break;
      case 'test':
        if (JSON.stringify(getAt(doc, raw.path)) !== JSON.stringify(raw.value)) {
          throw new PatchError(`test operation failed at "${raw.path}"`, true);
        }
        break;
      default:
        throw new PatchError(`unknown JSON patch operation "${raw.op}"`);
    }
  }
  return doc;
}
