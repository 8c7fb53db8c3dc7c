// routing-semantics §1: which Ingresses are ours.

import { readAnnotation, readRecord, readString, readValue } from './kube-read.ts';
import type { Named } from './object-index.ts';
import type { BuildOptions } from './types.ts';

export const LEGACY_CLASS_ANNOTATION = 'kubernetes.io/ingress.class';
export const DEFAULT_CLASS_ANNOTATION = 'ingressclass.kubernetes.io/is-default-class';

export interface ClassSelection {
  /** Names of the IngressClasses whose spec.controller is ours. */
  readonly owned: ReadonlySet<string>;
  /** True when an owned class is marked as the cluster default. */
  readonly ownedDefault: boolean;
}

export function selectClasses(classes: ReadonlyMap<string, Named>, options: BuildOptions): ClassSelection {
  const owned = new Set<string>();
  let ownedDefault = false;
  for (const named of classes.values()) {
    if (readString(readRecord(named.object, 'spec'), 'controller') !== options.controllerClass) continue;
    owned.add(named.ref.name);
    if (readAnnotation(named.object, DEFAULT_CLASS_ANNOTATION) === 'true') ownedDefault = true;
  }
  return { owned, ownedDefault };
}

export function isOwnedIngress(ingress: unknown, selection: ClassSelection, options: BuildOptions): boolean {
  const className = readValue(readRecord(ingress, 'spec'), 'ingressClassName');
  if (className !== undefined && className !== null && className !== '') {
    return typeof className === 'string' && selection.owned.has(className);
  }
  const legacyClass = readValue(readRecord(readRecord(ingress, 'metadata'), 'annotations'), LEGACY_CLASS_ANNOTATION);
  if (legacyClass !== undefined && legacyClass !== null && legacyClass !== '')
    return legacyClass === options.ingressClass;
  return selection.ownedDefault || options.watchIngressWithoutClass;
}
