import { describe, expect, it } from 'vitest';
import { startApiEmulator } from '../../e2e/support/api-emulator.ts';
import { writeKubeconfig } from '../../e2e/support/kubeconfig.ts';
import { GATEWAY_CLASS, gatewayObject, stateServing } from '../../test/support/kube-gateway-services.ts';
import { alwaysLeader } from '../../test/support/kube-leadership.ts';
import { waitFor } from '../../test/support/wait-for.ts';
import { silentLogger } from '../util/logger.ts';
import { provisionGatewayServices } from './gateway-provisioning.ts';
import { loadKubeConfig } from './kube-config.ts';

describe('Gateway Service provisioning, wired', () => {
  it('starts watching only with the Gateway API, and a Gateway without its Service says why', async () => {
    const api = await startApiEmulator({ gatewayApi: true });
    const kubeConfig = loadKubeConfig(writeKubeconfig(api.url));
    if (kubeConfig === null) throw new Error('no kubeconfig');
    api.apply(GATEWAY_CLASS);
    api.apply(gatewayObject('sluice', 'edge'));
    const provisioning = provisionGatewayServices({
      kubeConfig,
      log: silentLogger,
      leadership: alwaysLeader,
      controllerName: 'sluice.dev/gateway-controller',
      source: { findGatewayApiObject: (kind, ns, name) => api.get(kind, ns === '' ? undefined : ns, name) },
      containerPorts: { first: 22000, last: 22009 },
      serviceType: 'LoadBalancer',
      namespace: 'sluice',
    });
    try {
      const { gateway: _none, ...ingressOnly } = stateServing([]);
      provisioning.sink.published(ingressOnly);
      expect(api.callsOf('list', 'services')).toEqual([]);

      // No $POD_NAME in this process: the selector cannot be read, so the Service cannot be written.
      const env = process.env.POD_NAME;
      delete process.env.POD_NAME;
      try {
        provisioning.sink.published(stateServing([['sluice/edge', 80]]));
        await waitFor(() => provisioning.writer.stats().failing, { what: 'the failing pass' });
      } finally {
        if (env !== undefined) process.env.POD_NAME = env;
      }
      expect(api.callsOf('list', 'services')).toHaveLength(1);
      const info = { address: null, problem: 'its Service is not provisioned yet', failures: [] };
      expect(provisioning.withServiceAddresses('sluice/edge', info)).toEqual({
        ...info,
        problem: "its Service is not provisioned yet: $POD_NAME is not set: cannot read the sluice pods' labels",
        addresses: [],
      });
    } finally {
      await provisioning.sink.stop();
      await provisioning.watch.stop();
      await api.close();
    }
  });
});
