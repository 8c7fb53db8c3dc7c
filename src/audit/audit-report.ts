// The audit's findings, from a snapshot alone (pure): for every Ingress this controller would own,
// each sluice.dev/ and nginx.ingress.kubernetes.io/ annotation with what sluice does with it, plus
// the build's notes on paths the annotations change (regex hosts, canaries without a main Ingress).

import type { AnnotationReport } from '../routing/annotations.ts';
import { build } from '../routing/build.ts';
import type { BuildOptions, BuildResult, Problem, Snapshot } from '../routing/types.ts';

export type AuditStatus = AnnotationReport['status'];

export interface AuditNote {
  readonly field: string;
  readonly code: string;
  readonly message: string;
}

export interface AuditedIngress {
  readonly namespace: string;
  readonly name: string;
  readonly annotations: readonly AnnotationReport[];
  readonly notes: readonly AuditNote[];
}

export interface AuditResult {
  readonly ingresses: readonly AuditedIngress[];
  readonly summary: Readonly<Record<AuditStatus, number>> & { readonly ingresses: number };
}

/** Build problems that say an annotation changes how some path behaves. */
const NOTE_CODES: ReadonlySet<string> = new Set(['HostMatchedAsRegex', 'CanaryWithoutMain']);

function isNote(problem: Problem): boolean {
  return NOTE_CODES.has(problem.code) || (problem.code === 'AnnotationValueInvalid' && problem.field.endsWith('.path'));
}

export function auditSnapshot(snapshot: Snapshot, options: BuildOptions): AuditResult {
  return auditBuild(build(snapshot, options));
}

/**
 * The audit of a build's owned Ingresses, from the reports its translation made (never read twice): the
 * `audit` command and the status page (admin /api/v1/ingresses) both show this.
 */
export function auditBuild(result: BuildResult): AuditResult {
  const notes = new Map<string, AuditNote[]>();
  for (const each of result.problems) {
    if (each.object.kind !== 'Ingress' || !isNote(each)) continue;
    const key = `${each.object.namespace}/${each.object.name}`;
    const list = notes.get(key) ?? [];
    list.push({ field: each.field, code: each.code, message: each.message });
    notes.set(key, list);
  }
  const ingresses: AuditedIngress[] = [];
  const summary = { ingresses: 0, supported: 0, partial: 0, unsupported: 0, invalid: 0 };
  for (const key of result.ownedIngresses) {
    const slash = key.indexOf('/');
    const annotations = result.annotationReports?.get(key) ?? NONE;
    ingresses.push({
      namespace: key.slice(0, slash),
      name: key.slice(slash + 1),
      annotations,
      notes: notes.get(key) ?? NONE,
    });
    summary.ingresses++;
    for (const each of annotations) summary[each.status]++;
  }
  return { ingresses, summary };
}

const NONE: readonly never[] = Object.freeze([]);

/** The text report: one block per Ingress, one line per annotation, then a summary line. */
export function auditText(audit: AuditResult): string {
  const lines: string[] = [];
  for (const ingress of audit.ingresses) {
    lines.push(`${ingress.namespace}/${ingress.name}`);
    if (ingress.annotations.length === 0) lines.push('  (no sluice.dev/ or nginx.ingress.kubernetes.io/ annotations)');
    const width = Math.max(0, ...ingress.annotations.map((each) => each.name.length));
    for (const each of ingress.annotations)
      lines.push(`  ${each.name.padEnd(width)}  ${each.status.padEnd(11)}  ${each.message}`);
    for (const note of ingress.notes) lines.push(`  note: ${note.field}: ${note.message}`);
  }
  const s = audit.summary;
  lines.push(
    `${lines.length > 0 ? '\n' : ''}summary: ${s.ingresses} Ingress(es); annotations: ${s.supported} supported, ${s.partial} partial, ${s.unsupported} unsupported, ${s.invalid} invalid`,
  );
  return `${lines.join('\n')}\n`;
}
