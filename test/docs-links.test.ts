import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// The documentation stands alone: every relative link in README.md and docs/ resolves to a file (and a
// heading, when it names one), and every `routing-semantics §N` cited in code names a numbered heading.
const root = resolve(import.meta.dirname, '..');

function filesUnder(dir: string, keep: (name: string) => boolean): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : filesUnder(path, keep);
    return keep(entry.name) ? [path] : [];
  });
}

const markdownFiles = [
  join(root, 'README.md'),
  join(root, 'e2e', 'support', 'README.md'),
  ...filesUnder(join(root, 'docs'), (name) => name.endsWith('.md')),
];

/** Markdown without fenced code blocks and inline code, where link syntax means nothing. */
function prose(text: string): string {
  return text.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '');
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const match of markdown.replace(/^```[\s\S]*?^```/gm, '').matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = match[1]
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\p{M}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

interface Link {
  readonly from: string;
  readonly target: string;
}

function relativeLinks(file: string): Link[] {
  const text = prose(readFileSync(file, 'utf8'));
  return [...text.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)]
    .map((m) => m[1])
    .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target))
    .map((target) => ({ from: file, target }));
}

/** Why a link does not resolve, or null when it does. */
function brokenReason(link: Link): string | null {
  const hash = link.target.indexOf('#');
  const pathPart = hash === -1 ? link.target : link.target.slice(0, hash);
  const anchor = hash === -1 ? null : decodeURIComponent(link.target.slice(hash + 1));
  const path = pathPart === '' ? link.from : resolve(dirname(link.from), decodeURIComponent(pathPart));
  if (!path.startsWith(`${root}/`)) return 'points outside the repository';
  if (!existsSync(path)) return 'no such file';
  if (anchor === null) return null;
  if (!path.endsWith('.md') || statSync(path).isDirectory()) return 'an anchor into a file that is not Markdown';
  return headingAnchors(readFileSync(path, 'utf8')).has(anchor) ? null : `no heading #${anchor}`;
}

const semanticsPath = join(root, 'docs', 'routing-semantics.md');
const semanticsSections = new Set(
  [...readFileSync(semanticsPath, 'utf8').matchAll(/^##\s+§(\d+)\.\s/gm)].map((m) => Number(m[1])),
);

// This file is left out: its own examples are meant to be wrong.
const citingFiles = ['src', 'e2e', 'test', 'bench']
  .flatMap((dir) => filesUnder(join(root, dir), (name) => /\.(ts|yaml|md)$/.test(name)))
  .filter((file) => file !== import.meta.filename);

/** `routing-semantics §2`, `routing-semantics §2–§4`, `routing-semantics §1 and §7`, `routing-semantics §6/§8`. */
const CITATION = /routing-semantics (§\d+(?:(?:–|-|\/|, | and )§\d+)*)/g;
/** Sections of other specifications keep their own name in front: `RFC 3986 §5.2.4`. */
const FOREIGN_SECTION = /RFC \d+ §[\d.]+/g;

describe('documentation links', () => {
  it('reads the README and the docs', () => {
    expect(markdownFiles.length).toBeGreaterThan(4);
    expect(markdownFiles.flatMap(relativeLinks).length).toBeGreaterThan(20);
  });

  it('computes anchors the way GitHub does', () => {
    const anchors = headingAnchors('# A title\n## §3. Paths\n### The page (`GET /`)\n## A title\n');
    expect([...anchors]).toEqual(['a-title', '3-paths', 'the-page-get-', 'a-title-1']);
  });

  it('every relative link resolves to a file in the repository, and to a heading when it names one', () => {
    const broken = markdownFiles
      .flatMap(relativeLinks)
      .map((link) => ({ link, reason: brokenReason(link) }))
      .filter((b) => b.reason !== null)
      .map((b) => `${relative(root, b.link.from)}: (${b.link.target}) ${b.reason}`);
    expect(broken).toEqual([]);
  });

  it('every repository path named in backticks exists (`src/…`, `e2e/…`, `docs/…`, …)', () => {
    const missing: string[] = [];
    for (const file of markdownFiles) {
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(/`((?:src|e2e|test|bench|docs|manifests|examples)\/[^`\s]+)`/g)) {
        const path = match[1].replace(/[:#].*$/, '');
        if (/[<>*{}]/.test(path)) continue; // a pattern, not a file
        if (!existsSync(join(root, path))) missing.push(`${relative(root, file)}: ${match[1]}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('every docs/*.md page that code names exists', () => {
    const missing = citingFiles.flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/\bdocs\/[\w.-]+\.md\b/g)]
        .map((m) => m[0])
        .filter((page) => !existsSync(join(root, page)))
        .map((page) => `${relative(root, file)}: ${page}`),
    );
    expect(missing).toEqual([]);
  });

  it('nothing in the repository points at design documents outside it', () => {
    const outside = [...citingFiles, ...markdownFiles].filter((file) =>
      /shared\/design|\.\.\/shared\//.test(readFileSync(file, 'utf8')),
    );
    expect(outside.map((f) => relative(root, f))).toEqual([]);
  });
});

describe('routing-semantics citations', () => {
  it('docs/routing-semantics.md numbers its sections §1 to §8 at least', () => {
    for (let n = 1; n <= 8; n++) expect(semanticsSections.has(n), `§${n}`).toBe(true);
  });

  it('every § in code is written "routing-semantics §N" and names a section that exists', () => {
    const problems: string[] = [];
    let cited = 0;
    for (const file of citingFiles) {
      const text = readFileSync(file, 'utf8');
      const where = relative(root, file);
      for (const match of text.matchAll(CITATION)) {
        for (const number of match[1].matchAll(/§(\d+)/g)) {
          cited++;
          if (!semanticsSections.has(Number(number[1]))) problems.push(`${where}: §${number[1]} has no section`);
        }
      }
      const loose = text.replace(CITATION, '').replace(FOREIGN_SECTION, '').match(/§/g);
      if (loose !== null) problems.push(`${where}: ${loose.length} § not written as "routing-semantics §N"`);
    }
    expect(cited).toBeGreaterThan(50);
    expect(problems).toEqual([]);
  });

  it('would catch a citation of a missing section and a loose §', () => {
    const text = 'see routing-semantics §2–§99, and (§4)';
    const numbers = [...text.matchAll(CITATION)].flatMap((m) => [...m[1].matchAll(/§(\d+)/g)].map((n) => n[1]));
    expect(numbers).toEqual(['2', '99']);
    expect(semanticsSections.has(99)).toBe(false);
    expect(text.replace(CITATION, '').match(/§/g)).toEqual(['§']);
  });
});
