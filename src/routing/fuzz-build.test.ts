// Fuzzing the build and publish path (issue 7, part 3), pure and fast: random Ingress, Service, EndpointSlice
// and Secret objects, valid and malformed, go through what the reconciler and the admin API do with them
// (build → compileMatcher → dump → routes/status views → JSON, and the same snapshot as an edge worker receives
// it over IPC). Nothing throws or hangs; a newer Ingress, however malformed, never changes the dump lines of the
// others' routes; and random request targets through normalizeRequestPath + match agree with a plain reference.

import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { routesView } from '../admin/routes-view.ts';
import { statusView } from '../admin/status-view.ts';
import type { RoutingState } from '../controller/state.ts';
import { build } from './build.ts';
import { fakeTlsSecret, junkValues, sluiceClass, testOptions } from '../../test/support/routing-build-fixtures.ts';
import { dumpBuild } from './dump.ts';
import { compileMatcher } from './matcher.ts';
import { normalizeRequestHost } from './request-host.ts';
import { normalizeRequestPath, splitTarget } from './request-path.ts';
import type { BuildOptions, BuildResult, HostRules, KubeObject, Match, PathRoute, Snapshot } from './types.ts';

/** A single build + compile over fuzzed input must finish well inside this (a hang shows as a failure). */
const STEP_LIMIT_MS = 2000;

// ---- generators: usually the right shape, sometimes junk ----

const junk = junkValues(12, 50_000, ['constructor', 'a\u0000b', [null, 1, 'x']]);
const maybe = <T>(good: fc.Arbitrary<T>, junkWeight = 1): fc.Arbitrary<unknown> =>
  fc.oneof({ weight: 12, arbitrary: good }, { weight: junkWeight, arbitrary: junk });

const ns = fc.constantFrom('default', 'team');
const serviceName = fc.constantFrom('web', 'api', 'db', 'ext');
const ruleHost = fc.constantFrom(
  'a.example.com',
  'b.example.com',
  '*.example.com',
  'x.a.example.com',
  '',
  'A.Example.COM',
  '1.2.3.4',
  '*',
  'bad_host!',
  '-lead.example.com',
  'a..b',
  'x'.repeat(300),
);
const rulePath = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('/', '/a', '/a/', '/a/b', '/b', '/a/b/c', '/api', '/A', '/a/b/', '/%7Ea') },
  fc.constantFrom(
    'rel',
    '/a/.*',
    '/%2F',
    '/a/../b',
    '',
    '/a//b',
    '/%7Ea',
    '/a?x',
    '/a#b',
    '/ü',
    `/${'p'.repeat(3000)}`,
  ),
  fc
    .array(fc.constantFrom('a', 'b', 'api', '.', '..', '%2e', 'x y'), { minLength: 1, maxLength: 4 })
    .map((segments) => '/' + segments.join('/')),
);
const validPathType = fc.constantFrom('Exact', 'Prefix', 'ImplementationSpecific');
const pathType = fc.oneof({ weight: 6, arbitrary: validPathType }, fc.constantFrom('Regex', 'exact', ''));
const port = fc.oneof(
  { weight: 4, arbitrary: fc.record({ number: fc.constant(80) }) },
  fc.record({ number: maybe(fc.constantFrom(80, 443, 8080, 0, -1, 70000, 1.5)) }),
  fc.record({ name: maybe(fc.constantFrom('http', 'grpc', '', 'Bad_Name')) }),
  fc.record({ number: fc.constant(80), name: fc.constant('http') }),
);
const backend = maybe(
  fc.record({ service: maybe(fc.record({ name: maybe(serviceName), port: maybe(port) }, { requiredKeys: ['name'] })) }),
);
const httpPath = maybe(
  fc.record({ path: maybe(rulePath), pathType: maybe(pathType), backend }, { requiredKeys: ['path', 'backend'] }),
);
const rule = maybe(
  fc.record(
    { host: maybe(ruleHost), http: maybe(fc.record({ paths: maybe(fc.array(httpPath, { maxLength: 4 })) })) },
    { requiredKeys: ['http'] },
  ),
);
const tls = maybe(
  fc.record(
    {
      hosts: maybe(fc.array(maybe(ruleHost), { maxLength: 3 })),
      secretName: maybe(fc.constantFrom('tls-a', 'tls-b', 'missing', '')),
    },
    { requiredKeys: [] },
  ),
);
const annotations = maybe(
  fc.record(
    {
      'kubernetes.io/ingress.class': maybe(fc.constantFrom('sluice', 'nginx')),
      'sluice.dev/ssl-redirect': maybe(fc.constantFrom('false', 'true', 'maybe')),
      'nginx.ingress.kubernetes.io/custom-headers': maybe(fc.constantFrom('headers', 'team/headers', 'a/b/c')),
    },
    { requiredKeys: [] },
  ),
);
const created = fc.constantFrom('2024-01-01T00:00:00Z', '2024-06-01T00:00:00Z', 'not a date', '');

function ingressWith(metadata: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.record(
    {
      apiVersion: fc.constant('networking.k8s.io/v1'),
      kind: fc.constant('Ingress'),
      metadata,
      spec: maybe(
        fc.record(
          {
            ingressClassName: maybe(fc.constantFrom('sluice', 'sluice', 'sluice', 'other')),
            rules: maybe(fc.array(rule, { maxLength: 4 })),
            tls: maybe(fc.array(tls, { maxLength: 2 })),
            defaultBackend: backend,
          },
          { requiredKeys: ['rules'] },
        ),
      ),
    },
    { requiredKeys: ['metadata', 'spec'] },
  );
}

const anyIngress = ingressWith(
  maybe(
    fc.record(
      {
        name: maybe(fc.constantFrom('i1', 'i2', 'i3', 'i4', 'i5', 'i6', 'Bad_Name', '')),
        namespace: maybe(ns),
        creationTimestamp: maybe(created),
        annotations,
      },
      { requiredKeys: ['name', 'namespace'] },
    ),
  ),
);

const servicePort = maybe(
  fc.record(
    {
      name: maybe(fc.constantFrom('http', '', 'grpc')),
      port: maybe(fc.constantFrom(80, 443, 8080, 0, 99999)),
      targetPort: maybe(fc.constantFrom(8080, 'http')),
    },
    { requiredKeys: [] },
  ),
);
const serviceObject = maybe(
  fc.record(
    {
      kind: fc.constant('Service'),
      metadata: maybe(fc.record({ name: maybe(serviceName), namespace: maybe(ns) }, { requiredKeys: [] })),
      spec: maybe(
        fc.record(
          {
            type: maybe(fc.constantFrom('ClusterIP', 'ExternalName', 'NodePort')),
            externalName: maybe(fc.constantFrom('ext.example.net', 'bad name', '')),
            ports: maybe(fc.array(servicePort, { maxLength: 3 })),
          },
          { requiredKeys: [] },
        ),
      ),
    },
    { requiredKeys: [] },
  ),
);
const endpoint = maybe(
  fc.record(
    {
      addresses: maybe(
        fc.array(maybe(fc.constantFrom('10.0.0.1', '10.0.0.2', 'fd00::1', 'not-an-ip', '999.1.1.1')), { maxLength: 2 }),
      ),
      conditions: maybe(
        fc.record(
          { ready: maybe(fc.boolean()), serving: maybe(fc.boolean()), terminating: maybe(fc.boolean()) },
          { requiredKeys: [] },
        ),
      ),
      targetRef: maybe(
        fc.record({ name: maybe(fc.constantFrom('p-1', 'p-2')), namespace: maybe(ns) }, { requiredKeys: [] }),
      ),
      zone: maybe(fc.constantFrom('a', 'b', '')),
    },
    { requiredKeys: [] },
  ),
);
const sliceObject = maybe(
  fc.record(
    {
      kind: fc.constant('EndpointSlice'),
      metadata: maybe(
        fc.record(
          {
            name: maybe(fc.constantFrom('s-1', 's-2', 's-3')),
            namespace: maybe(ns),
            labels: maybe(fc.record({ 'kubernetes.io/service-name': maybe(serviceName) }, { requiredKeys: [] })),
          },
          { requiredKeys: [] },
        ),
      ),
      addressType: maybe(fc.constantFrom('IPv4', 'IPv6', 'FQDN')),
      ports: maybe(
        fc.array(
          maybe(
            fc.record(
              { name: maybe(fc.constantFrom('http', '', 'grpc')), port: maybe(fc.constantFrom(8080, 0, 70000)) },
              { requiredKeys: [] },
            ),
          ),
          { maxLength: 2 },
        ),
      ),
      endpoints: maybe(fc.array(endpoint, { maxLength: 3 })),
    },
    { requiredKeys: [] },
  ),
);
const secretObject = fc.oneof(
  fc.constantFrom(
    fakeTlsSecret('tls-a', ['a.example.com', '*.example.com']),
    fakeTlsSecret('tls-b', ['b.example.com'], 'k2', 'team'),
    fakeTlsSecret('tls-b', ['b.example.com'], 'wrong-key'),
  ),
  maybe(
    fc.record(
      {
        kind: fc.constant('Secret'),
        metadata: maybe(
          fc.record({ name: maybe(fc.constantFrom('tls-a', 'tls-b')), namespace: maybe(ns) }, { requiredKeys: [] }),
        ),
        type: maybe(fc.constantFrom('kubernetes.io/tls', 'Opaque')),
        data: maybe(
          fc.record(
            {
              'tls.crt': maybe(fc.constantFrom('not base64!', btoa('garbage'), '')),
              'tls.key': maybe(fc.constantFrom('', btoa('key'))),
            },
            { requiredKeys: [] },
          ),
        ),
      },
      { requiredKeys: [] },
    ),
  ),
);

// Header ConfigMaps (custom-headers), well-formed or not.
const configMapObject = maybe(
  fc.record(
    {
      kind: fc.constant('ConfigMap'),
      metadata: maybe(fc.record({ name: maybe(fc.constant('headers')), namespace: maybe(ns) }, { requiredKeys: [] })),
      data: maybe(fc.dictionary(fc.constantFrom('X-A', 'bad key', '__proto__'), maybe(fc.constantFrom('v', 'a\r\nb')))),
    },
    { requiredKeys: [] },
  ),
);

const snapshot: fc.Arbitrary<Snapshot> = fc.record({
  ingressClasses: fc.array(
    fc.oneof({ weight: 6, arbitrary: fc.constant(sluiceClass) }, { weight: 1, arbitrary: junk }),
    { minLength: 1, maxLength: 2 },
  ),
  ingresses: fc.array(anyIngress, { maxLength: 6 }),
  services: fc.array(serviceObject, { maxLength: 5 }),
  endpointSlices: fc.array(sliceObject, { maxLength: 5 }),
  secrets: fc.array(secretObject, { maxLength: 3 }),
  configMaps: fc.array(configMapObject, { maxLength: 2 }),
}) as fc.Arbitrary<Snapshot>;

const options: fc.Arbitrary<BuildOptions> = fc
  .record({
    watchIngressWithoutClass: fc.boolean(),
    defaultBackendService: fc.constantFrom(null, 'default/web', 'team/api', 'bad', 'default/none'),
    defaultSslCertificate: fc.constantFrom(null, 'default/tls-a', 'nope'),
    sslRedirect: fc.boolean(),
  })
  .map((overrides) => ({ ...testOptions, ...overrides }));

// ---- the publish path, as the reconciler and admin server run it ----

function timed<T>(what: string, run: () => T): T {
  const started = performance.now();
  const value = run();
  const ms = performance.now() - started;
  if (ms > STEP_LIMIT_MS) throw new Error(`${what} took ${Math.round(ms)} ms`);
  return value;
}

function publish(input: Snapshot, opts: BuildOptions): { result: BuildResult; state: RoutingState; dump: string } {
  const result = timed('build', () => build(input, opts));
  const matcher = timed('compileMatcher', () => compileMatcher(result.table));
  const state: RoutingState = Object.freeze({
    generation: 1,
    builtAt: new Date(0).toISOString(),
    buildMs: 1,
    result,
    matcher,
  });
  const dump = dumpBuild(result);
  // The admin API serialises these for every client: they must not throw either.
  JSON.stringify(routesView(state, [], null, dump, 0));
  JSON.stringify(statusView(state, { ready: true, reasons: [] }, [{ name: 'fuzz', synced: true }], null, null));
  return { result, state, dump };
}

/** Every request a route table can be asked about, plus a few it cannot. */
function probeHosts(result: BuildResult): string[] {
  const hosts = result.table.hosts.map((h) => (h.kind === 'wildcard' ? 'z' + h.host.slice(1) : h.host));
  return [...hosts, 'unknown.example.org', ''];
}

describe('fuzzing the build and publish path', () => {
  it('never throws or hangs on random objects, and every published table answers every request', () => {
    let routes = 0;
    let problems = 0;
    let runs = 0;
    fc.assert(
      fc.property(snapshot, options, fc.array(rulePath, { maxLength: 6 }), (input, opts, targets) => {
        const { result, state } = publish(input, opts);
        runs++;
        problems += result.problems.length;
        for (const h of result.table.hosts) routes += h.routes.length;
        for (const requestHost of probeHosts(result)) {
          for (const target of [...targets, '/', '/a/b']) {
            const path = normalizeRequestPath(target);
            if (path === null) continue;
            const match = state.matcher.match(requestHost, path);
            // A match always points at a backend the endpoint index knows (or the request gets a 503 there).
            expect(match === null || result.endpoints.has(match.target.backend)).toBe(true);
            expect(state.matcher.explain(requestHost, path).match).toBe(match);
          }
        }
      }),
      { numRuns: 400 },
    );
    console.log(`fuzz build: ${runs} random snapshots, ${routes} routes and ${problems} problems built, no throw`);
    expect(runs).toBe(400);
    expect(problems).toBeGreaterThan(runs);
    expect(routes).toBeGreaterThan(runs / 5);
  });

  it('builds what an edge worker builds from the same snapshot sent over IPC (JSON)', () => {
    fc.assert(
      fc.property(snapshot, options, (input, opts) => {
        const sent = JSON.parse(JSON.stringify(input)) as Snapshot;
        expect(publish(sent, opts).dump).toBe(publish(JSON.parse(JSON.stringify(sent)) as Snapshot, opts).dump);
      }),
      { numRuns: 200 },
    );
  });
});

// ---- no cross-Ingress effect ----

const GOOD_CREATED = '2020-01-01T00:00:00Z';

/** Valid Ingresses in their own namespace, all older than anything the intruder can claim to be. */
const goodIngress = (index: number) =>
  fc
    .record({
      rules: fc.array(
        fc.record({
          host: fc.constantFrom('a.example.com', 'b.example.com', '*.example.com', ''),
          paths: fc.array(
            fc.record({
              path: fc.constantFrom('/', '/a', '/a/b', '/api', '/b/'),
              pathType: fc.constantFrom('Exact', 'Prefix', 'ImplementationSpecific'),
              service: serviceName,
            }),
            { minLength: 1, maxLength: 3 },
          ),
        }),
        { minLength: 1, maxLength: 2 },
      ),
      withDefault: fc.boolean(),
    })
    .map(
      ({ rules, withDefault }): KubeObject => ({
        kind: 'Ingress',
        metadata: { name: `good-${index}`, namespace: 'good', creationTimestamp: GOOD_CREATED },
        spec: {
          ingressClassName: 'sluice',
          ...(withDefault ? { defaultBackend: { service: { name: 'web', port: { number: 80 } } } } : {}),
          rules: rules.map((r) => ({
            host: r.host === '' ? undefined : r.host,
            http: {
              paths: r.paths.map((p) => ({
                path: p.path,
                pathType: p.pathType,
                backend: { service: { name: p.service, port: { number: 80 } } },
              })),
            },
          })),
        },
      }),
    );

/** Any Ingress at all, newer than the good ones (or with no usable timestamp), never named like them. */
const intruder = ingressWith(
  maybe(
    fc.record(
      {
        name: maybe(fc.constantFrom('intruder', 'good-0', 'x', '')),
        namespace: maybe(fc.constantFrom('default', 'evil', 'team')),
        creationTimestamp: maybe(fc.constantFrom('2024-01-01T00:00:00Z', 'not a date')),
        annotations,
      },
      { requiredKeys: [] },
    ),
    2,
  ),
);

const cluster = fc.record({
  services: fc.constant([
    { kind: 'Service', metadata: { name: 'web', namespace: 'good' }, spec: { ports: [{ name: 'http', port: 80 }] } },
    { kind: 'Service', metadata: { name: 'api', namespace: 'good' }, spec: { ports: [{ name: 'http', port: 80 }] } },
  ]),
  endpointSlices: fc.constant([
    {
      kind: 'EndpointSlice',
      metadata: { name: 'web-1', namespace: 'good', labels: { 'kubernetes.io/service-name': 'web' } },
      ports: [{ name: 'http', port: 8080 }],
      endpoints: [{ addresses: ['10.0.0.1'], conditions: { ready: true } }],
    },
  ]),
});

/** The dump's route lines that come from the given Ingresses, whitespace folded (column widths vary). */
function routeLinesOf(dump: string, sources: ReadonlySet<string>): string[] {
  const lines: string[] = [];
  let host = '';
  const hostsSection = dump.slice(0, dump.indexOf('\ndefault backend'));
  for (const line of hostsSection.split('\n')) {
    if (/^ {2}\S/.test(line)) host = line.trim().split(/\s+/)[0];
    const from = /→ .* from (\S+) spec\./.exec(line);
    if (from !== null && sources.has(from[1])) lines.push(`${host} ${line.trim().replace(/\s+/g, ' ')}`);
  }
  return lines.sort();
}

const goodProblems = (result: BuildResult) =>
  result.problems.filter((p) => p.object.namespace === 'good').map((p) => `${p.object.name} ${p.field} ${p.code}`);

/** Redirect policy aside: an Ingress declaring TLS for a host turns on the redirect for the whole host (routing-semantics §6). */
const withoutPolicy = (lines: readonly string[]) => lines.map((line) => line.replace(/ \[[a-zA-Z][^\]]*\]$/, ''));

describe('no cross-Ingress effect', () => {
  it("adding a random (often malformed) newer Ingress never changes the dump lines of the other Ingresses' routes", () => {
    let withProblems = 0;
    let runs = 0;
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 4 })
          .chain((count) => fc.tuple(...Array.from({ length: count }, (_, i) => goodIngress(i)))),
        fc.array(intruder, { minLength: 1, maxLength: 2 }),
        cluster,
        fc.boolean(),
        (goods, intruders, objects, sslRedirect) => {
          const opts = { ...testOptions, sslRedirect };
          const base: Snapshot = {
            ingressClasses: [sluiceClass],
            ingresses: goods,
            services: objects.services,
            endpointSlices: objects.endpointSlices,
            secrets: [],
          };
          // The intruders never share namespace/name with a good one (that would be an update, not an addition).
          const added = (intruders as KubeObject[]).filter(
            (object) => (object?.metadata as { namespace?: unknown } | undefined)?.namespace !== 'good',
          );
          const before = publish(base, opts);
          const after = publish({ ...base, ingresses: [...goods, ...added] }, opts);
          const sources = new Set(goods.map((_, i) => `good/good-${i}`));
          const declaresTls = added.some((object) => {
            const spec = object?.spec as { tls?: unknown } | undefined;
            return Array.isArray(spec?.tls) && spec.tls.length > 0;
          });
          const beforeLines = routeLinesOf(before.dump, sources);
          const afterLines = routeLinesOf(after.dump, sources);
          expect(beforeLines.length).toBeGreaterThan(0);
          expect(declaresTls ? withoutPolicy(afterLines) : afterLines).toEqual(
            declaresTls ? withoutPolicy(beforeLines) : beforeLines,
          );
          // And the good Ingresses' problems are their own: the intruder adds none to them.
          expect(goodProblems(after.result)).toEqual(goodProblems(before.result));
          runs++;
          if (after.result.problems.length > before.result.problems.length) withProblems++;
        },
      ),
      { numRuns: 500 },
    );
    console.log(`fuzz cross-ingress: ${runs} runs, ${withProblems} with an intruder that added problems`);
    expect(withProblems).toBeGreaterThan(runs / 10);
  });
});

// ---- request targets against a reference ----

/** Path segments, without the empty ones a leading or trailing slash makes. */
const pathSegments = (p: string) =>
  p.split('/').filter((s, i, all) => !(s === '' && (i === 0 || i === all.length - 1)));

/** The reference: routing-semantics §2–§4 written as plainly as possible over a built table. */
function referenceMatch(
  result: BuildResult,
  rawHost: string,
  rawTarget: string,
): { target: unknown; route: PathRoute | null } | 'bad-request' | null {
  const name = normalizeRequestHost(rawHost);
  const split = splitTarget(rawTarget);
  if (name === null || split === null) return 'bad-request';
  const path = referenceNormalize(split.path);
  if (path === null) return 'bad-request';
  const hosts = result.table.hosts;
  const labels = name.split('.');
  const rules: HostRules | undefined =
    hosts.find((h) => h.kind === 'exact' && h.host === name) ??
    hosts.find(
      (h) =>
        h.kind === 'wildcard' && labels.length > 1 && labels[0] !== '' && h.host === '*.' + labels.slice(1).join('.'),
    ) ??
    hosts.find((h) => h.kind === 'any');
  if (rules === undefined)
    return result.table.defaultBackend === null ? null : { target: result.table.defaultBackend, route: null };
  // Rule paths are compared as normalised too (the builder keeps them as written; the matcher keys them normalised).
  const exact = rules.routes.find((r) => r.match === 'exact' && referenceNormalize(r.path) === path);
  if (exact !== undefined) return { target: exact, route: exact };
  const requestSegments = pathSegments(path);
  let best: PathRoute | null = null;
  for (const r of rules.routes) {
    if (r.match !== 'prefix') continue;
    const ruleSegments = pathSegments(referenceNormalize(r.path) ?? r.path);
    const matches = ruleSegments.every((s, i) => requestSegments[i] === s);
    if (
      matches &&
      (best === null || ruleSegments.length > pathSegments(referenceNormalize(best.path) ?? best.path).length)
    )
      best = r;
  }
  if (best !== null) return { target: best, route: best };
  return rules.defaultBackend === null ? null : { target: rules.defaultBackend, route: null };
}

/** RFC 3986 for the path: decode unreserved escapes, upper-case the rest, resolve dot segments; null if unusable. */
function referenceNormalize(raw: string): string | null {
  if (!raw.startsWith('/')) return null;
  let decoded = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c === '%') {
      const hex = raw.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) return null;
      const ch = String.fromCharCode(parseInt(hex, 16));
      decoded += /[A-Za-z0-9\-._~]/.test(ch) ? ch : '%' + hex.toUpperCase();
      i += 2;
    } else if (/[A-Za-z0-9\-._~!$&'()*+,;=:@/[\]|^]/.test(c)) {
      decoded += c;
    } else {
      return null;
    }
  }
  const out: string[] = [];
  const input = decoded.split('/').slice(1);
  input.forEach((segment, i) => {
    const last = i === input.length - 1;
    if (segment === '..') {
      if (out.length > 0) out.pop();
      if (last) out.push('');
    } else if (segment === '.') {
      if (last) out.push('');
    } else {
      out.push(segment);
    }
  });
  return '/' + out.join('/');
}

const targetSegment = fc.constantFrom(
  'a',
  'b',
  'api',
  'A',
  '',
  '.',
  '..',
  '%2e',
  '%2E%2e',
  '%2F',
  '%2f',
  '%61',
  '%7e',
  '%7E',
  '%41pi',
  'a%2Fb',
  '%zz',
  '%',
  'x y',
  'ü',
  '~',
  'a;b=c',
  '[x]',
  'a?q=1',
  'a#f',
);
const target = fc
  .tuple(fc.array(targetSegment, { maxLength: 5 }), fc.boolean(), fc.constantFrom('', '?x=1', '?a/../b'))
  .map(([segments, trailing, query]) => '/' + segments.join('/') + (trailing ? '/' : '') + query);
const requestHost = fc.constantFrom(
  'a.example.com',
  'A.EXAMPLE.COM.',
  'a.example.com:8080',
  'z.example.com',
  'x.a.example.com',
  'example.com',
  'b.example.com',
  'other.org',
  '',
  'bad host',
  '[::1]:80',
  'a..example.com',
);

/** A request to each exact host's rule paths, as written and one segment deeper. */
function ownPaths(result: BuildResult): [string, string][] {
  const requests: [string, string][] = [];
  for (const h of result.table.hosts) {
    if (h.kind !== 'exact') continue;
    for (const r of h.routes) requests.push([h.host, r.path], [h.host, r.path.replace(/\/?$/, '/below')]);
  }
  return requests;
}

describe('request targets: normalizeRequestPath + match against the reference', () => {
  it('agrees on which rule (or default, or 404, or 400) every random target gets', () => {
    let agreed = 0;
    let badRequests = 0;
    let byRule = 0;
    let tableRoutes = 0;
    fc.assert(
      fc.property(
        snapshot,
        fc.array(fc.tuple(requestHost, target), { minLength: 1, maxLength: 12 }),
        (input, requests) => {
          const { result, state } = publish(input, {
            ...testOptions,
            watchIngressWithoutClass: true,
            defaultBackendService: 'default/web',
          });
          for (const h of result.table.hosts) tableRoutes += h.routes.length;
          // Random targets rarely name a rule's path, so every table is also asked for its own paths (and below them).
          for (const [rawHost, rawTarget] of [...requests, ...ownPaths(result)]) {
            const expected = referenceMatch(result, rawHost, rawTarget);
            const name = normalizeRequestHost(rawHost);
            const split = splitTarget(rawTarget);
            const path = split === null ? null : normalizeRequestPath(split.path);
            expect(name === null || path === null, `${rawHost} ${rawTarget}: refused by one side only`).toBe(
              expected === 'bad-request',
            );
            if (expected === 'bad-request') {
              badRequests++;
              continue;
            }
            expect(path, rawTarget).toBe(referenceNormalize(split!.path));
            const actual: Match | null = state.matcher.match(name!, path!);
            expect(actual?.target ?? null, `${rawHost} ${rawTarget} → ${path}`).toBe(expected?.target ?? null);
            expect(actual?.route ?? null).toBe(expected?.route ?? null);
            // What is forwarded is already normal: normalising again changes nothing.
            expect(normalizeRequestPath(path!)).toBe(path);
            agreed++;
            if (actual?.kind === 'path') byRule++;
          }
        },
      ),
      { numRuns: 500 },
    );
    console.log(
      `fuzz targets: ${tableRoutes} routes in 500 random tables; ${agreed} requests agreed with the reference (${byRule} by a path rule), ${badRequests} refused as bad requests by both`,
    );
    expect(agreed).toBeGreaterThan(500);
    expect(byRule).toBeGreaterThan(100);
    expect(badRequests).toBeGreaterThan(50);
  });
});
