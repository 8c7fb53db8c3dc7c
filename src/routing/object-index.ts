// Names objects and indexes them by "namespace/name". Objects without a usable name are reported
// and skipped; duplicates (same kind and key) are reported and both dropped, so the result never
// depends on which of them arrived first.

import { isRecord, readRecord, readString } from './kube-read.ts';
import { problem } from './problems.ts';
import type { KubeObject, ObjectRef, Problem } from './types.ts';

export interface Named {
  readonly ref: ObjectRef;
  /** "namespace/name", or "name" for cluster-scoped objects. */
  readonly key: string;
  readonly object: KubeObject;
}

/** Namespaced objects with no metadata.namespace are taken to be in "default", as kubectl does. */
export const DEFAULT_NAMESPACE = 'default';

export function nameObject(kind: string, object: unknown, namespaced: boolean, problems: Problem[]): Named | null {
  const metadata = readRecord(object, 'metadata');
  const name = readString(metadata, 'name');
  const rawNamespace = metadata === null ? undefined : metadata.namespace;
  const namespace = namespaced
    ? rawNamespace === undefined || rawNamespace === ''
      ? DEFAULT_NAMESPACE
      : rawNamespace
    : '';
  if (!isRecord(object) || name === null || name === '' || typeof namespace !== 'string') {
    const ref: ObjectRef = { kind, namespace: typeof namespace === 'string' ? namespace : '', name: name ?? '' };
    problems.push(
      problem('ObjectInvalid', ref, 'metadata', `${kind} has no usable metadata.name or metadata.namespace`),
    );
    return null;
  }
  // The ref ends up in routes and problems, which are frozen output: created frozen, never walked again.
  return { ref: Object.freeze({ kind, namespace, name }), key: namespaced ? `${namespace}/${name}` : name, object };
}

export function indexObjects(
  kind: string,
  objects: readonly unknown[],
  namespaced: boolean,
  problems: Problem[],
): Map<string, Named> {
  const index = new Map<string, Named>();
  const duplicates = new Set<string>();
  const list = Array.isArray(objects) ? objects : [];
  for (let i = 0; i < list.length; i++) {
    const named = nameObject(kind, list[i], namespaced, problems);
    if (named === null) continue;
    // One lookup, not has + set: a repeated key (all its objects are dropped below) does not grow the map.
    const size = index.size;
    index.set(named.key, named);
    if (index.size === size) duplicates.add(named.key);
  }
  for (const key of duplicates) {
    const named = index.get(key);
    index.delete(key);
    if (named !== undefined) {
      problems.push(
        problem(
          'DuplicateObject',
          named.ref,
          'metadata.name',
          `more than one ${kind} is named ${key}; all are ignored`,
        ),
      );
    }
  }
  return index;
}
