import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// The layering of docs/architecture.md, checked by reading every import in src/.
const root = resolve(import.meta.dirname, '..');
const src = join(root, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !isTestCode(entry.name) ? [path] : [];
  });
}

/** Unit tests live beside the code they test; every test helper lives in test/support/. */
function isTestCode(name: string): boolean {
  return name.endsWith('.test.ts');
}

const importPattern =
  /^\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|^\s*import\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/gm;

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(importPattern)].map((m) => m[1] ?? m[2] ?? m[3]);
}

/** Top-level area of a file under src/: 'routing', 'proxy', …, or 'main.ts' for root files. */
function areaOf(absolute: string): string {
  const rel = relative(src, absolute);
  return rel.includes('/') ? rel.slice(0, rel.indexOf('/')) : rel;
}

const forbidden: Record<string, (target: string) => boolean> = {
  routing: (t) => t !== 'routing',
  proxy: (t) => t === 'kube' || t === 'main.ts',
  admin: (t) => t === 'kube' || t === 'main.ts',
  kube: (t) => t === 'proxy' || t === 'admin' || t === 'main.ts',
  controller: (t) => t !== 'controller' && t !== 'routing' && t !== 'util',
  telemetry: (t) => t === 'kube' || t === 'admin' || t === 'app' || t === 'main.ts',
  util: (t) => t !== 'util',
};

describe('import rules', () => {
  const files = sourceFiles(src);

  it('finds the source files, and only shipped ones', () => {
    expect(files.length).toBeGreaterThan(5);
    expect(files.some((f) => f.endsWith('src/routing/build.ts'))).toBe(true);
    expect(files.filter((f) => /test/.test(relative(src, f)))).toEqual([]);
  });

  it('routing/ is pure: no node:* or package imports but re2js (linear-time regexes, pure code)', () => {
    const offenders = files
      .filter((f) => areaOf(f) === 'routing')
      .flatMap((f) =>
        importsOf(f)
          .filter((i) => !i.startsWith('.') && i !== 're2js')
          .map((i) => `${relative(root, f)} imports ${i}`),
      );
    expect(offenders).toEqual([]);
  });

  it('src/ holds no test helper: every non-test file is imported by shipped code or is an entry point', () => {
    // kube/client-node-slim.ts's resolve hook loads its two stand-ins by URL.
    const entryPoints = new Set([
      'main.ts',
      'app/edge-worker.ts',
      'kube/client-node-gen.ts',
      'kube/client-node-serializer.ts',
    ]);
    const imported = new Set<string>();
    for (const file of files) {
      for (const spec of importsOf(file)) if (spec.startsWith('.')) imported.add(resolve(dirname(file), spec));
    }
    const orphans = files.filter((f) => !imported.has(f) && !entryPoints.has(relative(src, f)));
    expect(orphans.map((f) => relative(root, f))).toEqual([]);
  });

  it('no area imports what docs/architecture.md forbids', () => {
    const offenders: string[] = [];
    for (const file of files) {
      const rule = forbidden[areaOf(file)];
      if (!rule) continue;
      for (const spec of importsOf(file)) {
        if (!spec.startsWith('.')) continue;
        const target = areaOf(resolve(dirname(file), spec));
        if (rule(target)) offenders.push(`${relative(root, file)} imports ${spec}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
