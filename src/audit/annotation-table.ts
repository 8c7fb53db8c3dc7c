// The migration guide's annotation table, made from the annotation registry (docs/migrating-from-
// ingress-nginx.md holds exactly this text; test/migration-doc.test.ts checks it). `sluice audit
// --list-annotations` prints it too.

import { ANNOTATION_REGISTRY } from '../routing/annotations/registry.ts';
import type { AnnotationEntry } from '../routing/annotations/registry-types.ts';

function cell(text: string): string {
  return text.replaceAll('|', '\\|');
}

function statusText(entry: AnnotationEntry): string {
  return entry.status === 'noop' ? 'accepted, no effect' : entry.status;
}

export function annotationsMarkdownTable(): string {
  const rows = ANNOTATION_REGISTRY.map(
    (entry) => `| \`${cell(entry.name)}\` | ${cell(entry.family)} | ${statusText(entry)} | ${cell(entry.doc)} |`,
  );
  return ['| annotation | family | sluice | what it does in sluice |', '|---|---|---|---|', ...rows, ''].join('\n');
}
