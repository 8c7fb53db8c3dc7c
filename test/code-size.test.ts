import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

// Simple small files: no product file over 300 lines, no function over 80. Measured by oxlint's max-lines and
// max-lines-per-function rules (blank lines and comments count: a long comment is a long read too).
const root = resolve(import.meta.dirname, '..');
const MAX_FILE_LINES = 300;
const MAX_FUNCTION_LINES = 80;

interface Diagnostic {
  readonly message: string;
  readonly code: string;
  readonly filename: string;
}

const work = mkdtempSync(join(tmpdir(), 'sluice-code-size-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function oversized(): string[] {
  const config = join(work, 'oxlintrc.json');
  writeFileSync(
    config,
    JSON.stringify({
      categories: {},
      plugins: [],
      rules: {
        'max-lines': ['error', { max: MAX_FILE_LINES, skipBlankLines: false, skipComments: false }],
        'max-lines-per-function': [
          'error',
          { max: MAX_FUNCTION_LINES, skipBlankLines: false, skipComments: false, IIFEs: true },
        ],
      },
    }),
  );
  let output: string;
  try {
    output = execFileSync('npx', ['oxlint', '-c', config, '--format', 'json', 'src'], { cwd: root, encoding: 'utf8' });
  } catch (error) {
    output = (error as { stdout: string }).stdout; // oxlint exits 1 when it finds anything
  }
  const { diagnostics } = JSON.parse(output) as { diagnostics: Diagnostic[] };
  return diagnostics
    .filter((d) => !d.filename.endsWith('.test.ts'))
    .flatMap((d) => {
      if (d.code === 'eslint(max-lines)') return [d.filename];
      const name = /function `([^`]+)`/.exec(d.message);
      if (d.code === 'eslint(max-lines-per-function)') return [`${d.filename} ${name?.[1] ?? '(anonymous)'}`];
      return [];
    })
    .sort();
}

describe('code size', () => {
  const found = oversized();

  // Keys are "file" (the file is too long) or "file function" (that function is).
  it('no product file over 300 lines and no function over 80', () => {
    expect(found).toEqual([]);
  });
});
