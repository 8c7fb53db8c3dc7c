// One entry per annotation: its name, what sluice does with it, a one-line doc, and how its value
// is read into the Ingress's policy draft. The migration table in the docs is generated from these.

import type { PolicyDraft } from './draft.ts';

/** What sluice does with an annotation: honours it, honours part of it, refuses it, or accepts it without effect. */
export type AnnotationStatus = 'supported' | 'partial' | 'unsupported' | 'noop';

/** What reading one value found: null when all of it is honoured. */
export type ApplyResult =
  | null
  | { readonly invalid: string }
  | { readonly partial: string }
  | { readonly unsupported: string };

export interface AnnotationEntry {
  /** Full name, e.g. "nginx.ingress.kubernetes.io/rewrite-target". */
  readonly name: string;
  /** Group in the migration table: "rewrite", "redirect", "access", ... */
  readonly family: string;
  readonly status: AnnotationStatus;
  readonly doc: string;
  /** Reads the (trimmed) value into the draft; absent for unsupported entries. */
  readonly apply: ((value: string, draft: PolicyDraft, field: string) => ApplyResult) | null;
  /** Another annotation this one only has an effect with (e.g. cors-* need enable-cors: "true"). */
  readonly requires?: { readonly name: string; readonly enabled: (draft: PolicyDraft) => boolean };
}

export const NGINX = 'nginx.ingress.kubernetes.io/';
export const SLUICE = 'sluice.dev/';

export function invalid(expected: string): ApplyResult {
  return { invalid: expected };
}
