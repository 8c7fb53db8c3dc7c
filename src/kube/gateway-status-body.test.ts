import { describe, expect, it } from 'vitest';
import type { GatewayStatus, RouteStatus } from '../routing/gateway/types.ts';
import { gatewayBody, routeBody, sameStatus, timed } from './gateway-status-body.ts';

const accepted = (status: 'True' | 'False', generation = 2) => ({
  type: 'Accepted',
  status,
  reason: status === 'True' ? 'Accepted' : 'NotAllowedByListeners',
  message: '',
  observedGeneration: generation,
});
const programmed = {
  type: 'Programmed',
  status: 'True' as const,
  reason: 'Programmed',
  message: '',
  observedGeneration: 2,
};

describe('Gateway API status bodies', () => {
  it('keeps lastTransitionTime while a condition keeps its status, and moves it when the status changes', () => {
    const old = { conditions: [{ type: 'Accepted', status: 'True', lastTransitionTime: '2026-01-01T00:00:00Z' }] };
    expect(timed([accepted('True')], old, 'NOW')[0].lastTransitionTime).toBe('2026-01-01T00:00:00Z');
    expect(timed([accepted('False')], old, 'NOW')[0].lastTransitionTime).toBe('NOW');
    expect(timed([accepted('True')], undefined, 'NOW')[0].lastTransitionTime).toBe('NOW');
  });

  it('names the pool address and turns Programmed False when the Gateway has no address or a port failed', () => {
    const status: GatewayStatus = {
      namespace: 'infra',
      name: 'edge',
      generation: 2,
      conditions: [accepted('True'), programmed],
      listeners: [],
    };
    const served = gatewayBody(status, {}, { address: '127.0.20.7', problem: null, failures: [] }, 'NOW');
    expect(served.addresses).toEqual([{ type: 'IPAddress', value: '127.0.20.7' }]);
    expect((served.conditions as { type: string; status: string }[])[1].status).toBe('True');
    const none = gatewayBody(
      status,
      {},
      { address: null, problem: 'the address pool is exhausted', failures: [] },
      'NOW',
    );
    expect((none.conditions as object[])[1]).toMatchObject({ status: 'False', reason: 'AddressNotAssigned' });
    expect(none.addresses).toBeNull();
    const unusable = gatewayBody(
      status,
      {},
      { address: null, problem: '10.1.1.1 is not in the address pool', unusable: true, failures: [] },
      'NOW',
    );
    expect((unusable.conditions as object[])[1]).toMatchObject({
      status: 'False',
      reason: 'AddressNotUsable',
      message: '10.1.1.1 is not in the address pool',
    });
    const failed = gatewayBody(
      status,
      {},
      { address: '127.0.20.7', problem: null, failures: ['port 80: in use'] },
      'NOW',
    );
    expect((failed.conditions as object[])[1]).toMatchObject({
      status: 'False',
      reason: 'Invalid',
      message: 'port 80: in use',
    });
    // Without a pool the Gateways share the bind address: no address is published for 0.0.0.0.
    expect(gatewayBody(status, {}, { address: '0.0.0.0', problem: null, failures: [] }, 'NOW').addresses).toBeNull();
  });

  it("replaces our route parents and keeps other controllers' entries", () => {
    const status: RouteStatus = {
      kind: 'HTTPRoute',
      namespace: 'apps',
      name: 'web',
      generation: 2,
      parents: [
        {
          parentRef: { group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: 'infra', name: 'edge' },
          controllerName: 'sluice.dev/gateway-controller',
          conditions: [accepted('True')],
        },
      ],
    };
    const theirs = { parentRef: { name: 'other' }, controllerName: 'example.com/other', conditions: [] };
    const ours = {
      parentRef: { name: 'edge', namespace: 'infra' },
      controllerName: 'sluice.dev/gateway-controller',
      conditions: [{ type: 'Accepted', status: 'True', lastTransitionTime: 'EARLIER' }],
    };
    const body = routeBody(status, { status: { parents: [theirs, ours] } }, 'sluice.dev/gateway-controller', 'NOW');
    const parents = body.parents as { controllerName: string; conditions: { lastTransitionTime: string }[] }[];
    expect(parents[0]).toEqual(theirs);
    expect(parents).toHaveLength(2);
    expect(parents[1].conditions[0].lastTransitionTime).toBe('EARLIER');
  });

  it('compares a wanted body with the object ignoring key order, null and absence alike', () => {
    const object = { status: { b: [1, { y: 2, x: 1 }], a: 'x' } };
    expect(sameStatus({ a: 'x', b: [1, { x: 1, y: 2 }] }, object)).toBe(true);
    expect(sameStatus({ a: 'x', b: [1, { x: 1, y: 3 }] }, object)).toBe(false);
    expect(sameStatus({ addresses: null }, object)).toBe(true);
    expect(sameStatus({ addresses: [] }, object)).toBe(false);
  });

  it('takes status.addresses from the provisioned Service when there is one (IPs and hostnames)', () => {
    const status: GatewayStatus = {
      namespace: 'infra',
      name: 'edge',
      generation: 2,
      conditions: [accepted('True'), programmed],
      listeners: [],
    };
    const lb = [
      { type: 'IPAddress', value: '203.0.113.7' },
      { type: 'Hostname', value: 'edge.lb.example' },
    ];
    const info = { address: '0.0.0.0', problem: null, failures: [], addresses: lb };
    expect(gatewayBody(status, {}, info, 'NOW').addresses).toEqual(lb);
    // A Service without an address yet: none published (not the bind address).
    expect(gatewayBody(status, {}, { ...info, address: '10.0.0.5', addresses: [] }, 'NOW').addresses).toBeNull();
  });
});
