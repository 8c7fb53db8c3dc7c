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
});
