// The Gateway API core as a whole: status follows generations and ReferenceGrants, bad input never
// throws, and the dump shows Gateway listeners beside the Ingress table.

import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  fakeInspector,
  ingress,
  junkValues,
  service,
  slice,
  sluiceClass,
  testOptions,
} from '../../../test/support/routing-build-fixtures.ts';
import {
  CONTROLLER,
  NS,
  gateway,
  gatewaySnapshot,
  httpRoute,
  ourClass,
} from '../../../test/support/routing-gateway-fixtures.ts';
import { dumpBuild } from '../dump.ts';
import { compileMatcher } from '../matcher.ts';
import type { KubeObject, Snapshot } from '../types.ts';
import { buildGateway } from './build-gateway.ts';
import { SUPPORTED_FEATURES } from './types.ts';
import { build } from '../build.ts';

const OPTIONS = { controllerName: CONTROLLER, inspectCertificate: fakeInspector };
const http = { name: 'http', port: 80, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'All' } } };
const backends = [service('web', [{ port: 8080 }], 'apps'), slice('web', ['10.0.0.1'], 'http', 'apps')];
const crossRoute = httpRoute(
  'r',
  {
    parentRefs: [{ name: 'gw', namespace: NS }],
    rules: [{ backendRefs: [{ name: 'web', namespace: 'apps', port: 8080 }] }],
  },
  'team',
  4,
);
const grant: KubeObject = {
  kind: 'ReferenceGrant',
  metadata: { name: 'g', namespace: 'apps' },
  spec: {
    from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'team' }],
    to: [{ group: '', kind: 'Service' }],
  },
};

function resolvedRefs(snapshot: Snapshot): string {
  const parent = buildGateway(snapshot, OPTIONS).status.routes[0].parents[0];
  const condition = parent.conditions.find((c) => c.type === 'ResolvedRefs');
  return `${condition?.status} ${condition?.reason} g${condition?.observedGeneration}`;
}

/** Gateway `name` (one HTTP listener) asking for `addresses`. */
function withAddresses(name: string, addresses: object[]): KubeObject {
  const object = gateway(name, [http]);
  return { ...object, spec: { ...(object.spec as object), addresses } };
}

/** `object` with metadata.creationTimestamp `at`. */
function created(object: KubeObject, at: string): KubeObject {
  return { ...object, metadata: { ...(object.metadata as object), creationTimestamp: at } };
}

describe('buildGateway', () => {
  it('HTTPRouteReferenceGrant: a grant allows the cross-namespace backend; removing it revokes access', () => {
    const objects = [ourClass, gateway('gw', [http]), crossRoute, ...backends];
    expect(resolvedRefs(gatewaySnapshot([...objects, grant]))).toBe('True ResolvedRefs g4');
    expect(resolvedRefs(gatewaySnapshot(objects))).toBe('False RefNotPermitted g4');
  });

  it('GatewayObservedGenerationBump / HTTPRouteObservedGenerationBump: every condition carries the current generation', () => {
    const result = buildGateway(
      gatewaySnapshot([ourClass, gateway('gw', [http], 7), crossRoute, grant, ...backends]),
      OPTIONS,
    );
    const gatewayStatus = result.status.gateways[0];
    const generations = [...gatewayStatus.conditions, ...gatewayStatus.listeners.flatMap((l) => l.conditions)].map(
      (c) => c.observedGeneration,
    );
    expect(new Set(generations)).toEqual(new Set([7]));
    expect(result.status.routes[0].parents[0].conditions.map((c) => c.observedGeneration)).toEqual([4, 4]);
    expect(gatewayStatus.listeners[0].conditions.map((c) => c.type)).toEqual([
      'Accepted',
      'Conflicted',
      'Programmed',
      'ResolvedRefs',
    ]);
  });

  it('only our GatewayClasses, their Gateways and parents naming them get status', () => {
    const theirs: KubeObject = { kind: 'GatewayClass', metadata: { name: 'other' }, spec: { controllerName: 'x/y' } };
    const theirGateway = { ...gateway('theirs', [http]), spec: { gatewayClassName: 'other', listeners: [http] } };
    const route = httpRoute('both', { parentRefs: [{ name: 'gw' }, { name: 'theirs' }], rules: [{}] });
    const result = buildGateway(
      gatewaySnapshot([ourClass, theirs, gateway('gw', [http]), theirGateway, route]),
      OPTIONS,
    );
    expect(result.status.gatewayClasses.map((c) => c.name)).toEqual(['sluice']);
    expect(result.status.gateways.map((g) => g.name)).toEqual(['gw']);
    expect(result.status.routes[0].parents.map((p) => p.parentRef.name)).toEqual(['gw']);
    // By default, SUPPORTED_FEATURES, sorted.
    expect(result.status.gatewayClasses[0].supportedFeatures.map((f) => f.name)).toEqual(
      [...SUPPORTED_FEATURES].sort(),
    );
  });

  // Without an address pool two Gateways on one port clash at the edge, which serves the first listener it is
  // given: the older Gateway's (by creationTimestamp, then namespace/name), whatever their names.
  it('lists the listeners of the older Gateway first', () => {
    const result = buildGateway(
      gatewaySnapshot([
        ourClass,
        created(gateway('a-newer', [http]), '2026-01-02T00:00:00Z'),
        created(gateway('b-older', [http]), '2026-01-01T00:00:00Z'),
      ]),
      OPTIONS,
    );
    expect(result.listeners.map((l) => l.gateway)).toEqual([`${NS}/b-older`, `${NS}/a-newer`]);
  });

  // conformance/tests/gateway-optional-address-value.go (GatewayAddressEmpty): an IPAddress entry without a
  // value asks for any address; conformance/tests/gateway-static-addresses.go: an unknown type is not accepted.
  it('accepts an IPAddress without a value (the pool picks one) and refuses an address type it cannot serve', () => {
    const result = buildGateway(
      gatewaySnapshot([
        ourClass,
        withAddresses('empty', [{ type: 'IPAddress' }]),
        withAddresses('fake', [{ type: 'test/fake-invalid-type', value: 'fake address' }]),
      ]),
      OPTIONS,
    );
    const accepted = (name: string) =>
      result.status.gateways.find((g) => g.name === name)?.conditions.find((c) => c.type === 'Accepted');
    expect(accepted('empty')).toMatchObject({ status: 'True' });
    expect(result.listeners.find((l) => l.gateway === `${NS}/empty`)?.requestedAddresses).toEqual([]);
    expect(accepted('fake')).toMatchObject({ status: 'False', reason: 'UnsupportedAddress' });
  });

  // conformance/tests/gateway-invalid-parameters-ref.go: Accepted=False InvalidParameters, nothing served.
  it('does not accept a Gateway naming infrastructure parameters of a kind sluice does not read', () => {
    const withParameters = {
      ...gateway('params', [http]),
      spec: {
        ...(gateway('params', [http]).spec as object),
        infrastructure: { parametersRef: { group: 'invalid.io', kind: 'InvalidParameters', name: 'invalid' } },
      },
    };
    const result = buildGateway(gatewaySnapshot([ourClass, withParameters]), OPTIONS);
    const accepted = result.status.gateways[0].conditions.find((c) => c.type === 'Accepted');
    expect(accepted).toMatchObject({ status: 'False', reason: 'InvalidParameters' });
    expect(result.listeners).toEqual([]);
    expect(result.problems.map((p) => p.code)).toContain('GatewayParametersInvalid');
  });

  it('never throws on junk in any field, and its output is frozen', () => {
    const junk = junkValues(20, 5000, [[{}], [null], { name: 'gw' }]);
    const objectOf = (kind: string) =>
      fc.record({
        kind: fc.constant(kind),
        metadata: fc.oneof(junk, fc.record({ name: junk, namespace: junk, generation: junk })),
        spec: fc.oneof(
          junk,
          fc.dictionary(
            fc.constantFrom(
              'listeners',
              'parentRefs',
              'rules',
              'hostnames',
              'from',
              'to',
              'gatewayClassName',
              'controllerName',
              'addresses',
            ),
            junk,
          ),
        ),
      });
    fc.assert(
      fc.property(
        fc.array(objectOf('Gateway'), { maxLength: 3 }),
        fc.array(objectOf('HTTPRoute'), { maxLength: 3 }),
        fc.array(objectOf('ReferenceGrant'), { maxLength: 2 }),
        (gateways, routes, grants) => {
          const snapshot = gatewaySnapshot([
            ourClass,
            gateway('gw', [http]),
            ...(gateways as KubeObject[]),
            ...(routes as KubeObject[]),
            ...(grants as KubeObject[]),
          ]);
          const result = buildGateway(snapshot, OPTIONS);
          expect(Object.isFrozen(result.status.gateways)).toBe(true);
          for (const listener of result.listeners) compileMatcher(listener.table);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('listeners on one port: HTTP beside HTTPS is a ProtocolConflict, and neither is served', () => {
    const https = { name: 'https', port: 80, protocol: 'HTTPS', tls: { certificateRefs: [{ name: 'x' }] } };
    const result = buildGateway(gatewaySnapshot([ourClass, gateway('gw', [http, https])]), OPTIONS);
    const reasons = result.status.gateways[0].listeners.map(
      (l) => l.conditions.find((c) => c.type === 'Conflicted')?.reason,
    );
    expect(reasons).toEqual(['ProtocolConflict', 'ProtocolConflict']);
    expect(result.listeners).toEqual([]);
  });

  it('an ordered host: conditions need request facts, and explain walks the same order', () => {
    const route = httpRoute('r', {
      parentRefs: [{ name: 'gw' }],
      rules: [
        {
          matches: [{ path: { value: '/' }, headers: [{ name: 'X-Canary', value: 'yes' }] }],
          backendRefs: [{ name: 'web', namespace: 'apps', port: 8080 }],
        },
        { matches: [{ path: { value: '/' } }] },
      ],
    });
    const result = buildGateway(gatewaySnapshot([ourClass, gateway('gw', [http]), route, grant, ...backends]), OPTIONS);
    const matcher = compileMatcher(result.listeners[0].table);
    const facts = {
      method: 'GET',
      header: (name: string) => (name === 'x-canary' ? 'yes' : undefined),
      query: () => undefined,
    };
    expect(matcher.match('any.host', '/a', facts)?.route?.field).toBe('spec.rules[0].matches[0]');
    expect(matcher.match('any.host', '/a')?.route?.field).toBe('spec.rules[1].matches[0]');
    const explanation = matcher.explain('any.host', '/a', facts);
    expect(explanation.match?.route?.field).toBe('spec.rules[0].matches[0]');
    expect(explanation.passedOver.map((c) => c.path)).toEqual(['/']);
  });

  it('never throws on well-named objects whose specs are deep junk of the right vocabulary', () => {
    const key = fc.constantFrom(
      'rules',
      'matches',
      'filters',
      'backendRefs',
      'timeouts',
      'path',
      'type',
      'value',
      'headers',
      'queryParams',
      'method',
      'name',
      'namespace',
      'port',
      'weight',
      'requestRedirect',
      'urlRewrite',
      'requestMirror',
      'cors',
      'requestHeaderModifier',
      'set',
      'add',
      'remove',
      'statusCode',
      'scheme',
      'hostname',
      'replacePrefixMatch',
      'listeners',
      'protocol',
      'tls',
      'certificateRefs',
      'allowedRoutes',
      'kinds',
      'parentRefs',
      'sectionName',
    );
    const values = [
      fc.constantFrom('Exact', 'PathPrefix', 'RegularExpression', 'HTTP', 'HTTPS', '/', '(', 'gw'),
      fc.integer(),
    ];
    const spec = fc.object({ key, values, maxDepth: 4, maxKeys: 5 });
    expect(() =>
      fc.assert(
        fc.property(spec, spec, (gatewaySpec, routeSpec) => {
          const objects = [
            ourClass,
            {
              kind: 'Gateway',
              metadata: { name: 'gw', namespace: NS },
              spec: { ...gatewaySpec, gatewayClassName: 'sluice' },
            },
            httpRoute('r', { ...routeSpec, parentRefs: [{ name: 'gw' }] }),
            ...backends,
          ];
          const result = buildGateway(gatewaySnapshot(objects), OPTIONS);
          for (const listener of result.listeners) compileMatcher(listener.table).match('a.example.com', '/x');
        }),
        { numRuns: 300 },
      ),
    ).not.toThrow();
  });

  it('tolerates a snapshot without any Gateway API arrays', () => {
    const result = buildGateway(gatewaySnapshot([]), OPTIONS);
    expect(result.listeners).toEqual([]);
    expect(result.status).toEqual({ gatewayClasses: [], gateways: [], routes: [] });
  });
});

describe('Gateway listeners beside the Ingress table', () => {
  const objects = [
    sluiceClass,
    ingress({ name: 'ing', host: 'ingress.example.com', paths: [{ path: '/', service: 'svc' }] }),
    service('svc'),
    slice('svc', ['10.0.0.9']),
    ourClass,
    gateway('gw', [{ ...http, hostname: '*.example.com' }]),
    ...backends,
    grant,
    { ...crossRoute, spec: { ...(crossRoute.spec as object), hostnames: ['a.b.example.com'] } },
  ];

  it('one snapshot: the Ingress build ignores Gateway objects, the Gateway build serves them on its own port', () => {
    const snapshot = gatewaySnapshot(objects);
    const ingressResult = build(snapshot, testOptions);
    const gatewayResult = buildGateway(snapshot, OPTIONS);
    expect(ingressResult.table.hosts.map((h) => h.host)).toEqual(['ingress.example.com']);
    expect([...gatewayResult.endpoints.keys()]).toEqual(['apps/web:8080']);
    const listener = gatewayResult.listeners[0];
    expect(listener.port).toBe(80);
    const matcher = compileMatcher(listener.table);
    // A route hostname two labels under the listener's wildcard is served (Gateway wildcards: one or more labels).
    expect(matcher.match('a.b.example.com', '/x')?.route?.gateway?.backends.map((b) => b.backend)).toEqual([
      'apps/web:8080',
    ]);
    // Other hosts under the listener's wildcard reach only the listener's own routes: none here.
    expect(matcher.match('b.example.com', '/x')).toBeNull();
  });

  it('dumpBuild shows the Gateway listeners and status after the Ingress hosts, and not without a Gateway build', () => {
    const snapshot = gatewaySnapshot(objects);
    const text = dumpBuild(build(snapshot, testOptions), buildGateway(snapshot, OPTIONS));
    expect(text.indexOf('ingress.example.com')).toBeLessThan(text.indexOf('gateway listeners'));
    expect(text).toContain('HTTPRoute/team/r');
    expect(text).toContain('parent infra/gw: Accepted=True Accepted (g4), ResolvedRefs=True ResolvedRefs (g4)');
    expect(dumpBuild(build(snapshot, testOptions))).not.toContain('gateway listeners');
  });
});
