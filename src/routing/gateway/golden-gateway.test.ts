// Golden files for the Gateway API core, like ../golden.test.ts: testdata/<case>.yaml (GatewayClass,
// Gateway, HTTPRoute, GRPCRoute, ReferenceGrant, Namespace, Service, EndpointSlice, Secret, ConfigMap; optionally a
// `kind: TestRequests` document) → testdata/<case>.routes (dumpBuild of the Ingress and Gateway builds, then each request's match).
// Every case starts with testdata/_base.yaml (the class, namespaces and backend Services of the
// upstream conformance suite). A request line is "namespace/gateway:port host /path [METHOD] [header:name=value] [query:name=value]".
// `UPDATE_GOLDEN=1 npx vitest run src/routing/gateway/golden-gateway.test.ts` rewrites the .routes files.

import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { inspectCertificate } from '../../app/inspect-certificate.ts';
import { deepFreeze } from '../deep-freeze.ts';
import { dumpBuild, sourceText } from '../dump.ts';
import { compileMatcher } from '../matcher.ts';
import type { BuildOptions, KubeObject, Match, RequestFacts, Snapshot } from '../types.ts';
import { testOptions } from '../../../test/support/routing-build-fixtures.ts';
import { build } from '../build.ts';
import { buildGateway } from './build-gateway.ts';
import type { GatewayOptions } from './types.ts';

const TESTDATA = join(import.meta.dirname, 'testdata');
const CERTS = join(import.meta.dirname, '..', 'testdata', 'certs');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

/** The Extended features this core compiles; the edge must pass them before the controller claims them. */
const COMPILED_FEATURES = [
  'Gateway',
  'HTTPRoute',
  'ReferenceGrant',
  'GRPCRoute',
  'GatewayPort8080',
  'HTTPRouteBackendTimeout',
  'HTTPRouteCORS',
  'HTTPRouteHostRewrite',
  'HTTPRouteMethodMatching',
  'HTTPRoutePathRedirect',
  'HTTPRoutePathRewrite',
  'HTTPRoutePortRedirect',
  'HTTPRouteQueryParamMatching',
  'HTTPRouteRequestMirror',
  'HTTPRouteRequestTimeout',
  'HTTPRouteResponseHeaderModification',
  'HTTPRouteSchemeRedirect',
];

const OPTIONS: BuildOptions = { ...testOptions, inspectCertificate };
const GATEWAY_OPTIONS: GatewayOptions = {
  controllerName: 'sluice.dev/gateway-controller',
  inspectCertificate,
  supportedFeatures: COMPILED_FEATURES,
};

const LIST_OF_KIND: Readonly<Record<string, keyof Snapshot>> = {
  Namespace: 'namespaces',
  GatewayClass: 'gatewayClasses',
  Gateway: 'gateways',
  HTTPRoute: 'httpRoutes',
  GRPCRoute: 'grpcRoutes',
  ReferenceGrant: 'referenceGrants',
  Service: 'services',
  EndpointSlice: 'endpointSlices',
  Secret: 'secrets',
  ConfigMap: 'configMaps',
};

interface GoldenCase {
  readonly snapshot: Record<string, KubeObject[]>;
  readonly requests: readonly string[];
}

function loadCase(name: string): GoldenCase {
  const lists: Record<string, KubeObject[]> = {
    ingressClasses: [],
    ingresses: [],
    ...Object.fromEntries(Object.values(LIST_OF_KIND).map((key) => [key, []])),
  };
  let requests: string[] = [];
  const text = `${readFileSync(join(TESTDATA, '_base.yaml'), 'utf8')}\n---\n${readFileSync(join(TESTDATA, `${name}.yaml`), 'utf8')}`;
  for (const document of parseAllDocuments(text)) {
    if (document.errors.length > 0) throw new Error(`${name}.yaml: ${document.errors[0].message}`);
    const object = document.toJS() as Record<string, unknown> | null;
    if (object === null) continue;
    if (object.kind === 'TestRequests') {
      requests = (object.requests as string[]) ?? [];
      continue;
    }
    const list = LIST_OF_KIND[String(object.kind)];
    if (list === undefined) throw new Error(`${name}.yaml: unexpected kind ${String(object.kind)}`);
    const data = object.data as Record<string, string> | undefined;
    if (object.kind === 'Secret' && data !== undefined) {
      for (const [key, value] of Object.entries(data))
        if (value.startsWith('file:')) data[key] = readFileSync(join(CERTS, value.slice(5))).toString('base64');
    }
    lists[list].push(object);
  }
  return { snapshot: lists, requests };
}

/** RequestFacts over plain maps, as the edge adapts its request. */
class Facts implements RequestFacts {
  readonly method: string;
  readonly #headers: Map<string, string>;
  readonly #query: Map<string, string>;

  constructor(method: string, headers: Map<string, string>, query: Map<string, string>) {
    this.method = method;
    this.#headers = headers;
    this.#query = query;
  }

  header(name: string): string | undefined {
    return this.#headers.get(name);
  }

  query(name: string): string | undefined {
    return this.#query.get(name);
  }
}

function matchText(match: Match | null): string {
  if (match === null) return '404';
  const route = match.route;
  if (route === null) return `${match.kind} → ${match.target.backend}`;
  const data = route.gateway;
  const answer =
    data === undefined
      ? route.backend
      : data.redirect !== null
        ? `redirect ${data.redirect.status}`
        : data.totalWeight === 0 || data.backends.every((b) => b.backend === null)
          ? '500'
          : data.backends
              .filter((b) => b.weight > 0)
              .map((b) => `${b.weight}×${b.backend ?? '500'}`)
              .join(' + ');
  return `${route.pathType} ${route.path} → ${answer} (${sourceText(route.source)} ${route.field})`;
}

function render(golden: GoldenCase, snapshot: Snapshot = golden.snapshot as unknown as Snapshot): string {
  const result = buildGateway(snapshot, GATEWAY_OPTIONS);
  let text = dumpBuild(build(snapshot, OPTIONS), result);
  if (golden.requests.length === 0) return text;
  text += '\nrequests\n';
  for (const request of golden.requests) {
    const [where, host, path, ...rest] = request.split(' ');
    const colon = where.lastIndexOf(':');
    const listener = result.listeners.find(
      (l) => l.gateway === where.slice(0, colon) && l.port === Number(where.slice(colon + 1)),
    );
    const headers = new Map<string, string>();
    const query = new Map<string, string>();
    let method = 'GET';
    for (const part of rest) {
      if (part.startsWith('header:')) headers.set(part.slice(7, part.indexOf('=')), part.slice(part.indexOf('=') + 1));
      else if (part.startsWith('query:'))
        query.set(part.slice(6, part.indexOf('=')), part.slice(part.indexOf('=') + 1));
      else method = part;
    }
    const answer =
      listener === undefined
        ? 'no listener (connection refused)'
        : matchText(compileMatcher(listener.table).match(host, path, new Facts(method, headers, query)));
    text += `  ${request}  ⇒ ${answer}\n`;
  }
  return text;
}

function reversed(snapshot: Record<string, KubeObject[]>): Snapshot {
  return Object.fromEntries(
    Object.entries(snapshot).map(([key, list]) => [key, [...list].reverse()]),
  ) as unknown as Snapshot;
}

const caseNames = readdirSync(TESTDATA)
  .filter((file) => file.endsWith('.yaml') && !file.startsWith('_'))
  .map((file) => file.slice(0, -'.yaml'.length))
  .sort();

describe('gateway golden cases', () => {
  it('has cases', () => {
    expect(caseNames.length).toBeGreaterThanOrEqual(8);
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

      it('gives the same dump for reversed input and never mutates it', () => {
        const before = JSON.stringify(golden.snapshot);
        expect(render(golden, reversed(golden.snapshot))).toBe(expected);
        expect(render(golden, deepFreeze(structuredClone(golden.snapshot)) as unknown as Snapshot)).toBe(expected);
        expect(JSON.stringify(golden.snapshot)).toBe(before);
      });
    });
  }
});
