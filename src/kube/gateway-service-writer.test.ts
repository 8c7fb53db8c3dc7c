import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startApiEmulator, type ApiEmulator } from '../../e2e/support/api-emulator.ts';
import { writeKubeconfig } from '../../e2e/support/kubeconfig.ts';
import { gatewayObject, GATEWAY_CLASS, stateServing } from '../../test/support/kube-gateway-services.ts';
import { alwaysLeader } from '../../test/support/kube-leadership.ts';
import { waitFor } from '../../test/support/wait-for.ts';
import { silentLogger } from '../util/logger.ts';
import { OWNER_LABEL, serviceNameOf } from './gateway-service-model.ts';
import { createGatewayServiceWriter, type GatewayServiceWriter } from './gateway-service-writer.ts';
import { watchGatewayServices, type GatewayServicesWatch } from './gateway-services-watch.ts';
import { loadKubeConfig } from './kube-config.ts';

const OWNER = 'sluice.dev.gateway-controller';
const SELECTOR = { 'app.kubernetes.io/name': 'sluice' };
/** What a Gateway's parametersRef ConfigMap chose, as the build puts it on the listeners. */
const chosen = (type: 'NodePort' | 'ClusterIP') => ({ type, from: 'Gateway', configMap: 'sluice/p' }) as const;

describe('Gateway Service writer (leader) and watch (every replica)', () => {
  let api: ApiEmulator;
  let watch: GatewayServicesWatch;
  let replica: GatewayServicesWatch;
  let writer: GatewayServiceWriter;
  let selectorReads = 0;

  beforeEach(async () => {
    api = await startApiEmulator({ gatewayApi: true });
    api.apply(GATEWAY_CLASS);
    api.apply(gatewayObject('sluice', 'edge'));
    const kubeConfig = loadKubeConfig(writeKubeconfig(api.url));
    if (kubeConfig === null) throw new Error('no kubeconfig');
    const watchOptions = { kubeConfig, namespace: 'sluice', ownerValue: OWNER, log: silentLogger };
    watch = watchGatewayServices(watchOptions);
    replica = watchGatewayServices(watchOptions);
    selectorReads = 0;
    writer = createGatewayServiceWriter({
      kubeConfig,
      log: silentLogger,
      leadership: alwaysLeader,
      services: watch,
      settings: {
        namespace: 'sluice',
        ownerValue: OWNER,
        ports: { first: 21000, last: 21099 },
        defaultType: 'LoadBalancer',
      },
      selector: async () => {
        selectorReads += 1;
        return SELECTOR;
      },
      find: (kind, namespace, name) => api.get(kind, namespace === '' ? undefined : namespace, name),
      backoff: { initialMs: 20, maxMs: 50, factor: 2, jitter: 0 },
    });
    watch.start();
    replica.start();
  });

  afterEach(async () => {
    await writer.stop();
    await Promise.all([watch.stop(), replica.stop()]);
    await api.close();
  });

  const name = serviceNameOf('sluice/edge');

  it('creates the Service, every replica reads the same container ports, and the leader deletes it when unused', async () => {
    // Services that are not ours: never touched.
    api.apply({ apiVersion: 'v1', kind: 'Service', metadata: { namespace: 'sluice', name: 'plain' }, spec: {} });
    api.apply({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { namespace: 'sluice', name: 'theirs', labels: { [OWNER_LABEL]: 'example.com.other' } },
      spec: {},
    });
    writer.published(stateServing([]));
    await writer.idle();
    expect(selectorReads).toBe(0);
    expect(api.callsOf('create', 'services')).toEqual([]);

    writer.published(
      stateServing([
        ['sluice/edge', 80],
        ['sluice/edge', 443],
      ]),
    );
    const service = await waitFor(() => api.get('Service', 'sluice', name), { what: 'the Service' });
    expect(service.spec.selector).toEqual(SELECTOR);
    expect(service.metadata.ownerReferences[0]).toMatchObject({
      kind: 'Gateway',
      name: 'edge',
      uid: 'uid-sluice-edge',
    });
    const mapped = await waitFor(() => replica.serviceOf('sluice/edge')?.ports, { what: 'the replica to see it' });
    expect([...mapped.keys()]).toEqual([80, 443]);
    for (const port of service.spec.ports) expect(mapped.get(port.port)).toBe(port.targetPort);
    await writer.idle();
    expect(api.callsOf('create', 'services')).toHaveLength(1);
    expect(api.callsOf('update', 'services')).toHaveLength(0);
    expect(selectorReads).toBe(1);

    api.modify('Service', 'sluice', name, (s) => {
      s.status = { loadBalancer: { ingress: [{ ip: '127.0.0.9' }] } };
    });
    await waitFor(() => watch.addressesOf('sluice/edge')?.[0]?.value === '127.0.0.9', { what: 'the LB address' });
    expect(watch.addressesOf('sluice/edge')).toEqual([{ type: 'IPAddress', value: '127.0.0.9' }]);

    writer.published(stateServing([]));
    await waitFor(() => api.get('Service', 'sluice', name) === undefined, { what: 'the Service deleted' });
    expect(api.get('Service', 'sluice', 'plain')).toBeDefined();
    expect(api.get('Service', 'sluice', 'theirs')).toBeDefined();
    expect(api.callsOf('delete', 'services').map((c) => c.name)).toEqual([name]);
  });

  it('follows the service-type annotation and puts back a Service someone changed', async () => {
    writer.published(stateServing([['sluice/edge', 80]]));
    await waitFor(() => api.get('Service', 'sluice', name), { what: 'the Service' });
    api.modify('Gateway', 'sluice', 'edge', (g) => {
      g.metadata.annotations = { 'sluice.dev/service-type': 'ClusterIP' };
    });
    writer.published(stateServing([['sluice/edge', 80]]));
    await waitFor(() => api.get('Service', 'sluice', name)?.spec.type === 'ClusterIP', { what: 'the type change' });
    api.modify('Service', 'sluice', name, (s) => {
      s.spec.selector = { app: 'other' };
    });
    await waitFor(() => api.get('Service', 'sluice', name)?.spec.selector?.app === undefined, {
      what: 'the selector back',
    });
    expect(api.get('Service', 'sluice', name)?.spec.selector).toEqual(SELECTOR);
  });

  it('follows the type a parametersRef ConfigMap chooses (the build puts it on the listeners)', async () => {
    writer.published(stateServing([['sluice/edge', 80]], chosen('NodePort')));
    await waitFor(() => api.get('Service', 'sluice', name)?.spec.type === 'NodePort', { what: 'a NodePort Service' });
    writer.published(stateServing([['sluice/edge', 80]], chosen('ClusterIP')));
    await waitFor(() => api.get('Service', 'sluice', name)?.spec.type === 'ClusterIP', { what: 'the type change' });
    expect(api.callsOf('update', 'services').map((c) => c.name)).toEqual([name]);
  });

  it('retries a refused write', async () => {
    api.failNext(1, 500, { verb: 'create', resource: 'services' });
    writer.published(stateServing([['sluice/edge', 80]]));
    await waitFor(() => api.get('Service', 'sluice', name), { what: 'the Service after a retry' });
    expect(writer.stats().failures).toBe(1);
    await writer.idle();
    expect(writer.stats().failing).toBe(false);
  });
});
