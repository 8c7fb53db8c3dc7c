// The compiled matcher against a reference matcher written plainly from routing-semantics §2–§4
// (split, filter, arrays: everything the compiled one is not allowed to do), on random tables.

import { describe, expect, it } from 'vitest';
import * as fc from 'fast-check';
import { compileMatcher } from './matcher.ts';
import { normalizeRequestPath } from './request-path.ts';
import { tableOf, type IngressSpec, type PathSpec } from '../../test/support/routing-matcher-fixtures.ts';
import type { HostKind, HostRules, PathRoute, RoutePolicy, RouteTable, Target } from './types.ts';

const POLICY: RoutePolicy = { sslRedirect: false, requestTimeoutMs: null, maxBodyBytes: null };
let serial = 0;
function target(name: string): Target {
  serial++;
  return { backend: `ns/${name}-${serial}:80`, source: { kind: 'Ingress', namespace: 'ns', name }, policy: POLICY };
}

const label = fc.constantFrom('a', 'b', 'c', 'foo', 'x1');
const hostName = fc.array(label, { minLength: 1, maxLength: 4 }).map((labels) => labels.join('.'));
const segment = fc.constantFrom('', 'a', 'b', 'ab', 'x', '%7E', 'a.b');
const pathText = fc
  .tuple(fc.array(segment, { maxLength: 4 }), fc.boolean())
  .map(([segments, trailing]) => '/' + segments.join('/') + (trailing && segments.length > 0 ? '/' : ''));

const route = fc.record({ path: pathText, exact: fc.boolean() }).map(
  ({ path, exact }): PathRoute => ({
    ...target('r'),
    path,
    pathType: exact ? 'Exact' : 'Prefix',
    match: exact ? 'exact' : 'prefix',
    field: 'spec.rules[0].http.paths[0]',
  }),
);

const hostRules = fc
  .record({
    kind: fc.constantFrom<HostKind>('exact', 'exact', 'wildcard', 'any'),
    name: hostName,
    routes: fc.array(route, { maxLength: 6 }),
    withDefault: fc.boolean(),
  })
  .map(
    ({ kind, name, routes, withDefault }): HostRules => ({
      host: kind === 'exact' ? name : kind === 'wildcard' ? `*.${name}` : '',
      kind,
      routes,
      defaultBackend: withDefault ? target('host-default') : null,
      tlsSecret: null,
    }),
  );

const table = fc
  .record({ hosts: fc.array(hostRules, { maxLength: 8 }), withDefault: fc.boolean() })
  .map(
    ({ hosts, withDefault }): RouteTable => ({ hosts, defaultBackend: withDefault ? target('global-default') : null }),
  );

const request = fc.record({
  host: fc.oneof(hostName, fc.constant('')),
  path: pathText.map((p) => normalizeRequestPath(p) ?? '/'),
});

/** Picks requests that mostly hit the table: its own hosts (or a label in front of a wildcard) and paths. */
const tableAndRequests = table.chain((t) => {
  const hosts = t.hosts.map((h) => (h.kind === 'wildcard' ? 'z' + h.host.slice(1) : h.host));
  const paths = t.hosts.flatMap((h) => h.routes.map((r) => r.path));
  const near = fc.record({
    host: hosts.length > 0 ? fc.constantFrom(...hosts) : hostName,
    path: (paths.length > 0 ? fc.oneof(fc.constantFrom(...paths), pathText) : pathText).chain((p) =>
      fc.constantFrom(p, p + '/', p + '/a', p + 'b').map((q) => normalizeRequestPath(q) ?? '/'),
    ),
  });
  return fc.tuple(fc.constant(t), fc.array(fc.oneof(near, request), { minLength: 1, maxLength: 10 }));
});

// ---- the reference, straight from the text ----

function referenceHost(t: RouteTable, host: string): HostRules | null {
  const exact = t.hosts.find((h) => h.kind === 'exact' && h.host === host);
  if (exact) return exact;
  const labels = host.split('.');
  const wildcard = t.hosts.find(
    (h) =>
      h.kind === 'wildcard' && labels.length >= 2 && labels[0] !== '' && h.host === '*.' + labels.slice(1).join('.'),
  );
  if (wildcard) return wildcard;
  return t.hosts.find((h) => h.kind === 'any') ?? null;
}

function ruleSegments(path: string): string[] {
  const segments = (normalizeRequestPath(path) ?? path).split('/').slice(1);
  while (segments.length > 0 && segments[segments.length - 1] === '') segments.pop();
  return segments;
}

interface ReferenceResult {
  readonly kind: 'path' | 'host-default' | 'default';
  readonly target: Target;
  readonly route: PathRoute | null;
}

function referenceMatch(t: RouteTable, host: string, path: string): ReferenceResult | null {
  const rules = referenceHost(t, host);
  if (rules === null) return t.defaultBackend ? { kind: 'default', target: t.defaultBackend, route: null } : null;
  const exact = rules.routes.find((r) => r.match === 'exact' && (normalizeRequestPath(r.path) ?? r.path) === path);
  if (exact) return { kind: 'path', target: exact, route: exact };
  const requestSegments = path.split('/').slice(1);
  let best: PathRoute | null = null;
  let bestLength = -1;
  for (const r of rules.routes) {
    if (r.match !== 'prefix') continue;
    const segments = ruleSegments(r.path);
    const matches = segments.length <= requestSegments.length && segments.every((s, i) => requestSegments[i] === s);
    if (matches && segments.length > bestLength) {
      best = r;
      bestLength = segments.length;
    }
  }
  if (best) return { kind: 'path', target: best, route: best };
  return rules.defaultBackend ? { kind: 'host-default', target: rules.defaultBackend, route: null } : null;
}

function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let state = seed || 1;
  for (let i = out.length - 1; i > 0; i--) {
    state = (Math.imul(state, 1103515245) + 12345) & 0x7fffffff;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

describe('compiled matcher properties', () => {
  it('agrees with the reference matcher', () => {
    fc.assert(
      fc.property(tableAndRequests, ([t, requests]) => {
        const matcher = compileMatcher(t);
        for (const { host, path } of requests) {
          const expected = referenceMatch(t, host, path);
          const actual = matcher.match(host, path);
          expect(actual?.kind ?? null).toBe(expected?.kind ?? null);
          expect(actual?.target ?? null).toBe(expected?.target ?? null);
          expect(actual?.route ?? null).toBe(expected?.route ?? null);
        }
      }),
      { numRuns: 1500 },
    );
  });

  it('explain agrees with match and never lists the chosen rule as passed over', () => {
    fc.assert(
      fc.property(tableAndRequests, ([t, requests]) => {
        const matcher = compileMatcher(t);
        for (const { host, path } of requests) {
          const explanation = matcher.explain(host, path);
          const match = matcher.match(host, path);
          expect(explanation.match).toBe(match);
          expect(explanation.hostMatch).toBe(referenceHost(t, host)?.kind ?? 'none');
          const chosen = match?.route ?? null;
          for (const candidate of explanation.passedOver) {
            expect(candidate.reason.length).toBeGreaterThan(0);
            const isChosen =
              chosen !== null &&
              candidate.path === chosen.path &&
              candidate.pathType === chosen.pathType &&
              candidate.source === chosen.source &&
              candidate.host === match?.host?.host;
            expect(isChosen).toBe(false);
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  it('does not depend on the order of paths within a host when no two rules share a path', () => {
    fc.assert(
      fc.property(tableAndRequests, fc.integer(), ([t, requests], seed) => {
        const distinct: RouteTable = {
          ...t,
          hosts: t.hosts.map((h) => {
            const seen = new Set<string>();
            const routes = h.routes.filter((r) => {
              const key = r.match + ' ' + ruleSegments(r.path).join('/') + (r.match === 'exact' ? r.path : '');
              if (seen.has(key)) return false;
              seen.add(key);
              return true;
            });
            return { ...h, routes };
          }),
        };
        const reordered: RouteTable = {
          ...distinct,
          hosts: distinct.hosts.map((h) => ({ ...h, routes: shuffled(h.routes, seed) })),
        };
        const a = compileMatcher(distinct);
        const b = compileMatcher(reordered);
        for (const { host, path } of requests)
          expect(b.match(host, path)?.route ?? null).toBe(a.match(host, path)?.route ?? null);
      }),
      { numRuns: 500 },
    );
  });
});

describe('compiled matcher on built tables', () => {
  const pathSpec = fc
    .record({
      path: pathText,
      pathType: fc.constantFrom('Exact', 'Prefix', 'ImplementationSpecific'),
      service: fc.constantFrom('s1', 's2', 's3'),
    })
    .map(
      (p): PathSpec => ({
        path: p.path.replaceAll('//', '/'),
        pathType: p.pathType as PathSpec['pathType'],
        service: p.service,
      }),
    );
  const ingressSpecs = fc.array(
    fc.record({
      hosts: fc.array(
        fc.oneof(
          hostName,
          hostName.map((h) => '*.' + h),
          fc.constant(''),
        ),
        { minLength: 1, maxLength: 3 },
      ),
      paths: fc.array(pathSpec, { minLength: 1, maxLength: 4 }),
      defaultBackend: fc.option(fc.constantFrom('d1', 'd2'), { nil: undefined }),
      day: fc.integer({ min: 1, max: 28 }),
    }),
    { maxLength: 6 },
  );

  it('agrees with the reference matcher on tables the builder made from random Ingresses', () => {
    fc.assert(
      fc.property(
        ingressSpecs,
        fc.array(request, { minLength: 1, maxLength: 10 }),
        fc.boolean(),
        (specs, requests, controllerDefault) => {
          const ingresses: IngressSpec[] = specs.map((spec, i) => ({
            name: `ing-${i}`,
            created: `2024-01-${String(spec.day).padStart(2, '0')}T00:00:00Z`,
            defaultBackend: spec.defaultBackend,
            rules: spec.hosts.map((host) => ({ host, paths: spec.paths })),
          }));
          const t = tableOf(ingresses, { controllerDefault });
          const matcher = compileMatcher(t);
          const hostsOfTable = t.hosts.map((h) => (h.kind === 'wildcard' ? 'q' + h.host.slice(1) : h.host));
          for (const { host, path } of [
            ...requests,
            ...hostsOfTable.map((h, i) => ({ host: h, path: requests[i % requests.length].path })),
          ]) {
            const expected = referenceMatch(t, host, path);
            const actual = matcher.match(host, path);
            expect(actual?.kind ?? null).toBe(expected?.kind ?? null);
            expect(actual?.target ?? null).toBe(expected?.target ?? null);
            expect(matcher.explain(host, path).match).toBe(actual);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
