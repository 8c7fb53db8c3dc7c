import { mkdir, mkdtemp, rm, symlink, unlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { KubeObject } from '../routing/types.ts';
import type { Logger } from '../util/logger.ts';
import { createManifestSource, type ManifestSource } from './manifest-directory.ts';

interface Captured {
  readonly level: string;
  readonly message: string;
}

function capturingLogger(lines: Captured[]): Logger {
  const at =
    (level: string) =>
    (obj: object | string, msg?: string): void => {
      lines.push({ level, message: typeof obj === 'string' ? obj : (msg ?? '') });
    };
  const logger: Logger = {
    error: at('error'),
    warn: at('warn'),
    info: at('info'),
    debug: at('debug'),
    child: () => logger,
  };
  return logger;
}

const service = (name: string, namespace?: string) =>
  [
    'apiVersion: v1',
    'kind: Service',
    'metadata:',
    `  name: ${name}`,
    ...(namespace ? [`  namespace: ${namespace}`] : []),
    'spec:',
    '  ports: [{port: 80}]',
  ].join('\n');

const opaque = (name: string) =>
  `apiVersion: v1\nkind: Secret\ntype: Opaque\nmetadata: {name: ${name}, namespace: demo}\ndata: {auth: eA==}`;

const names = (objects: readonly KubeObject[]) =>
  objects.map((object) => {
    const metadata = object.metadata as { namespace?: string; name: string };
    return metadata.namespace === undefined ? metadata.name : `${metadata.namespace}/${metadata.name}`;
  });

const metadataOf = (object: KubeObject) => object.metadata as Record<string, string>;

/** Waits up to a second (what this source promises) for `check` to pass. */
async function eventually(check: () => void): Promise<void> {
  await vi.waitFor(check, { timeout: 1000, interval: 10 });
}

/** A ConfigMap demo/`name` as YAML. */
function configMapYaml(name: string): string {
  return [
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata:',
    `  name: ${name}`,
    '  namespace: demo',
    'data: {X-A: "1"}',
  ].join('\n');
}

describe('createManifestSource', () => {
  let dir: string;
  let logs: Captured[];
  let changes: number;
  let source: ManifestSource | null;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sluice-manifests-'));
    logs = [];
    changes = 0;
    source = null;
  });
  afterEach(async () => {
    await source?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  async function start(pollIntervalMs = 0, watch = true): Promise<ManifestSource> {
    source = createManifestSource({ dir, log: capturingLogger(logs), debounceMs: 20, pollIntervalMs, watch });
    await source.start(() => {
      changes++;
    });
    return source;
  }

  it('loads every manifest under the directory, recursively, multi-document, sorted by kind', async () => {
    await mkdir(join(dir, 'nested', 'deeper'), { recursive: true });
    await writeFile(join(dir, 'a.yaml'), [service('b', 'x'), '---', service('a', 'x')].join('\n'));
    await writeFile(join(dir, 'nested', 'deeper', 'c.yml'), service('c'));
    await writeFile(
      join(dir, 'nested', 'd.json'),
      JSON.stringify({
        kind: 'IngressClass',
        metadata: { name: 'sluice' },
        spec: { controller: 'sluice.dev/ingress-controller' },
      }),
    );
    await writeFile(join(dir, 'notes.txt'), service('ignored-by-extension'));
    await mkdir(join(dir, '..2025_01_01'));
    await writeFile(join(dir, '..2025_01_01', 'hidden.yaml'), service('ignored-hidden'));
    await writeFile(join(dir, '.swap.yaml'), service('ignored-dotfile'));

    const loaded = await start();
    expect(loaded.synced()).toBe(true);
    expect(changes).toBe(1);
    expect(loaded.name).toBe(`manifests:${dir}`);
    const snapshot = loaded.snapshot();
    expect(names(snapshot.services)).toEqual(['default/c', 'x/a', 'x/b']);
    expect(names(snapshot.ingressClasses)).toEqual(['sluice']);
    expect(snapshot.ingresses).toEqual([]);
    expect(loaded.errors()).toEqual([]);
  });

  it('gives every object a stable creationTimestamp (the file mtime) and a resourceVersion', async () => {
    const file = join(dir, 's.yaml');
    await writeFile(
      file,
      [
        service('one'),
        '---',
        service('two'),
        '  # keeps its own',
        '---',
        'kind: Service\nmetadata: {name: three, creationTimestamp: "2020-01-01T00:00:00Z", resourceVersion: "77"}',
      ].join('\n'),
    );
    await utimes(file, new Date('2024-05-06T07:08:09.500Z'), new Date('2024-05-06T07:08:09.500Z'));
    const loaded = await start();
    const [one, three, two] = loaded.snapshot().services.map(metadataOf);
    expect(one.creationTimestamp).toBe('2024-05-06T07:08:09Z');
    expect(two.creationTimestamp).toBe('2024-05-06T07:08:09Z');
    expect(three).toMatchObject({ creationTimestamp: '2020-01-01T00:00:00Z', resourceVersion: '77' });
    expect(one.resourceVersion).toMatch(/^\d+$/);
    expect(one.resourceVersion).not.toBe(two.resourceVersion);
  });

  it('hands out frozen objects', async () => {
    await writeFile(join(dir, 's.yaml'), service('frozen'));
    const snapshot = (await start()).snapshot();
    expect(Object.isFrozen(snapshot.services)).toBe(true);
    expect(Object.isFrozen(snapshot.services[0])).toBe(true);
    expect(Object.isFrozen(snapshot.services[0].metadata)).toBe(true);
  });

  it('picks up an added, changed and removed file within a second', async () => {
    await writeFile(join(dir, 'a.yaml'), service('a'));
    const loaded = await start();
    const serviceA = loaded.snapshot().services[0];
    const before = metadataOf(serviceA);

    await writeFile(join(dir, 'b.yaml'), service('b'));
    await eventually(() => expect(names(loaded.snapshot().services)).toEqual(['default/a', 'default/b']));
    expect(changes).toBeGreaterThanOrEqual(2);
    expect(loaded.snapshot().services[0]).toBe(serviceA); // an unchanged object is kept as it was

    await writeFile(join(dir, 'a.yaml'), service('a').replace('port: 80', 'port: 81'));
    await eventually(() => expect(JSON.stringify(loaded.snapshot().services[0])).toContain('81'));
    const after = metadataOf(loaded.snapshot().services[0]);
    expect(after.creationTimestamp).toBe(before.creationTimestamp);
    expect(Number(after.resourceVersion)).toBeGreaterThan(Number(before.resourceVersion));

    await unlink(join(dir, 'b.yaml'));
    await eventually(() => expect(names(loaded.snapshot().services)).toEqual(['default/a']));
  });

  it('notices files in a folder created after start', async () => {
    const loaded = await start();
    await mkdir(join(dir, 'later'));
    await writeFile(join(dir, 'later', 'x.yaml'), service('x'));
    await eventually(() => expect(names(loaded.snapshot().services)).toEqual(['default/x']));
  });

  it('keeps the last good objects of a file that breaks, reports file:line:col, and recovers', async () => {
    const file = join(dir, 'app.yaml');
    await writeFile(join(dir, 'other.yaml'), service('other'));
    await writeFile(file, service('good'));
    const loaded = await start();
    const changesBefore = changes;

    await writeFile(file, `${service('good')}\n  broken: [unclosed\n`);
    await eventually(() => expect(loaded.errors()).toHaveLength(1));
    expect(loaded.errors()[0]).toMatch(new RegExp(`^${file.replaceAll('.', '\\.')}:\\d+:\\d+: `));
    expect(names(loaded.snapshot().services)).toEqual(['default/good', 'default/other']);
    expect(changes).toBe(changesBefore); // the snapshot did not change, so no rebuild
    expect(logs.some((line) => line.level === 'warn' && line.message === loaded.errors()[0])).toBe(true);

    // Another file's change is still served while this one stays broken.
    await writeFile(join(dir, 'other.yaml'), service('other2'));
    await eventually(() => expect(names(loaded.snapshot().services)).toEqual(['default/good', 'default/other2']));
    expect(loaded.errors()).toHaveLength(1);

    await writeFile(file, service('fixed'));
    await eventually(() => expect(names(loaded.snapshot().services)).toEqual(['default/fixed', 'default/other2']));
    expect(loaded.errors()).toEqual([]);
  });

  it('a file broken from the start contributes nothing but its error', async () => {
    await writeFile(join(dir, 'bad.yaml'), 'kind: Service\nmetadata:\n  name: a\n namespace: oops\n');
    await writeFile(join(dir, 'good.yaml'), service('good'));
    const loaded = await start();
    expect(names(loaded.snapshot().services)).toEqual(['default/good']);
    expect(loaded.errors()).toEqual([
      expect.stringMatching(new RegExp(`^${join(dir, 'bad.yaml').replaceAll('.', '\\.')}:4:\\d+: `)),
    ]);
  });

  it('converts Secret stringData to base64 data', async () => {
    await writeFile(
      join(dir, 'tls.yaml'),
      [
        'apiVersion: v1',
        'kind: Secret',
        'type: kubernetes.io/tls',
        'metadata: {name: cert, namespace: demo}',
        'stringData:',
        '  tls.crt: CERT',
        '  tls.key: KEY',
      ].join('\n'),
    );
    const [secret] = (await start()).snapshot().secrets;
    expect(secret.stringData).toBeUndefined();
    expect(secret.data).toEqual({ 'tls.crt': 'Q0VSVA==', 'tls.key': 'S0VZ' });
  });

  it('keeps an Opaque Secret only when an Ingress annotation names it (auth-secret, proxy-ssl-secret)', async () => {
    const ingress = [
      'apiVersion: networking.k8s.io/v1',
      'kind: Ingress',
      'metadata:',
      '  name: web',
      '  namespace: demo',
      '  annotations:',
      '    nginx.ingress.kubernetes.io/auth-type: basic',
      '    nginx.ingress.kubernetes.io/auth-secret: htpasswd',
      '    nginx.ingress.kubernetes.io/proxy-ssl-secret: demo/upstream-ca',
      'spec: {}',
    ].join('\n');
    await writeFile(
      join(dir, 'all.yaml'),
      [ingress, opaque('htpasswd'), opaque('upstream-ca'), opaque('unrelated')].join('\n---\n'),
    );
    expect(names((await start()).snapshot().secrets)).toEqual(['demo/htpasswd', 'demo/upstream-ca']);
  });

  it('keeps a ConfigMap only when an Ingress annotation names it (custom-headers, auth-proxy-set-headers)', async () => {
    const ingress = [
      'apiVersion: networking.k8s.io/v1',
      'kind: Ingress',
      'metadata:',
      '  name: web',
      '  namespace: demo',
      '  annotations:',
      '    nginx.ingress.kubernetes.io/custom-headers: headers',
      '    nginx.ingress.kubernetes.io/auth-proxy-set-headers: demo/auth-headers',
      'spec: {}',
    ].join('\n');
    await writeFile(
      join(dir, 'all.yaml'),
      [ingress, configMapYaml('headers'), configMapYaml('auth-headers'), configMapYaml('unrelated')].join('\n---\n'),
    );
    expect(names((await start()).snapshot().configMaps ?? [])).toEqual(['demo/auth-headers', 'demo/headers']);
  });

  it('reports nameless objects and duplicates as errors, and logs unknown kinds at debug', async () => {
    await writeFile(
      join(dir, 'a.yaml'),
      [service('dup'), '---', 'kind: Service\nmetadata: {}', '---', 'kind: Widget\nmetadata: {name: c}'].join('\n'),
    );
    await writeFile(join(dir, 'b.yaml'), service('dup'));
    const loaded = await start();
    expect(names(loaded.snapshot().services)).toEqual(['default/dup']);
    expect(loaded.errors()).toEqual([
      `${join(dir, 'a.yaml')}:8:1: Service has no metadata.name`,
      `${join(dir, 'b.yaml')}:1:1: duplicate Service default/dup (first defined at ${join(dir, 'a.yaml')}:1:1); ignored`,
    ]);
    expect(logs).toContainEqual({
      level: 'debug',
      message: `ignored ${join(dir, 'a.yaml')}:11:1: kind Widget is not one sluice reads`,
    });
  });

  it('follows symlinked files, as a mounted ConfigMap presents them', async () => {
    await mkdir(join(dir, '..data'));
    await writeFile(join(dir, '..data', 'svc.yaml'), service('linked'));
    await symlink(join(dir, '..data', 'svc.yaml'), join(dir, 'svc.yaml'));
    expect(names((await start()).snapshot().services)).toEqual(['default/linked']);
  });

  it('rescans on the poll interval when not watching', async () => {
    const loaded = await start(30, false);
    await writeFile(join(dir, 'p.yaml'), service('p1'));
    await eventually(() => expect(names(loaded.snapshot().services)).toEqual(['default/p1']));
  });

  it('refuses to start on a directory that does not exist', async () => {
    const missing = createManifestSource({ dir: join(dir, 'nope'), log: capturingLogger(logs) });
    await expect(missing.start(() => {})).rejects.toThrow(/cannot read the manifest directory/);
    expect(missing.synced()).toBe(false);
  });

  it('stops watching after stop()', async () => {
    const loaded = await start();
    await loaded.stop();
    const changesBefore = changes;
    await writeFile(join(dir, 'late.yaml'), service('late'));
    // Give a would-be watcher several debounce periods to fire.
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(changes).toBe(changesBefore);
    expect(loaded.snapshot().services).toEqual([]);
  });
});
