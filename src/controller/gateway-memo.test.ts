import { describe, expect, it } from 'vitest';
import * as fc from 'fast-check';
import { ingress, service, slice, testOptions } from '../../test/support/routing-build-fixtures.ts';
import type { KubeObject } from '../routing/types.ts';
import {
  CONTROLLER,
  gateway,
  gatewaySnapshot,
  httpRoute,
  NS,
  ourClass,
} from '../../test/support/routing-gateway-fixtures.ts';
import { GatewayMemo } from './gateway-memo.ts';
import { gatewayState } from './routing-state.ts';

const http = { name: 'http', port: 80, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'All' } } };
const route = httpRoute('r', {
  parentRefs: [{ name: 'gw', namespace: NS }],
  rules: [{ backendRefs: [{ name: 'web', port: 8080 }] }],
});
const base = gatewaySnapshot([
  ourClass,
  gateway('gw', [http]),
  route,
  service('web', [{ port: 8080 }], NS),
  slice('web', ['10.0.0.1'], 'http', NS),
]);

describe('GatewayMemo: the Gateway build is reused while none of its inputs changed', () => {
  it('reuses the last build for an Ingress-only change, and rebuilds for any Gateway input that changed', () => {
    const memo = new GatewayMemo();
    const first = memo.build(base, testOptions, CONTROLLER);
    expect(first).toEqual(gatewayState(base, testOptions, CONTROLLER));

    // An Ingress change: the Ingress lists differ, every Gateway input is the same objects (new arrays even).
    const ingressOnly = {
      ...base,
      ingresses: [ingress({ name: 'shop', host: 'shop.example' })],
      services: [...base.services],
    };
    expect(memo.build(ingressOnly, testOptions, CONTROLLER)).toBe(first);
    expect(memo.reused).toBe(1);

    // An EndpointSlice change (a new object) is a Gateway input: the endpoints follow (refreshed, not built).
    const moved = { ...base, endpointSlices: [slice('web', ['10.0.0.2'], 'http', NS)] };
    const second = memo.build(moved, testOptions, CONTROLLER);
    expect(second).not.toBe(first);
    expect(second).toEqual(gatewayState(moved, testOptions, CONTROLLER));

    // So is a route.
    const renamed = { ...moved, httpRoutes: [httpRoute('r2', route.spec as Record<string, unknown>)] };
    expect(memo.build(renamed, testOptions, CONTROLLER)).not.toBe(second);
    expect(memo).toMatchObject({ builds: 2, refreshed: 1, reused: 1 });
  });
});

// Services the routes below use (web on two ports, api), one they name that does not exist (gone), an
// ExternalName one (ext), and one no route uses (idle): slices come and go for all of them.
const SERVICES = ['web', 'api', 'gone', 'ext', 'idle'];
const sliceRoute = httpRoute('slices', {
  parentRefs: [{ name: 'gw', namespace: NS }],
  rules: [
    { matches: [{ path: { type: 'PathPrefix', value: '/web' } }], backendRefs: [{ name: 'web', port: 8080 }] },
    { matches: [{ path: { type: 'PathPrefix', value: '/grpc' } }], backendRefs: [{ name: 'web', port: 9090 }] },
    { matches: [{ path: { type: 'PathPrefix', value: '/api' } }], backendRefs: [{ name: 'api', port: 80 }] },
    { matches: [{ path: { type: 'PathPrefix', value: '/gone' } }], backendRefs: [{ name: 'gone', port: 80 }] },
    { matches: [{ path: { type: 'PathPrefix', value: '/ext' } }], backendRefs: [{ name: 'ext', port: 80 }] },
  ],
});
const sliceBase = gatewaySnapshot([
  ourClass,
  gateway('gw', [http]),
  sliceRoute,
  service(
    'web',
    [
      { port: 8080, name: 'http' },
      { port: 9090, name: 'grpc' },
    ],
    NS,
  ),
  service('api', [{ port: 80, name: 'http' }], NS),
  {
    kind: 'Service',
    metadata: { name: 'ext', namespace: NS },
    spec: { type: 'ExternalName', externalName: 'ext.example' },
  },
  service('idle', [{ port: 80, name: 'http' }], NS),
]);

const sliceOp = fc.record({
  // Which slice: a few names, so replacing, removing and name clashes (two slices of one name) all happen.
  name: fc.constantFrom('s1', 's2', 's3'),
  service: fc.constantFrom(...SERVICES, ''),
  namespace: fc.constantFrom(NS, 'other'),
  portName: fc.constantFrom('http', 'grpc'),
  ready: fc.array(fc.boolean(), { maxLength: 3 }),
  action: fc.constantFrom('set', 'set', 'add', 'remove'),
});

type SliceOp = typeof sliceOp extends fc.Arbitrary<infer T> ? T : never;

function nameOf(object: KubeObject): { name?: string; namespace?: string } {
  return (object.metadata ?? {}) as { name?: string; namespace?: string };
}

function sliceOf(op: SliceOp, step: number): KubeObject {
  return {
    kind: 'EndpointSlice',
    metadata: {
      name: op.name,
      namespace: op.namespace,
      labels: op.service === '' ? {} : { 'kubernetes.io/service-name': op.service },
    },
    addressType: 'IPv4',
    ports: [{ name: op.portName, port: 8080 }],
    endpoints: op.ready.map((ready, i) => ({ addresses: [`10.0.${step % 250}.${i + 1}`], conditions: { ready } })),
  };
}

describe('GatewayMemo: an EndpointSlice-only change refreshes the endpoints, equal to a full build', () => {
  it('after every step of random slice additions, replacements, clashes and removals', () => {
    fc.assert(
      fc.property(fc.array(sliceOp, { minLength: 1, maxLength: 25 }), (ops) => {
        const memo = new GatewayMemo();
        let slices: KubeObject[] = [];
        memo.build({ ...sliceBase, endpointSlices: slices }, testOptions, CONTROLLER);
        ops.forEach((op, step) => {
          const same = (s: KubeObject) => nameOf(s).name === op.name && nameOf(s).namespace === op.namespace;
          if (op.action === 'remove') slices = slices.filter((s) => !same(s));
          else if (op.action === 'add') slices = [...slices, sliceOf(op, step)];
          else slices = [...slices.filter((s) => !same(s)), sliceOf(op, step)];
          const snapshot = { ...sliceBase, endpointSlices: slices };
          const kept = memo.build(snapshot, testOptions, CONTROLLER);
          const full = gatewayState(snapshot, testOptions, CONTROLLER);
          expect(kept?.endpoints).toEqual(full?.endpoints);
          expect(kept).toEqual(full);
          expect(Object.isFrozen(kept?.endpoints)).toBe(true);
        });
        expect(memo.builds).toBe(1);
      }),
      { numRuns: 150 },
    );
  });

  it('keeps the routes (the same listeners) and changes only the touched backends', () => {
    const memo = new GatewayMemo();
    const web = slice('web', ['10.0.0.1'], 'http', NS);
    const before = memo.build({ ...sliceBase, endpointSlices: [web] }, testOptions, CONTROLLER)!;
    const after = memo.build(
      { ...sliceBase, endpointSlices: [web, slice('api', ['10.0.0.9'], 'http', NS)] },
      testOptions,
      CONTROLLER,
    )!;
    expect(memo).toMatchObject({ builds: 1, refreshed: 1 });
    expect(after.listeners).toBe(before.listeners);
    expect(after.status).toBe(before.status);
    expect(after.endpoints.get(`${NS}/web:8080`)).toBe(before.endpoints.get(`${NS}/web:8080`));
    expect(after.endpoints.get(`${NS}/api:80`)?.usable.map((e) => e.address)).toEqual(['10.0.0.9']);
    expect(before.endpoints.get(`${NS}/api:80`)?.state).toBe('no-endpoints');
  });

  it('builds in full when a Service changes with its slices', () => {
    const memo = new GatewayMemo();
    memo.build(sliceBase, testOptions, CONTROLLER);
    const moved = {
      ...sliceBase,
      services: [...sliceBase.services.filter((s) => nameOf(s).name !== 'api'), service('api', [{ port: 81 }], NS)],
      endpointSlices: [slice('api', ['10.0.0.9'], 'http', NS)],
    };
    expect(memo.build(moved, testOptions, CONTROLLER)).toEqual(gatewayState(moved, testOptions, CONTROLLER));
    expect(memo).toMatchObject({ builds: 2, refreshed: 0 });
  });
});

/** `object` as it comes back after a status write. */
function withStatus(object: KubeObject, round: number): KubeObject {
  return {
    ...object,
    metadata: { ...(object.metadata as object), resourceVersion: String(100 + round), managedFields: [{ round }] },
    status: { parents: [{ round }] },
  };
}

describe('GatewayMemo: the controller writing status is not a change of its inputs', () => {
  it('reuses the build when only status, resourceVersion or managedFields differ; rebuilds for a label', () => {
    const memo = new GatewayMemo();
    const first = memo.build(base, testOptions, CONTROLLER);
    const written = {
      ...base,
      httpRoutes: base.httpRoutes!.map((r) => withStatus(r, 1)),
      gateways: base.gateways!.map((g) => withStatus(g, 1)),
    };
    expect(memo.build(written, testOptions, CONTROLLER)).toBe(first);
    expect(first).toEqual(gatewayState(written, testOptions, CONTROLLER));
    expect(memo).toMatchObject({ builds: 1, reused: 1 });

    const labelled = {
      ...written,
      httpRoutes: written.httpRoutes.map((r) => ({
        ...r,
        metadata: { ...(r.metadata as object), labels: { team: 'a' } },
      })),
    };
    expect(memo.build(labelled, testOptions, CONTROLLER)).not.toBe(first);
    expect(memo.builds).toBe(2);
  });

  it('equals a full build after any mix of status writes, slice moves and spec changes', () => {
    const change = fc.constantFrom('status', 'slice', 'spec');
    fc.assert(
      fc.property(fc.array(change, { minLength: 1, maxLength: 12 }), (changes) => {
        const memo = new GatewayMemo();
        let snapshot = base;
        memo.build(snapshot, testOptions, CONTROLLER);
        changes.forEach((kind, round) => {
          if (kind === 'status')
            snapshot = { ...snapshot, httpRoutes: snapshot.httpRoutes!.map((r) => withStatus(r, round)) };
          else if (kind === 'slice')
            snapshot = { ...snapshot, endpointSlices: [slice('web', [`10.0.1.${round + 1}`], 'http', NS)] };
          else
            snapshot = {
              ...snapshot,
              httpRoutes: snapshot.httpRoutes!.map((r) => ({
                ...r,
                spec: { ...(r.spec as object), hostnames: [`h${round}.example`] },
              })),
            };
          expect(memo.build(snapshot, testOptions, CONTROLLER)).toEqual(
            gatewayState(snapshot, testOptions, CONTROLLER),
          );
        });
        expect(memo.builds).toBe(1 + changes.filter((kind) => kind === 'spec').length);
      }),
      { numRuns: 60 },
    );
  });
});
