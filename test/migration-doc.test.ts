import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { annotationsMarkdownTable } from '../src/audit/annotation-table.ts';
import { flagsMarkdownTable } from '../src/config.ts';

// docs/migrating-from-ingress-nginx.md stays true: its annotation table is the registry's, and every
// sluice flag it names exists.
const root = resolve(import.meta.dirname, '..');
const doc = readFileSync(resolve(root, 'docs/migrating-from-ingress-nginx.md'), 'utf8');

describe('migration guide', () => {
  it('lists exactly the annotations the registry knows, with their status', () => {
    expect(doc).toContain(annotationsMarkdownTable().trim());
  });

  it('names only sluice flags that exist', () => {
    const flagTable = flagsMarkdownTable();
    const mapping = doc.slice(doc.indexOf('## ingress-nginx ConfigMap keys'));
    const named = [...mapping.matchAll(/\| [^|]*\| ([^|]*)\|/g)].flatMap((row) =>
      [...row[1].matchAll(/`(--[a-z-]+)/g)].map((found) => found[1]),
    );
    expect(named.length).toBeGreaterThan(10);
    for (const flag of new Set(named)) expect(flagTable, flag).toContain(`\`${flag}`);
  });
});
