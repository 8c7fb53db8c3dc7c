import { afterEach, describe, expect, it } from 'vitest';
import { startApiEmulator, type ApiEmulator } from './api-emulator.ts';

const group = '/apis/gateway.networking.k8s.io';
let api: ApiEmulator;

afterEach(async () => {
  await api.close();
});

async function getJson(path: string, init?: RequestInit): Promise<{ status: number; body: any }> {
  const response = await fetch(`${api.url}${path}`, init);
  return { status: response.status, body: await response.json() };
}

describe('api emulator: Gateway API kinds', () => {
  it('answers 404 and leaves the group out of discovery until the CRDs are installed', async () => {
    api = await startApiEmulator();
    expect((await getJson(`${group}/v1/gateways`)).status).toBe(404);
    expect((await getJson(`${group}/v1`)).status).toBe(404);
    const groups = (await getJson('/apis')).body.groups.map((g: { name: string }) => g.name);
    expect(groups).not.toContain('gateway.networking.k8s.io');

    api.installGatewayApi();
    expect((await getJson(`${group}/v1/gateways`)).status).toBe(200);
    const v1 = (await getJson(`${group}/v1`)).body.resources.map((r: { name: string }) => r.name);
    expect(v1).toEqual(expect.arrayContaining(['gatewayclasses', 'gateways/status', 'httproutes', 'grpcroutes']));
    const apis = (await getJson('/apis')).body.groups.find(
      (g: { name: string }) => g.name === 'gateway.networking.k8s.io',
    );
    expect(apis.versions.map((v: { version: string }) => v.version).sort()).toEqual(['v1', 'v1beta1']);
  });

  it('serves GatewayClass cluster-scoped and Gateway status as a subresource', async () => {
    api = await startApiEmulator({ gatewayApi: true });
    api.apply({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'GatewayClass',
      metadata: { name: 'sluice' },
      spec: { controllerName: 'sluice.dev/gateway-controller' },
    });
    expect((await getJson(`${group}/v1/gatewayclasses/sluice`)).body.spec.controllerName).toBe(
      'sluice.dev/gateway-controller',
    );
    api.apply({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: { namespace: 'infra', name: 'edge' },
      spec: { gatewayClassName: 'sluice', listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }] },
    });
    const status = { conditions: [{ type: 'Accepted', status: 'True' }] };
    const patched = await getJson(`${group}/v1/namespaces/infra/gateways/edge/status`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/merge-patch+json' },
      body: JSON.stringify({ status, spec: { gatewayClassName: 'other' } }),
    });
    expect(patched.status).toBe(200);
    expect(api.get('Gateway', 'infra', 'edge')?.status).toEqual(status);
    expect(api.get('Gateway', 'infra', 'edge')?.spec.gatewayClassName).toBe('sluice');
  });

  it('serves ReferenceGrant as v1 and v1beta1 from one store', async () => {
    api = await startApiEmulator({ gatewayApi: true });
    api.apply({
      apiVersion: 'gateway.networking.k8s.io/v1beta1',
      kind: 'ReferenceGrant',
      metadata: { namespace: 'backends', name: 'allow' },
      spec: {
        from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'apps' }],
        to: [{ group: '', kind: 'Service' }],
      },
    });
    const v1 = await getJson(`${group}/v1/namespaces/backends/referencegrants/allow`);
    expect(v1.body.apiVersion).toBe('gateway.networking.k8s.io/v1');
    const beta = await getJson(`${group}/v1beta1/referencegrants`);
    expect(beta.body.items.map((i: any) => i.metadata.name)).toEqual(['allow']);
  });

  it('ends open Gateway API watches when the CRDs are removed', async () => {
    api = await startApiEmulator({ gatewayApi: true });
    const controller = new AbortController();
    const response = await fetch(`${api.url}${group}/v1/httproutes?watch=true`, { signal: controller.signal });
    await api.waitForWatches('httproutes');
    const ended = response.text();
    api.installGatewayApi(false);
    await ended;
    expect(api.openWatches('httproutes')).toBe(0);
    expect((await getJson(`${group}/v1/httproutes`)).status).toBe(404);
  });
});
