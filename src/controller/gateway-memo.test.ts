import { describe, expect, it } from 'vitest';
import { ingress, service, slice, testOptions } from '../../test/support/routing-build-fixtures.ts';
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

    // An EndpointSlice change (a new object) is a Gateway input: built again, and the endpoints follow.
    const moved = { ...base, endpointSlices: [slice('web', ['10.0.0.2'], 'http', NS)] };
    const second = memo.build(moved, testOptions, CONTROLLER);
    expect(second).not.toBe(first);
    expect(second).toEqual(gatewayState(moved, testOptions, CONTROLLER));

    // So is a route.
    const renamed = { ...moved, httpRoutes: [httpRoute('r2', route.spec as Record<string, unknown>)] };
    expect(memo.build(renamed, testOptions, CONTROLLER)).not.toBe(second);
    expect(memo.builds).toBe(3);
  });
});
