// The audit's findings, from a snapshot alone (pure): for every Ingress this controller would own,
// each sluice.dev/ and nginx.ingress.kubernetes.io/ annotation with what sluice does with it, plus
// the build's notes on paths the annotations change (regex hosts, canaries without a main Ingress).

import { readPolicyAnnotations, type AnnotationReport } from '../routing/annotations.ts';
import { build } from '../routing/build.ts';
import { indexObjects, nameObject } from '../routing/object-index.ts';
import type { BuildOptions, Problem, Snapshot } from '../routing/types.ts';

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
  const result = build(snapshot, options);
  const owned = new Set(result.ownedIngresses);
  const configMaps = indexObjects('ConfigMap', snapshot.configMaps ?? [], true, []);
  const ingresses: AuditedIngress[] = [];
  const summary = { ingresses: 0, supported: 0, partial: 0, unsupported: 0, invalid: 0 };
  for (const object of snapshot.ingresses) {
    const named = nameObject('Ingress', object, true, []);
    if (named === null || !owned.has(named.key)) continue;
    const annotations = readPolicyAnnotations(named, [], configMaps).reports;
    const notes = result.problems
      .filter(
        (each) => each.object.namespace === named.ref.namespace && each.object.name === named.ref.name && isNote(each),
      )
      .map((each) => ({ field: each.field, code: each.code, message: each.message }));
    ingresses.push({ namespace: named.ref.namespace, name: named.ref.name, annotations, notes });
    summary.ingresses++;
    for (const each of annotations) summary[each.status]++;
  }
  ingresses.sort((a, b) => (a.namespace + '/' + a.name < b.namespace + '/' + b.name ? -1 : 1));
  return { ingresses, summary };
}

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
