import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import * as slimGeneratedApi from './client-node-gen.ts';

const configModule = createRequire(import.meta.url).resolve('@kubernetes/client-node/dist/config.js');

describe('client-node slimming', () => {
  it('gives config.js exactly the names it imports from the generated API', () => {
    const source = readFileSync(configModule, 'utf8');
    const clause = /import\s*\{([^}]*)\}\s*from\s*'\.\/gen\/index\.js'/.exec(source);
    expect(clause, "config.js no longer imports './gen/index.js' by name").not.toBeNull();
    const wanted = (clause?.[1] ?? '')
      .split(',')
      .map((name) => name.trim())
      .filter((name) => name !== '');
    expect(Object.keys(slimGeneratedApi).sort()).toEqual(wanted.sort());
  });

  it('loads KubeConfig without the generated API classes, and it still reads a kubeconfig', () => {
    const script = `
      import { registerHooks } from 'node:module';
      import { slimClientNode } from ${JSON.stringify(new URL('./client-node-slim.ts', import.meta.url).href)};
      slimClientNode();
      const resolved = [];
      registerHooks({ resolve(specifier, context, next) { const r = next(specifier, context); resolved.push(r.url); return r; } });
      const { KubeConfig } = await import('@kubernetes/client-node/dist/config.js');
      const kc = new KubeConfig();
      kc.loadFromOptions({ clusters: [{ name: 'c', server: 'https://127.0.0.1:6443' }], users: [{ name: 'u', token: 't' }],
        contexts: [{ name: 'x', cluster: 'c', user: 'u' }], currentContext: 'x' });
      console.log(JSON.stringify({ server: kc.getCurrentCluster().server, resolved }));`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: import.meta.dirname });
    const { server, resolved } = JSON.parse(String(out)) as { server: string; resolved: string[] };
    expect(server).toBe('https://127.0.0.1:6443');
    expect(resolved.some((url) => url.endsWith('/client-node-gen.ts'))).toBe(true);
    expect(resolved.filter((url) => url.includes('/gen/apis/') || url.includes('/gen/models/'))).toEqual([]);
  });
});
