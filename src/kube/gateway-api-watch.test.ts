import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startApiEmulator, type ApiEmulator } from '../../e2e/support/api-emulator.ts';
import { writeKubeconfig } from '../../e2e/support/kubeconfig.ts';
import { recordingLogger } from '../../test/support/kube-recording-logger.ts';
import { waitFor } from '../../test/support/wait-for.ts';
import { loadKubeConfig } from './kube-config.ts';
import { createKubeSource, type KubeSource } from './kube-source.ts';

const fastBackoff = { initialMs: 20, maxMs: 200, factor: 2, jitter: 0.5 };
const gatewayApi = 'gateway.networking.k8s.io';

const gateway = (namespace: string, name: string) => ({
  apiVersion: `${gatewayApi}/v1`,
  kind: 'Gateway',
  metadata: { namespace, name },
  spec: { gatewayClassName: 'sluice', listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }] },
});

function names(objects: readonly unknown[] | undefined): string[] {
  return (objects ?? []).map((object) => {
    const metadata = (object as { metadata: { namespace?: string; name: string } }).metadata;
    return metadata.namespace === undefined ? metadata.name : `${metadata.namespace}/${metadata.name}`;
  });
}

describe('kube source: the Gateway API kinds', () => {
  let api: ApiEmulator;
  let source: KubeSource | null = null;
  const log = recordingLogger();

  beforeEach(async () => {
    api = await startApiEmulator();
    log.lines.length = 0;
  });

  afterEach(async () => {
    await source?.stop();
    source = null;
    await api.close();
  });

  async function start(recheckMs: number, watchNamespaces: string[] | null = null): Promise<KubeSource> {
    const kubeConfig = loadKubeConfig(writeKubeconfig(api.url));
    if (kubeConfig === null) throw new Error('no kubeconfig');
    source = createKubeSource({
      kubeConfig,
      watchNamespaces,
      log,
      backoff: fastBackoff,
      gatewayApiRecheckMs: recheckMs,
    });
    await source.start(() => {});
    return source;
  }

  const absentLines = () => log.lines.filter((line) => line.msg.startsWith('Gateway API CRDs are not installed'));

  it('is ready without the CRDs, says so once across many rechecks, and starts watching once they are installed', async () => {
    const kube = await start(50);
    await waitFor(() => kube.synced(), { what: 'synced without the CRDs' });
    expect(kube.snapshot().gateways).toBeUndefined();
    const discoveries = () => api.otherRequests.filter((path) => path === `/apis/${gatewayApi}/v1`).length;
    await waitFor(() => discoveries() >= 5, { what: 'five discovery rechecks' });
    expect(absentLines()).toHaveLength(1);
    expect(log.lines.filter((line) => line.level === 'warn' || line.level === 'error')).toEqual([]);

    api.apply(gateway('shop', 'edge'));
    api.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { team: 'a' } } });
    api.installGatewayApi();
    await waitFor(() => names(kube.snapshot().gateways).length === 1, { what: 'the Gateway in the snapshot' });
    expect(names(kube.snapshot().gateways)).toEqual(['shop/edge']);
    expect(names(kube.snapshot().namespaces)).toEqual(['shop']);
    expect(kube.snapshot().httpRoutes).toEqual([]);
    expect(kube.snapshot().referenceGrants).toEqual([]);
    expect(kube.findGatewayApiObject('Gateway', 'shop', 'edge')?.metadata).toMatchObject({ generation: 1 });
    expect(kube.findGatewayApiObject('Gateway', 'shop', 'edge')).toBeDefined();
    expect(kube.stats().map((s) => s.name)).toEqual(expect.arrayContaining(['gateways', 'httproutes', 'namespaces']));
  });

  it('waits for the Gateway API informers when the CRDs are there at start', async () => {
    api.installGatewayApi();
    api.apply(gateway('shop', 'edge'));
    const kube = await start(30_000);
    await waitFor(() => kube.synced(), { what: 'synced' });
    expect(names(kube.snapshot().gateways)).toEqual(['shop/edge']);
    expect(kube.snapshot().grpcRoutes).toEqual([]);
  });

  it('stops watching when the CRDs are removed and the lists go away', async () => {
    api.installGatewayApi();
    api.apply(gateway('shop', 'edge'));
    const kube = await start(50);
    await waitFor(() => names(kube.snapshot().gateways).length === 1);
    api.installGatewayApi(false);
    await waitFor(() => kube.snapshot().gateways === undefined, { what: 'the Gateway lists gone' });
    expect(absentLines()).toHaveLength(1);
  });
});
