import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// No container engine runs here, so the Dockerfile is checked against the repository instead.
const root = resolve(import.meta.dirname, '..');
const dockerfile = readFileSync(resolve(root, 'Dockerfile'), 'utf8');
const instructions = dockerfile
  .replace(/\\\n/g, ' ')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l !== '' && !l.startsWith('#'))
  .map((l) => ({ op: l.slice(0, l.indexOf(' ')).toUpperCase(), args: l.slice(l.indexOf(' ') + 1).trim() }));

const stages: { from: string; steps: typeof instructions }[] = [];
for (const ins of instructions) {
  if (ins.op === 'FROM') stages.push({ from: ins.args, steps: [] });
  else stages.at(-1)?.steps.push(ins);
}
const [buildStage, runtimeStage] = stages;

describe('Dockerfile', () => {
  it('is multi-stage on Node 24', () => {
    expect(stages.length).toBe(2);
    expect(buildStage.from).toMatch(/^node:24\b/);
    expect(runtimeStage.from).toMatch(/nodejs24/);
  });

  it('copies only files that exist in the repository', () => {
    const copies = buildStage.steps.filter((s) => s.op === 'COPY');
    expect(copies.length).toBeGreaterThan(2);
    for (const copy of copies) {
      const parts = copy.args.split(/\s+/).filter((p) => !p.startsWith('--'));
      for (const source of parts.slice(0, -1)) expect(existsSync(resolve(root, source)), source).toBe(true);
    }
  });

  it('builds with the commands CI runs', () => {
    const runs = buildStage.steps.filter((s) => s.op === 'RUN').map((s) => s.args);
    const ci = readFileSync(resolve(root, '.ci/run'), 'utf8');
    const pkg = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8'));
    expect(runs).toContain('npm ci');
    expect(ci).toMatch(/^npm ci\b/m);
    expect(runs).toContain('npm run typecheck');
    expect(pkg.scripts.test).toContain('npm run typecheck');
    expect(runs).toContain('npm prune --omit=dev');
  });

  it('runs as a non-root numeric user with no shell in the entrypoint', () => {
    const user = runtimeStage.steps.find((s) => s.op === 'USER');
    expect(user?.args).toMatch(/^[1-9]\d*(:\d+)?$/);
    const entrypoint = runtimeStage.steps.find((s) => s.op === 'ENTRYPOINT');
    const argv = JSON.parse(entrypoint?.args ?? 'null') as string[];
    expect(Array.isArray(argv)).toBe(true);
    expect(argv[0]).not.toMatch(/sh$/);
    const pkg = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8'));
    expect(pkg.scripts.start).toBe(`node ${argv.slice(1).join(' ')}`);
    expect(runtimeStage.steps.some((s) => s.op === 'RUN')).toBe(false);
  });

  it('.dockerignore keeps node_modules and git out of the context', () => {
    const ignore = readFileSync(resolve(root, '.dockerignore'), 'utf8').split('\n');
    expect(ignore).toContain('node_modules');
    expect(ignore).toContain('.git');
  });
});
