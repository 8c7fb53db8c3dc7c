import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { flagsMarkdownTable } from '../src/config.ts';

// README.md stays true: its flag table is the one --help is made from, its commands exist (links: docs-links.test.ts).
const root = resolve(import.meta.dirname, '..');
const readme = readFileSync(resolve(root, 'README.md'), 'utf8');

describe('README', () => {
  it('lists exactly the flags the parser knows', () => {
    expect(readme).toContain(flagsMarkdownTable().trim());
  });

  it('has no unfilled placeholder sections', () => {
    expect(readme).not.toMatch(/^[A-Z_]+_(SECTION|TABLE)$/m);
  });

  it('its quick-start and test commands are the package scripts CI runs', () => {
    const pkg = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8'));
    expect(readme).toContain('npm ci && npm start');
    expect(readme).toContain('npm ci && npm test');
    expect(pkg.scripts.start).toBeDefined();
    expect(readFileSync(resolve(root, '.ci/run'), 'utf8')).toMatch(/^npm ci\b[\s\S]*npm test/m);
  });
});
