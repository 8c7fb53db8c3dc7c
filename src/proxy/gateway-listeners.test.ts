import { describe, expect, it } from 'vitest';
import { emptyRoutingState } from '../controller/routing-state.ts';
import type { RoutingState } from '../controller/state.ts';
import type { GatewayListener } from '../routing/gateway/types.ts';
import { silentLogger } from '../util/logger.ts';
import { GatewayAddressPool } from './gateway-addresses.ts';
import { GatewayListenerManager, type GatewayListenSpec, type OpenListener } from './gateway-listeners.ts';
import { testOptions } from '../../test/support/routing-build-fixtures.ts';

const base = emptyRoutingState(testOptions);

function listener(gateway: string, port: number, protocol: 'HTTP' | 'HTTPS' = 'HTTP'): GatewayListener {
  return {
    gateway,
    gatewayClass: 'sluice',
    requestedAddresses: [],
    serviceType: null,
    port,
    protocol,
    listenerNames: ['l'],
    listenerHostnames: [''],
    table: base.result.table,
    tls: null,
  };
}

function stateWith(listeners: GatewayListener[], generation = 1): RoutingState {
  return {
    ...base,
    generation,
    gateway: {
      listeners,
      endpoints: new Map(),
      status: { gatewayClasses: [], gateways: [], routes: [] },
      problems: [],
    },
  };
}

/** An opener that records what is open; binding `busy` fails like EADDRINUSE. */
function fakeOpener(busy: string[] = []) {
  const open = new Map<string, { spec: GatewayListenSpec; getState: () => RoutingState }>();
  const opener: OpenListener = async (spec, getState) => {
    const key = `${spec.address}:${spec.port}`;
    if (busy.includes(key)) throw new Error('listen EADDRINUSE');
    open.set(key, { spec, getState });
    return { close: async () => void open.delete(key), connections: () => 0 };
  };
  return { open, opener };
}

describe('GatewayListenerManager', () => {
  it('opens one server per Gateway address and port, each reading its own view, and closes the ones that go', async () => {
    const { open, opener } = fakeOpener();
    const manager = new GatewayListenerManager(
      new GatewayAddressPool('127.0.20.0/24', '0.0.0.0'),
      opener,
      silentLogger,
    );
    await manager.update(
      stateWith([listener('infra/a', 80), listener('infra/b', 80), listener('infra/b', 443, 'HTTPS')]),
    );
    const a = manager.addressOf('infra/a')?.address;
    const b = manager.addressOf('infra/b')?.address;
    expect(a).not.toBe(b);
    expect(manager.listening()).toEqual([`${a}:80`, `${b}:443`, `${b}:80`].sort());
    expect(open.get(`${b}:443`)?.spec.protocol).toBe('HTTPS');

    const viewBefore = open.get(`${a}:80`)!.getState();
    await manager.update(stateWith([listener('infra/a', 80)], 2));
    expect(manager.listening()).toEqual([`${a}:80`]);
    expect(manager.addressOf('infra/a')?.address).toBe(a);
    const viewAfter = open.get(`${a}:80`)!.getState();
    expect(viewAfter).not.toBe(viewBefore);
    expect(viewAfter.generation).toBe(2);
    // The listener kept its table (an Ingress or endpoint change): its compiled matcher is reused.
    expect(viewAfter.matcher).toBe(viewBefore.matcher);
    const otherTable = { ...base.result.table, hosts: [...base.result.table.hosts] };
    await manager.update(stateWith([{ ...listener('infra/a', 80), table: otherTable }], 3));
    expect(open.get(`${a}:80`)!.getState().matcher).not.toBe(viewBefore.matcher);
    await manager.close(0);
    expect(open.size).toBe(0);
  });

  it('reports a port it cannot bind, and two Gateways sharing the bind address on one port, as failures', async () => {
    const { opener } = fakeOpener(['127.0.0.1:8443']);
    const manager = new GatewayListenerManager(new GatewayAddressPool(null, '127.0.0.1'), opener, silentLogger);
    await manager.update(stateWith([listener('infra/a', 80), listener('infra/b', 80), listener('infra/b', 8443)]));
    expect(manager.listening()).toEqual(['127.0.0.1:80']);
    expect(manager.infoOf('infra/a')).toEqual({ address: '127.0.0.1', problem: null, failures: [] });
    expect(manager.failuresOf('infra/b')).toEqual([
      'port 80: 127.0.0.1:80 is served for Gateway infra/a',
      'port 8443: cannot listen on 127.0.0.1:8443: listen EADDRINUSE',
    ]);
    await manager.close(0);
  });
});
