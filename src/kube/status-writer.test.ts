import type { KubeConfig } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startApiEmulator, type ApiEmulator } from '../../e2e/support/api-emulator.ts';
import { writeKubeconfig } from '../../e2e/support/kubeconfig.ts';
import { silentLogger } from '../util/logger.ts';
import { loadKubeConfig } from './kube-config.ts';
import { createKubeSource, type KubeSource } from './kube-source.ts';
import { manualLeadership, stateWith } from '../../test/support/kube-fixtures.ts';
import { alwaysLeader } from '../../test/support/kube-leadership.ts';
import type { Leadership } from './leadership.ts';
import { fromStatusAddresses } from './load-balancer-ingress.ts';
import { publishServiceSource, staticAddressSource, type AddressSource } from './publish-service.ts';
import { createStatusWriter, type StatusWriter } from './status-writer.ts';
import { waitFor } from '../../test/support/wait-for.ts';

const fastBackoff = { initialMs: 20, maxMs: 200, factor: 2, jitter: 0.5 };

const ingress = (name: string, status?: unknown) => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: { namespace: 'default', name },
  spec: { rules: [{ host: `${name}.example` }] },
  ...(status === undefined ? {} : { status }),
});

const node = (name: string, addresses: { type: string; address: string }[]) => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name },
  status: { addresses },
});

const lbStatus = (...ips: string[]) => ({ loadBalancer: { ingress: ips.map((ip) => ({ ip })) } });

describe('createStatusWriter against the API emulator', () => {
  let api: ApiEmulator;
  let kubeConfig: KubeConfig;
  let source: KubeSource;
  let writer: StatusWriter | null;

  beforeEach(async () => {
    api = await startApiEmulator();
    kubeConfig = loadKubeConfig(writeKubeconfig(api.url))!;
    writer = null;
    api.apply(ingress('ours'));
    api.apply(ingress('theirs', lbStatus('192.0.2.9')));
    source = createKubeSource({ kubeConfig, watchNamespaces: ['default'], log: silentLogger, backoff: fastBackoff });
    await source.start(() => {});
    await waitFor(() => source.synced(), { what: 'sync' });
  });

  afterEach(async () => {
    await writer?.stop();
    await source.stop();
    await api.close();
  });

  function startWriter(addresses: AddressSource, leadership: Leadership = alwaysLeader): StatusWriter {
    writer = createStatusWriter({
      kubeConfig,
      log: silentLogger,
      leadership,
      addresses,
      findIngress: (namespace, name) => source.findIngress(namespace, name),
      backoff: fastBackoff,
    });
    return writer;
  }

  const statusOf = (name: string) => api.get('Ingress', 'default', name)?.status?.loadBalancer?.ingress;
  const patches = (name?: string) =>
    api.callsOf('patch', 'ingresses').filter((call) => name === undefined || call.name === name);

  it('writes our Ingresses only, and only when the value differs', async () => {
    const status = startWriter(staticAddressSource(fromStatusAddresses(['lb.example', '10.0.0.1', ' '])));
    status.published(stateWith(['default/ours']));
    await waitFor(() => statusOf('ours'), { what: 'the status' });
    expect(statusOf('ours')).toEqual([{ ip: '10.0.0.1' }, { hostname: 'lb.example' }]);
    expect(patches('ours')[0]).toMatchObject({ subresource: 'status' });
    expect(statusOf('theirs')).toEqual([{ ip: '192.0.2.9' }]);

    // Once the informer has seen the write, further publishes write nothing.
    await waitFor(() => source.findIngress('default', 'ours')?.status !== undefined, {
      what: 'the informer to see it',
    });
    for (let generation = 2; generation < 5; generation++)
      status.published(stateWith(['default/ours'], [], generation));
    await status.idle();
    expect(patches()).toHaveLength(1);
    expect(status.stats()).toMatchObject({ writes: 1, failures: 0 });

    // Someone else changes it: the next publish puts it back.
    api.modify('Ingress', 'default', 'ours', (object) => {
      object.status = lbStatus('203.0.113.1');
    });
    await waitFor(() => JSON.stringify(source.findIngress('default', 'ours')?.status).includes('203.0.113.1'), {
      what: 'the informer to see that',
    });
    status.published(stateWith(['default/ours'], [], 5));
    await waitFor(() => JSON.stringify(statusOf('ours')).includes('10.0.0.1'), { what: 'the rewrite' });
    expect(patches('theirs')).toHaveLength(0);
  });

  it('does not write before the routes of that Ingress are published, and writes nothing when not leader', async () => {
    const leadership = manualLeadership(false);
    const status = startWriter(staticAddressSource(fromStatusAddresses(['10.0.0.1'])), leadership);
    await status.idle();
    expect(patches()).toHaveLength(0);
    status.published(stateWith(['default/ours']));
    await status.idle();
    expect(patches()).toHaveLength(0);
    leadership.set(true);
    await waitFor(() => statusOf('ours'), { what: 'the status' });
    expect(statusOf('ours')).toEqual([{ ip: '10.0.0.1' }]);
  });

  it('retries failed writes with backoff', async () => {
    api.failNext(2, 500, { verb: 'patch', resource: 'ingresses' });
    const status = startWriter(staticAddressSource(fromStatusAddresses(['10.0.0.1'])));
    status.published(stateWith(['default/ours']));
    await waitFor(() => status.stats().writes === 1, { what: 'the write' });
    expect(statusOf('ours')).toEqual([{ ip: '10.0.0.1' }]);
    expect(status.stats().failures).toBe(2);
    expect(patches('ours')).toHaveLength(3);
  });

  it('publishes a LoadBalancer Service address and follows its changes', async () => {
    api.apply({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { namespace: 'ingress', name: 'sluice' },
      spec: { type: 'LoadBalancer', clusterIP: '10.96.0.10' },
      status: lbStatus('198.51.100.7'),
    });
    const addresses = publishServiceSource({
      kubeConfig,
      service: 'ingress/sluice',
      log: silentLogger,
      backoff: fastBackoff,
    });
    const status = startWriter(addresses);
    status.published(stateWith(['default/ours']));
    await waitFor(() => statusOf('ours'), { what: 'the status' });
    expect(statusOf('ours')).toEqual([{ ip: '198.51.100.7' }]);

    api.modify('Service', 'ingress', 'sluice', (object) => {
      object.status = { loadBalancer: { ingress: [{ hostname: 'lb.cloud.example' }] } };
    });
    await waitFor(() => JSON.stringify(statusOf('ours')) === JSON.stringify([{ hostname: 'lb.cloud.example' }]), {
      what: 'the rewrite',
    });
    expect(statusOf('theirs')).toEqual([{ ip: '192.0.2.9' }]);
    expect(api.callsOf('list', 'services').some((call) => call.namespace === 'ingress')).toBe(true);
  });

  it('publishes node addresses for a NodePort Service (ExternalIP, else InternalIP)', async () => {
    api.apply(
      node('a', [
        { type: 'InternalIP', address: '10.1.0.1' },
        { type: 'ExternalIP', address: '198.51.100.1' },
      ]),
    );
    api.apply(
      node('b', [
        { type: 'InternalIP', address: '10.1.0.2' },
        { type: 'Hostname', address: 'b' },
      ]),
    );
    api.apply({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { namespace: 'ingress', name: 'sluice' },
      spec: { type: 'NodePort', clusterIP: '10.96.0.10' },
    });
    const status = startWriter(
      publishServiceSource({ kubeConfig, service: 'ingress/sluice', log: silentLogger, backoff: fastBackoff }),
    );
    status.published(stateWith(['default/ours']));
    await waitFor(() => statusOf('ours'), { what: 'the status' });
    expect(statusOf('ours')).toEqual([{ ip: '10.1.0.2' }, { ip: '198.51.100.1' }]);
    api.remove('Node', undefined, 'b');
    await waitFor(() => JSON.stringify(statusOf('ours')) === JSON.stringify([{ ip: '198.51.100.1' }]), {
      what: 'the rewrite',
    });
  });

  it('writes nothing while the publish Service does not exist', async () => {
    const status = startWriter(
      publishServiceSource({ kubeConfig, service: 'ingress/missing', log: silentLogger, backoff: fastBackoff }),
    );
    await api.waitForWatches('services', 2);
    status.published(stateWith(['default/ours']));
    await status.idle();
    expect(patches()).toHaveLength(0);
  });
});
