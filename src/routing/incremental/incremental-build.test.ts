import * as fc from 'fast-check';
import { snapshotOfKinds } from '../../../test/support/routing-kind-snapshot.ts';
import { describe, expect, it } from 'vitest';
import { changeBatches } from '../../../test/support/routing-incremental-arbitraries.ts';
import { ingress, service, slice, sluiceClass, testOptions } from '../../../test/support/routing-build-fixtures.ts';
import { build } from '../build.ts';
import { dumpBuild } from '../dump.ts';
import type { BuildResult } from '../types.ts';
import { compileMatcher, recompileMatcher } from '../matcher.ts';
import type { BuildOptions, KubeObject, Match, Matcher, Snapshot } from '../types.ts';
import { IncrementalBuild } from './incremental-build.ts';
import { INCREMENTAL_KINDS } from './snapshot-changes.ts';
import type { ObjectChange, ObjectKind } from './object-store.ts';

const PROBE_HOSTS = [
  'a.example.com',
  'b.example.com',
  'x.example.com',
  'x.a.example.com',
  'y.a.example.com',
  'other.test',
];
const PROBE_PATHS = ['/', '/a', '/a/', '/a/b', '/a/b/c', '/b', '/rel'];

/** What a match decides: the kind, the target and where it came from. */
function decision(match: Match | null): string {
  if (match === null) return '404';
  const where = match.route === null ? '' : ` ${match.route.path} ${match.route.field}`;
  return `${match.kind} ${match.host?.host ?? '-'}${where} → ${match.target.backend} from ${match.target.source.name}`;
}

/** The probes on which the two matchers decide differently. */
function mismatches(actual: Matcher, expected: Matcher): string[] {
  const found: string[] = [];
  for (const host of PROBE_HOSTS) {
    for (const path of PROBE_PATHS) {
      const want = decision(expected.match(host, path));
      if (decision(actual.match(host, path)) !== want) found.push(`${host}${path}`);
    }
  }
  // explain walks the whole table: one probe is enough to see it reads the same compiled hosts.
  if (decision(actual.explain('x.a.example.com', '/a/b').match) !== decision(expected.match('x.a.example.com', '/a/b')))
    found.push('explain x.a.example.com/a/b');
  return found;
}

/** An Opaque htpasswd Secret default/users holding `line`. */
const users = (line: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Secret',
  type: 'Opaque',
  metadata: { namespace: 'default', name: 'users' },
  data: { auth: Buffer.from(line).toString('base64') },
});

/** ConfigMap default/headers setting X-Team: `value`. */
const headers = (value: string): KubeObject => ({
  kind: 'ConfigMap',
  metadata: { namespace: 'default', name: 'headers' },
  data: { 'X-Team': value },
});

function hostMap(result: BuildResult) {
  return new Map(result.table.hosts.map((rules) => [rules.host, rules]));
}

/** The response headers the route of b.example.com sets. */
function teamOf(result: BuildResult) {
  return hostMap(result).get('b.example.com')?.routes[0].policy.traffic?.responseHeaders?.set;
}

/** The store the changes describe, as the snapshot a full build reads. */
class Store {
  readonly #byKind = new Map<ObjectKind, Map<string, KubeObject>>(INCREMENTAL_KINDS.map((kind) => [kind, new Map()]));

  write(change: ObjectChange): void {
    const objects = this.#byKind.get(change.kind);
    if (change.object === null) objects?.delete(change.id);
    else objects?.set(change.id, change.object);
  }

  snapshot(): Snapshot {
    const of = (kind: ObjectKind) => [...(this.#byKind.get(kind)?.values() ?? [])];
    return snapshotOfKinds(of);
  }
}

const optionVariants: readonly BuildOptions[] = [
  testOptions,
  { ...testOptions, defaultBackendService: 'default/web', defaultSslCertificate: 'default/tls-a' },
  { ...testOptions, watchIngressWithoutClass: true, sslRedirect: false, defaultBackendService: 'team/api:http' },
];

describe('incremental build', () => {
  it('equals a full build of the same snapshot after every batch of writes of every kind', () => {
    fc.assert(
      fc.property(fc.constantFrom(...optionVariants), changeBatches, (options, batches) => {
        const store = new Store();
        const incremental = new IncrementalBuild(options);
        expect(view(incremental.apply([]))).toBe(view(build(store.snapshot(), options)));
        for (const batch of batches) {
          for (const change of batch) store.write(change);
          expect(view(incremental.apply(batch))).toBe(view(build(store.snapshot(), options)));
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('recompiles the matcher from the previous one to match exactly as one compiled afresh', () => {
    fc.assert(
      fc.property(fc.constantFrom(...optionVariants), changeBatches, (options, batches) => {
        const incremental = new IncrementalBuild(options);
        let matcher = compileMatcher(incremental.apply([]).table);
        for (const batch of batches) {
          const table = incremental.apply(batch).table;
          matcher = recompileMatcher(matcher, table, incremental.hostChanges());
          expect(mismatches(matcher, compileMatcher(table))).toEqual([]);
        }
      }),
      { numRuns: 300 },
    );
  });

  const base: ObjectChange[] = [
    { kind: 'ingressClasses', id: 'sluice', object: sluiceClass },
    { kind: 'services', id: 'default/web', object: service('web') },
    { kind: 'endpointSlices', id: 'default/web-abc', object: slice('web', ['10.0.0.1']) },
    ...['a', 'b', 'c'].map((name) => ({
      kind: 'ingresses' as const,
      id: `default/${name}`,
      object: ingress({ name, host: `${name}.example.com`, paths: [{ path: '/', service: 'web' }] }),
    })),
  ];

  it('an EndpointSlice change rebuilds no route: the host list and every host rules object are kept', () => {
    const incremental = new IncrementalBuild(testOptions);
    const before = incremental.apply(base);
    const after = incremental.apply([
      { kind: 'endpointSlices', id: 'default/web-abc', object: slice('web', ['10.0.0.1', '10.0.0.2']) },
    ]);
    expect(after.table.hosts).toBe(before.table.hosts);
    expect(after.endpoints.get('default/web:80')?.usable.map((e) => e.address)).toEqual(['10.0.0.1', '10.0.0.2']);
    expect(before.endpoints.get('default/web:80')?.usable.map((e) => e.address)).toEqual(['10.0.0.1']);
  });

  it('an Ingress change rebuilds its own host only, and leaves earlier results as they were', () => {
    const incremental = new IncrementalBuild(testOptions);
    const before = incremental.apply(base);
    const dumped = dumpBuild(before);
    const changed = ingress({ name: 'b', host: 'b.example.com', paths: [{ path: '/x', service: 'web' }] });
    const after = incremental.apply([{ kind: 'ingresses', id: 'default/b', object: changed }]);
    const hostsOf = (result: typeof before) => new Map(result.table.hosts.map((rules) => [rules.host, rules]));
    expect(hostsOf(after).get('a.example.com')).toBe(hostsOf(before).get('a.example.com'));
    expect(hostsOf(after).get('c.example.com')).toBe(hostsOf(before).get('c.example.com'));
    expect(
      hostsOf(after)
        .get('b.example.com')
        ?.routes.map((route) => route.path),
    ).toEqual(['/x']);
    expect(dumpBuild(before)).toBe(dumped);
    expect(Object.isFrozen(after.table.hosts)).toBe(true);
  });

  it('a ConfigMap change rebuilds the hosts of the Ingresses naming it (custom-headers), and no other', () => {
    const named = ingress({
      name: 'b',
      host: 'b.example.com',
      paths: [{ path: '/', service: 'web' }],
      annotations: { 'nginx.ingress.kubernetes.io/custom-headers': 'headers' },
    });
    const incremental = new IncrementalBuild(testOptions);
    const before = incremental.apply([
      ...base,
      { kind: 'ingresses', id: 'default/b', object: named },
      { kind: 'configMaps', id: 'default/headers', object: headers('one') },
    ]);
    const after = incremental.apply([{ kind: 'configMaps', id: 'default/headers', object: headers('two') }]);
    expect(teamOf(before)).toEqual([['x-team', 'one']]);
    expect(teamOf(after)).toEqual([['x-team', 'two']]);
    expect(hostMap(after).get('a.example.com')).toBe(hostMap(before).get('a.example.com'));
    const gone = incremental.apply([{ kind: 'configMaps', id: 'default/headers', object: null }]);
    expect(teamOf(gone)).toBeUndefined();
    expect(gone.problems.map((problem) => problem.code)).toEqual(['ConfigMapNotFound']);
  });

  it('reads the policy Secrets (auth-secret) as a full build does, with their problems, as they come and go', () => {
    const nginx = 'nginx.ingress.kubernetes.io/';
    const guarded = ingress({
      name: 'guarded',
      host: 'g.example.com',
      paths: [{ path: '/', service: 'web' }],
      annotations: { [`${nginx}auth-type`]: 'basic', [`${nginx}auth-secret`]: 'users' },
    });
    const store = new Store();
    const incremental = new IncrementalBuild(testOptions);
    const batches: ObjectChange[][] = [
      [...base, { kind: 'ingresses', id: 'default/guarded', object: guarded }],
      [{ kind: 'secrets', id: 'default/users', object: users('alice:{SHA}W8r/fyL/UzygmbNAjq2HbA67qac=') }],
      [{ kind: 'secrets', id: 'default/users', object: users('alice:plaintext') }],
      [{ kind: 'ingresses', id: 'default/guarded', object: null }],
    ];
    const seen: unknown[] = [];
    for (const batch of batches) {
      for (const change of batch) store.write(change);
      const result = incremental.apply(batch);
      const full = build(store.snapshot(), testOptions);
      expect(result.policySecrets).toEqual(full.policySecrets);
      expect(result.problems).toEqual(full.problems);
      seen.push([result.policySecrets?.get('default/users')?.auth ?? null, result.problems.map((p) => p.code)]);
    }
    expect(seen).toEqual([
      [null, ['PolicySecretNotFound']],
      ['alice:{SHA}W8r/fyL/UzygmbNAjq2HbA67qac=', []],
      ['alice:plaintext', ['AuthEntryRefused']],
      [null, []],
    ]);
  });
});

/** The canonical dump plus what it does not show: passthrough, the Secrets read for policies, annotation reports. */
function view(result: BuildResult): string {
  const passthrough = JSON.stringify([...(result.passthrough ?? new Map())]);
  const secrets = JSON.stringify([...(result.policySecrets?.keys() ?? [])]);
  const reports = JSON.stringify(result.ownedIngresses.map((key) => [key, result.annotationReports?.get(key) ?? []]));
  return `${dumpBuild(result)}\npassthrough ${passthrough}\npolicy secrets ${secrets}\nannotations ${reports}`;
}
