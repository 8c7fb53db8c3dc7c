import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startApiEmulator, type ApiEmulator } from '../../e2e/support/api-emulator.ts';
import { writeKubeconfig } from '../../e2e/support/kubeconfig.ts';
import { silentLogger } from '../util/logger.ts';
import { loadKubeConfig } from './kube-config.ts';
import { createKubeCluster, type KubeCluster } from './kube-cluster.ts';
import { stateWith } from '../../test/support/kube-fixtures.ts';
import { waitFor } from '../../test/support/wait-for.ts';

describe('createKubeCluster', () => {
  let api: ApiEmulator;
  let cluster: KubeCluster;

  beforeEach(async () => {
    api = await startApiEmulator();
    api.apply({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { namespace: 'default', name: 'ours' },
      spec: {},
    });
    cluster = createKubeCluster({
      kubeConfig: loadKubeConfig(writeKubeconfig(api.url))!,
      log: silentLogger,
      watchNamespaces: [],
      publishService: null,
      publishStatusAddresses: ['10.0.0.1'],
      electionId: 'sluice-test',
    });
  });

  afterEach(async () => {
    await cluster.source.stop();
    await Promise.all(cluster.sinks.map((sink) => sink.stop()));
    await cluster.stop();
    await api.close();
  });

  it('wires source, election and sinks: the leader writes status and posts events, and releases on stop', async () => {
    await cluster.source.start(() => {});
    cluster.start();
    await waitFor(() => cluster.source.synced() && cluster.leader.isLeader(), { what: 'sync and leadership' });
    const problem = {
      code: 'InvalidPath',
      object: { kind: 'Ingress', namespace: 'default', name: 'ours' },
      field: 'spec',
      message: 'bad',
    };
    for (const sink of cluster.sinks) sink.published(stateWith(['default/ours'], [problem]));
    await waitFor(() => cluster.stats().status?.writes === 1 && cluster.stats().events.emitted === 1, {
      what: 'status and event',
    });
    expect(api.get('Ingress', 'default', 'ours')?.status?.loadBalancer?.ingress).toEqual([{ ip: '10.0.0.1' }]);
    expect(cluster.stats()).toMatchObject({ leader: true, identity: cluster.leader.identity });
    expect(
      cluster
        .stats()
        .informers.map((informer) => informer.name)
        .sort(),
    ).toEqual(['configmaps', 'endpointslices', 'ingressclasses', 'ingresses', 'opaque-secrets', 'secrets', 'services']);
    await cluster.stop();
    expect(api.list('Lease')[0]?.spec?.holderIdentity).toBe('');
  });
});
