import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { ObjectSerializer as RealSerializer } from '@kubernetes/client-node/dist/serializer.js';
import { describe, expect, it } from 'vitest';
import * as slimGeneratedApi from './client-node-gen.ts';
import { ObjectSerializer as SlimSerializer } from './client-node-serializer.ts';

const resolveLibrary = createRequire(import.meta.url).resolve;
const librarySource = (file: string) => readFileSync(resolveLibrary(`@kubernetes/client-node/dist/${file}`), 'utf8');

describe('client-node slimming (client-node-slim.ts)', () => {
  it('gives config.js exactly the names it imports from the generated API', () => {
    const clause = /import\s*\{([^}]*)\}\s*from\s*'\.\/gen\/index\.js'/.exec(librarySource('config.js'));
    expect(clause, "config.js no longer imports './gen/index.js' by name").not.toBeNull();
    const wanted = (clause?.[1] ?? '')
      .split(',')
      .map((name) => name.trim())
      .filter((name) => name !== '');
    expect(Object.keys(slimGeneratedApi).sort()).toEqual(wanted.sort());
  });

  it("gives cache.js a serializer that does what it asks, as the real one does: 'string' unchanged", () => {
    const source = librarySource('cache.js');
    expect(source).toMatch(/import\s*\{\s*ObjectSerializer\s*\}\s*from\s*'\.\/serializer\.js'/);
    const calls = [...source.matchAll(/ObjectSerializer\.(\w+)\(([^)]*)\)/g)];
    expect(calls.length).toBeGreaterThan(0);
    for (const [call, method, args] of calls) {
      expect(method, call).toBe('serialize');
      expect(args.trim().endsWith("'string'"), call).toBe(true);
    }
    for (const selector of ['app=web', 'metadata.name=x,spec.y!=z', '']) {
      expect(SlimSerializer.serialize(selector, 'string')).toBe(RealSerializer.serialize(selector, 'string'));
    }
    expect(() => SlimSerializer.serialize({}, 'V1ObjectMeta')).toThrow(/cannot serialize V1ObjectMeta/);
  });

  it('loads KubeConfig, Watch and ListWatch without the generated API or models, and they still work', () => {
    const script = `
      import { registerHooks } from 'node:module';
      import { slimClientNode } from ${JSON.stringify(new URL('./client-node-slim.ts', import.meta.url).href)};
      slimClientNode();
      const resolved = [];
      registerHooks({ resolve(specifier, context, next) { const r = next(specifier, context); resolved.push(r.url); return r; } });
      const { KubeConfig } = await import('@kubernetes/client-node/dist/config.js');
      const { ListWatch } = await import('@kubernetes/client-node/dist/cache.js');
      await import('@kubernetes/client-node/dist/watch.js');
      const kc = new KubeConfig();
      kc.loadFromOptions({ clusters: [{ name: 'c', server: 'https://127.0.0.1:6443' }], users: [{ name: 'u', token: 't' }],
        contexts: [{ name: 'x', cluster: 'c', user: 'u' }], currentContext: 'x' });
      let query;
      const watch = { watch: async (path, params) => { query = params; return { abort() {} }; } };
      const lw = new ListWatch('/api/v1/pods', watch, async () => ({ items: [], metadata: { resourceVersion: '1' } }), false, 'app=web', 'spec.x=y');
      await lw.start();
      await lw.stop();
      console.log(JSON.stringify({ server: kc.getCurrentCluster().server, query, resolved }));`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: import.meta.dirname });
    const { server, query, resolved } = JSON.parse(String(out)) as {
      server: string;
      query: Record<string, unknown>;
      resolved: string[];
    };
    expect(server).toBe('https://127.0.0.1:6443');
    expect(query).toMatchObject({ labelSelector: 'app=web', fieldSelector: 'spec.x=y' });
    expect(resolved.filter((url) => url.includes('/client-node-'))).toHaveLength(2);
    expect(resolved.filter((url) => url.includes('/gen/apis/') || url.includes('/gen/models/'))).toEqual([]);
  });
});
