import type { Snapshot } from './types.ts';

/** A source before its first list: no objects of any kind (frozen all the way down). */
export const EMPTY_SNAPSHOT: Snapshot = Object.freeze({
  ingressClasses: Object.freeze([]),
  ingresses: Object.freeze([]),
  services: Object.freeze([]),
  endpointSlices: Object.freeze([]),
  secrets: Object.freeze([]),
});
