import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startApiEmulator, type ApiEmulator } from '../../e2e/support/api-emulator.ts';
import { writeKubeconfig } from '../../e2e/support/kubeconfig.ts';
import { alwaysLeader } from '../../test/support/kube-leadership.ts';
import { testOptions } from '../../test/support/routing-build-fixtures.ts';
import { emptyRoutingState } from '../controller/routing-state.ts';
import type { RoutingState } from '../controller/state.ts';
import type { GatewayStatusSet } from '../routing/gateway/types.ts';
import { silentLogger } from '../util/logger.ts';
import { createGatewayStatusWriter, type GatewayStatusWriter } from './gateway-status-writer.ts';
import { loadKubeConfig } from './kube-config.ts';

const condition = (generation: number) => ({
  type: 'Accepted',
  status: 'True' as const,
  reason: 'Accepted',
  message: 'handled by sluice',
  observedGeneration: generation,
});

/** Gateway apps/gw's status data, its Accepted condition saying `message`. */
function gatewayWith(message: string) {
  return { namespace: 'apps', name: 'gw', generation: 1, conditions: [{ ...condition(1), message }], listeners: [] };
}

function stateWith(status: GatewayStatusSet, generation: number): RoutingState {
  return {
    ...emptyRoutingState(testOptions),
    generation,
    gateway: { listeners: [], endpoints: new Map(), status, problems: [] },
  };
}

describe('Gateway API status writer', () => {
  let api: ApiEmulator;
  let writer: GatewayStatusWriter;

  beforeEach(async () => {
    api = await startApiEmulator({ gatewayApi: true });
    api.apply({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'GatewayClass',
      metadata: { name: 'sluice' },
      spec: { controllerName: 'sluice.dev/gateway-controller' },
    });
    const kubeConfig = loadKubeConfig(writeKubeconfig(api.url));
    if (kubeConfig === null) throw new Error('no kubeconfig');
    writer = createGatewayStatusWriter({
      kubeConfig,
      log: silentLogger,
      leadership: alwaysLeader,
      controllerName: 'sluice.dev/gateway-controller',
      // The store as an informer would hold it: what the emulator has now.
      find: (kind, namespace, name) => api.get(kind, namespace === '' ? undefined : namespace, name),
      addresses: null,
      now: () => '2026-12-07T00:00:00Z',
    });
  });

  afterEach(async () => {
    await writer.stop();
    await api.close();
  });

  it('writes GatewayClass status through the status subresource once, and not again while nothing changed', async () => {
    const status: GatewayStatusSet = {
      gatewayClasses: [
        { name: 'sluice', generation: 1, conditions: [condition(1)], supportedFeatures: [{ name: 'Gateway' }] },
      ],
      gateways: [],
      routes: [],
    };
    writer.published(stateWith(status, 1));
    await writer.idle();
    expect(api.get('GatewayClass', undefined, 'sluice')?.status).toEqual({
      conditions: [{ ...condition(1), lastTransitionTime: '2026-12-07T00:00:00Z' }],
      supportedFeatures: [{ name: 'Gateway' }],
    });
    writer.published(stateWith(status, 2));
    await writer.idle();
    const patches = api.callsOf('patch', 'gatewayclasses');
    expect(patches).toHaveLength(1);
    expect(patches[0].subresource).toBe('status');
    expect(writer.stats()).toMatchObject({ writes: 1, failures: 0 });
  });
  it("writes a Gateway's status while a long run of route statuses is still being written", async () => {
    const ROUTES = 200;
    api.apply({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: { namespace: 'apps', name: 'gw' },
      spec: { gatewayClassName: 'sluice', listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }] },
    });
    const routes = [];
    for (let i = 0; i < ROUTES; i++) {
      api.apply({
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'HTTPRoute',
        metadata: { namespace: 'apps', name: `r${i}` },
        spec: { parentRefs: [{ name: 'gw' }] },
      });
      routes.push({
        kind: 'HTTPRoute' as const,
        namespace: 'apps',
        name: `r${i}`,
        generation: 1,
        parents: [
          {
            parentRef: { group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: 'apps', name: 'gw' },
            controllerName: 'sluice.dev/gateway-controller',
            conditions: [condition(1)],
          },
        ],
      });
    }
    const gatewayMessage = () => api.get('Gateway', 'apps', 'gw')?.status?.conditions?.[0]?.message;
    writer.published(stateWith({ gatewayClasses: [], gateways: [gatewayWith('first')], routes }, 1));
    while (gatewayMessage() !== 'first') await new Promise((done) => setTimeout(done, 1));
    // The route statuses are being written now; a new state (or a changed address) for the Gateway is not
    // queued behind them.
    writer.published(stateWith({ gatewayClasses: [], gateways: [gatewayWith('second')], routes }, 2));
    while (gatewayMessage() !== 'second') await new Promise((done) => setTimeout(done, 1));
    expect(api.callsOf('patch', 'httproutes').length).toBeLessThan(ROUTES);
    await writer.idle();
    expect(api.callsOf('patch', 'httproutes')).toHaveLength(ROUTES);
    expect(api.get('HTTPRoute', 'apps', `r${ROUTES - 1}`)?.status?.parents).toHaveLength(1);
  });
});
