import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startApiEmulator, type ApiEmulator } from './api-emulator.ts';
import {
  MANAGED_BY_CONTROLLER,
  MANAGED_BY_LABEL,
  SERVICE_NAME_LABEL,
  removeBackend,
  rollingUpdate,
  setEndpoints,
  slicesOf,
  writeBackend,
  type EndpointSpec,
} from './endpoint-slices.ts';

describe('endpoint slice helpers', () => {
  let api: ApiEmulator;

  beforeEach(async () => {
    api = await startApiEmulator();
  });

  afterEach(async () => {
    await api.close();
  });

  it('writes a Service and a slice shaped like the endpointslice controller does', async () => {
    const { service, slices } = writeBackend(api, {
      namespace: 'shop',
      name: 'web',
      ports: [{ name: 'http', port: 80, targetPort: 8080 }],
      endpoints: [{ ip: '127.1.0.1', name: 'web-0' }],
    });
    expect(service.spec.clusterIP).toMatch(/^127\./);
    expect(slices).toHaveLength(1);
    const slice = slices[0];
    expect(slice.metadata.name).toMatch(/^web-[a-z0-9]{5}$/);
    expect(slice.metadata.labels).toMatchObject({
      [SERVICE_NAME_LABEL]: 'web',
      [MANAGED_BY_LABEL]: MANAGED_BY_CONTROLLER,
    });
    expect(slice.metadata.ownerReferences[0]).toMatchObject({
      kind: 'Service',
      name: 'web',
      uid: service.metadata.uid,
    });
    expect(slice.addressType).toBe('IPv4');
    expect(slice.ports).toEqual([{ name: 'http', port: 8080, protocol: 'TCP' }]);
    expect(slice.endpoints).toEqual([
      {
        addresses: ['127.1.0.1'],
        conditions: { ready: true, serving: true, terminating: false },
        targetRef: { kind: 'Pod', namespace: 'shop', name: 'web-0' },
        nodeName: 'node-1',
      },
    ]);
    const list: any = await (
      await fetch(
        `${api.url}/apis/discovery.k8s.io/v1/namespaces/shop/endpointslices?labelSelector=${encodeURIComponent(`${SERVICE_NAME_LABEL}=web`)}`,
      )
    ).json();
    expect(list.items).toHaveLength(1);
  });

  it('splits over 100 endpoints into several slices, writes null endpoints when empty, and cleans up', () => {
    writeBackend(api, { namespace: 'a', name: 'big', ports: [{ port: 80, targetPort: 80 }], endpoints: [] });
    const many: EndpointSpec[] = Array.from({ length: 150 }, (_, i) => ({ ip: `127.1.9.${i + 1}` }));
    expect(slicesOf(api, 'a', 'big')[0].endpoints).toBeNull();
    setEndpoints(api, 'a', 'big', many);
    expect(
      slicesOf(api, 'a', 'big')
        .map((s) => s.endpoints.length)
        .sort(),
    ).toEqual([100, 50]);
    expect(slicesOf(api, 'a', 'big')[0].ports).toEqual([{ name: '', port: 80, protocol: 'TCP' }]);
    setEndpoints(api, 'a', 'big', many.slice(0, 3));
    expect(slicesOf(api, 'a', 'big')).toHaveLength(1);
    const rv = api.resourceVersion();
    setEndpoints(api, 'a', 'big', many.slice(0, 3));
    expect(api.resourceVersion()).toBe(rv);
    removeBackend(api, 'a', 'big');
    expect(api.list('EndpointSlice', 'a')).toEqual([]);
    expect(api.get('Service', 'a', 'big')).toBeUndefined();
  });

  it('rolls endpoints: new ready, old terminating, old removed', async () => {
    const old: EndpointSpec[] = [
      { ip: '127.1.0.1', name: 'v1-a' },
      { ip: '127.1.0.2', name: 'v1-b' },
    ];
    const next: EndpointSpec[] = [
      { ip: '127.1.0.3', name: 'v2-a' },
      { ip: '127.1.0.4', name: 'v2-b' },
    ];
    writeBackend(api, {
      namespace: 'a',
      name: 'web',
      ports: [{ name: 'http', port: 80, targetPort: 8080 }],
      endpoints: old,
    });
    const seen: string[] = [];
    await rollingUpdate(api, 'a', 'web', old, next, {
      afterStep: (step, endpoint) => {
        const endpoints = slicesOf(api, 'a', 'web')[0].endpoints ?? [];
        const state = endpoints
          .map(
            (e: any) =>
              `${e.addresses[0].slice(-1)}${e.conditions.ready ? 'R' : ''}${e.conditions.terminating ? 'T' : ''}`,
          )
          .join(',');
        seen.push(`${step}:${endpoint.ip.slice(-1)}:${state}`);
      },
    });
    expect(seen).toEqual([
      'new-ready:3:1R,2R,3R',
      'old-terminating:1:1T,2R,3R',
      'old-removed:1:2R,3R',
      'new-ready:4:2R,3R,4R',
      'old-terminating:2:2T,3R,4R',
      'old-removed:2:3R,4R',
    ]);
    const terminating = slicesOf(api, 'a', 'web');
    expect(terminating[0].endpoints.every((e: any) => e.conditions.serving)).toBe(true);
  });
});
