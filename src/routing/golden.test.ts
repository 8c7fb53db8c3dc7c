// Golden files, Skipper style: testdata/<case>.yaml (Kubernetes objects, optionally a first
// `kind: TestOptions` document and a `kind: TestRequests` document) → testdata/<case>.routes (the
// dump, plus the match of each request). `UPDATE_GOLDEN=1 npx vitest run src/routing/golden.test.ts`
// rewrites the .routes files. Every case also runs the builder invariants.

import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { inspectCertificate } from '../app/inspect-certificate.ts';
import { build } from './build.ts';
import { testOptions } from '../../test/support/routing-build-fixtures.ts';
import { deepFreeze } from './deep-freeze.ts';
import { dumpBuild, sourceText } from './dump.ts';
import { compileMatcher } from './matcher.ts';
import type { BuildOptions, KubeObject, Match, Snapshot } from './types.ts';

const TESTDATA = join(import.meta.dirname, 'testdata');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

const BASE_OPTIONS: BuildOptions = { ...testOptions, inspectCertificate };

const OPTION_NAMES = [
  'controllerClass',
  'ingressClass',
  'watchIngressWithoutClass',
  'defaultBackendService',
  'defaultSslCertificate',
  'sslRedirect',
];

const LIST_OF_KIND: Readonly<Record<string, keyof Snapshot>> = {
  IngressClass: 'ingressClasses',
  Ingress: 'ingresses',
  Service: 'services',
  EndpointSlice: 'endpointSlices',
  Secret: 'secrets',
  ConfigMap: 'configMaps',
};

interface GoldenCase {
  readonly name: string;
  readonly snapshot: Snapshot;
  readonly options: BuildOptions;
  readonly requests: readonly string[];
}

/** Secret data written as "file:certs/x.crt" is replaced by that file's base64, so cases stay readable. */
function inlineFiles(object: Record<string, unknown>): void {
  const data = object.data;
  if (object.kind !== 'Secret' || typeof data !== 'object' || data === null) return;
  for (const [key, value] of Object.entries(data)) {
    if (typeof value === 'string' && value.startsWith('file:')) {
      (data as Record<string, string>)[key] = readFileSync(join(TESTDATA, value.slice(5))).toString('base64');
    }
  }
}

function loadCase(name: string): GoldenCase {
  const text = readFileSync(join(TESTDATA, `${name}.yaml`), 'utf8');
  const lists: Record<keyof Snapshot, KubeObject[]> = {
    ingressClasses: [],
    ingresses: [],
    services: [],
    endpointSlices: [],
    secrets: [],
    configMaps: [],
    namespaces: [],
    gatewayClasses: [],
    gateways: [],
    httpRoutes: [],
    grpcRoutes: [],
    referenceGrants: [],
  };
  let options = BASE_OPTIONS;
  let requests: string[] = [];
  for (const document of parseAllDocuments(text)) {
    if (document.errors.length > 0) throw new Error(`${name}.yaml: ${document.errors[0].message}`);
    const object = document.toJS() as Record<string, unknown> | null;
    if (object === null) continue;
    if (object.kind === 'TestOptions') {
      for (const key of Object.keys(object)) {
        if (key !== 'kind' && !OPTION_NAMES.includes(key)) throw new Error(`${name}.yaml: unknown option ${key}`);
      }
      options = { ...BASE_OPTIONS, ...(object as Partial<BuildOptions>) };
      continue;
    }
    if (object.kind === 'TestRequests') {
      requests = (object.requests as string[]) ?? [];
      continue;
    }
    const list = LIST_OF_KIND[String(object.kind)];
    if (list === undefined) throw new Error(`${name}.yaml: unexpected kind ${String(object.kind)}`);
    inlineFiles(object);
    lists[list].push(object);
  }
  return { name, snapshot: lists, options, requests };
}

function matchText(match: Match | null): string {
  if (match === null) return '404';
  const where = match.route === null ? match.kind : `${match.route.pathType} ${match.route.path}`;
  return `${where} → ${match.target.backend} (${sourceText(match.target.source)})`;
}

function render(golden: GoldenCase, snapshot: Snapshot = golden.snapshot): string {
  const result = build(snapshot, golden.options);
  let text = dumpBuild(result);
  if (golden.requests.length > 0) {
    const matcher = compileMatcher(result.table);
    text += '\nrequests\n';
    for (const request of golden.requests) {
      const space = request.indexOf(' ');
      const host = space < 0 ? '' : request.slice(0, space);
      const path = space < 0 ? request : request.slice(space + 1);
      text += `  ${host === '' ? '(no host)' : host} ${path}  ⇒ ${matchText(matcher.match(host, path))}\n`;
    }
  }
  return text;
}

/** A seeded Fisher-Yates shuffle, so a failure reproduces. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const copy = [...items];
  let state = seed;
  for (let i = copy.length - 1; i > 0; i--) {
    state = (state * 1103515245 + 12345) % 2147483648;
    const j = state % (i + 1);
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}

function shuffleSnapshot(snapshot: Snapshot, seed: number): Snapshot {
  return {
    ingressClasses: shuffled(snapshot.ingressClasses, seed),
    ingresses: shuffled(snapshot.ingresses, seed + 1),
    services: shuffled(snapshot.services, seed + 2),
    endpointSlices: shuffled(snapshot.endpointSlices, seed + 3),
    secrets: shuffled(snapshot.secrets, seed + 4),
    configMaps: shuffled(snapshot.configMaps ?? [], seed + 5),
  };
}

const caseNames = readdirSync(TESTDATA)
  .filter((file) => file.endsWith('.yaml'))
  .map((file) => file.slice(0, -'.yaml'.length))
  .sort();

describe('golden cases', () => {
  it('has a case per rule', () => {
    expect(caseNames.length).toBeGreaterThanOrEqual(40);
  });

  for (const name of caseNames) {
    describe(`case ${name}`, () => {
      const golden = loadCase(name);
      const expected = render(golden);

      it('matches its .routes file', () => {
        const file = join(TESTDATA, `${name}.routes`);
        if (UPDATE || !existsSync(file)) writeFileSync(file, expected);
        expect(expected).toBe(readFileSync(file, 'utf8'));
      });

      it('gives the same dump for shuffled input', () => {
        for (const seed of [1, 7, 42]) expect(render(golden, shuffleSnapshot(golden.snapshot, seed))).toBe(expected);
        const reversed: Snapshot = {
          ingressClasses: [...golden.snapshot.ingressClasses].reverse(),
          ingresses: [...golden.snapshot.ingresses].reverse(),
          services: [...golden.snapshot.services].reverse(),
          endpointSlices: [...golden.snapshot.endpointSlices].reverse(),
          secrets: [...golden.snapshot.secrets].reverse(),
          configMaps: [...(golden.snapshot.configMaps ?? [])].reverse(),
        };
        expect(render(golden, reversed)).toBe(expected);
      });

      it('never mutates its input and builds the same on a deep-frozen snapshot', () => {
        const before = JSON.stringify(golden.snapshot);
        const frozen = deepFreeze(structuredClone(golden.snapshot));
        expect(render(golden, frozen)).toBe(expected);
        expect(JSON.stringify(golden.snapshot)).toBe(before);
      });

      it('builds identically twice, into frozen output', () => {
        const first = build(golden.snapshot, golden.options);
        const second = build(golden.snapshot, golden.options);
        expect(second).toEqual(first);
        expect(dumpBuild(second)).toBe(dumpBuild(first));
        expect(Object.isFrozen(first.table.hosts)).toBe(true);
        expect(Object.isFrozen(first.problems)).toBe(true);
      });
    });
  }
});
