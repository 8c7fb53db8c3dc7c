import { describe, expect, it } from 'vitest';
import { startApiEmulator } from '../../e2e/support/api-emulator.ts';
import { writeKubeconfig } from '../../e2e/support/kubeconfig.ts';
import { loadKubeConfig } from './kube-config.ts';
import { ownPodSelector, selectorFromPodLabels } from './own-pod-labels.ts';

describe("the sluice pods' selector", () => {
  it('keeps the labels every replica shares, not the per-revision or per-pod ones', () => {
    expect(
      selectorFromPodLabels({
        'app.kubernetes.io/name': 'sluice',
        'pod-template-hash': '5d8f9c7b6',
        'controller-revision-hash': 'x',
        'statefulset.kubernetes.io/pod-name': 'sluice-0',
        'apps.kubernetes.io/pod-index': '0',
        odd: 3,
      }),
    ).toEqual({ 'app.kubernetes.io/name': 'sluice' });
  });

  it('reads its own Pod, and says why when it cannot', async () => {
    const api = await startApiEmulator();
    try {
      const kubeConfig = loadKubeConfig(writeKubeconfig(api.url));
      if (kubeConfig === null) throw new Error('no kubeconfig');
      api.apply({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { namespace: 'sluice', name: 'p1', labels: { app: 'sluice', 'pod-template-hash': 'h' } },
      });
      api.apply({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { namespace: 'sluice', name: 'bare', labels: { 'pod-template-hash': 'h' } },
      });
      expect(await ownPodSelector(kubeConfig, 'sluice', { POD_NAME: 'p1' })).toEqual({ app: 'sluice' });
      await expect(ownPodSelector(kubeConfig, 'sluice', {})).rejects.toThrow('$POD_NAME is not set');
      await expect(ownPodSelector(kubeConfig, 'sluice', { POD_NAME: 'gone' })).rejects.toThrow('HTTP 404');
      await expect(ownPodSelector(kubeConfig, 'sluice', { POD_NAME: 'bare' })).rejects.toThrow('has no labels');
    } finally {
      await api.close();
    }
  });
});
