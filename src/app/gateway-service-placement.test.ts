import { describe, expect, it } from 'vitest';
import { fakeServiceView } from '../../test/support/kube-gateway-services.ts';
import { testOptions } from '../../test/support/routing-build-fixtures.ts';
import { emptyRoutingState } from '../controller/routing-state.ts';
import type { RoutingState } from '../controller/state.ts';
import type { GatewayListener } from '../routing/gateway/types.ts';
import { GatewayListenerManager, type OpenListener } from '../proxy/gateway-listeners.ts';
import { silentLogger } from '../util/logger.ts';
import { servicePlacement } from './gateway-service-placement.ts';

const base = emptyRoutingState(testOptions);

function stateServing(listeners: [string, number][]): RoutingState {
  const list = listeners.map(
    ([gateway, port]): GatewayListener => ({
      gateway,
      gatewayClass: 'sluice',
      requestedAddresses: [],
      serviceType: null,
      port,
      protocol: 'HTTP',
      listenerNames: ['l'],
      listenerHostnames: [''],
      table: base.result.table,
      tls: null,
    }),
  );
  return {
    ...base,
    gateway: {
      listeners: list,
      endpoints: new Map(),
      status: { gatewayClasses: [], gateways: [], routes: [] },
      problems: [],
    },
  };
}

describe('listeners placed by the provisioned Services', () => {
  it('binds each listener on its container port at the bind address, and waits for a Service it lacks', async () => {
    const view = fakeServiceView(new Map([['infra/a', new Map([[80, 20001]])]]));
    const open = new Set<string>();
    const opener: OpenListener = async (spec) => {
      open.add(`${spec.gateway} ${spec.address}:${spec.port}`);
      return {
        close: async () => void open.delete(`${spec.gateway} ${spec.address}:${spec.port}`),
        connections: () => 0,
      };
    };
    const manager = new GatewayListenerManager(servicePlacement(view, '127.0.0.1'), opener, silentLogger);
    const state = stateServing([
      ['infra/a', 80],
      ['infra/a', 443],
      ['infra/b', 80],
    ]);
    await manager.update(state);
    expect([...open]).toEqual(['infra/a 127.0.0.1:20001']);
    expect(manager.infoOf('infra/a')).toEqual({
      address: '127.0.0.1',
      problem: null,
      failures: ['port 443: its Service maps it to no container port yet'],
    });
    expect(manager.infoOf('infra/b')).toEqual({
      address: null,
      problem: 'its Service is not provisioned yet',
      failures: ['port 80: no address'],
    });
    // A Gateway asking for spec.addresses cannot have them through a Service: not served, and told why.
    const placement = servicePlacement(view, '127.0.0.1');
    expect(placement.assign([{ gateway: 'infra/a', requested: ['192.0.2.10'] }]).get('infra/a')).toMatchObject({
      address: null,
      unusable: true,
      problem: expect.stringContaining('--gateway-address-pool'),
    });

    // The Services written: every port moves to (or opens on) its container port.
    view.ports.set(
      'infra/a',
      new Map([
        [80, 20005],
        [443, 20002],
      ]),
    );
    view.ports.set('infra/b', new Map([[80, 20003]]));
    await manager.update(state);
    expect([...open].sort()).toEqual(['infra/a 127.0.0.1:20002', 'infra/a 127.0.0.1:20005', 'infra/b 127.0.0.1:20003']);
    expect(manager.failuresOf('infra/a')).toEqual([]);
    await manager.close(0);
    expect(open.size).toBe(0);
  });
});
