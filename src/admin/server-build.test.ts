// The admin API over a table from the real builder and matcher (server.test.ts uses hand-made states).
import { describe, expect, it } from 'vitest';
import { build } from '../routing/build.ts';
import { compileMatcher } from '../routing/matcher.ts';
import { ingress, sluiceClass, testOptions } from '../../test/support/routing-build-fixtures.ts';
import type { KubeObject } from '../routing/types.ts';
import { createMetrics } from '../telemetry/metrics.ts';
import { inspectCertificate } from '../app/inspect-certificate.ts';
import { silentLogger } from '../util/logger.ts';
import { createAdminServer } from './server.ts';

function shopIngress(name: string, host: string, path: string, service: string): KubeObject {
  return ingress({ name, namespace: 'shop', host, paths: [{ path, service }] });
}

describe('admin API on a built table', () => {
  it('shows routes, endpoints, problems with field paths, the dump, and explains', async () => {
    const result = build(
      {
        ingressClasses: [sluiceClass],
        ingresses: [
          shopIngress('storefront', 'shop.example.com', '/', 'web'),
          shopIngress('broken', 'shop.example.com', '/admin', 'missing'),
        ],
        services: [
          {
            kind: 'Service',
            metadata: { name: 'web', namespace: 'shop' },
            spec: { ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
          },
        ],
        endpointSlices: [
          {
            kind: 'EndpointSlice',
            metadata: { name: 'web-1', namespace: 'shop', labels: { 'kubernetes.io/service-name': 'web' } },
            addressType: 'IPv4',
            ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
            endpoints: [
              { addresses: ['10.1.0.1'], conditions: { ready: true } },
              { addresses: ['10.1.0.2'], conditions: { ready: false, serving: true, terminating: true } },
            ],
          },
        ],
        secrets: [],
      },
      { ...testOptions, inspectCertificate },
    );
    const state = {
      generation: 1,
      builtAt: new Date().toISOString(),
      buildMs: 1,
      result,
      matcher: compileMatcher(result.table),
    };
    const app = createAdminServer({
      getState: () => state,
      readiness: () => ({ ready: true, reasons: [] }),
      metrics: createMetrics({ processMetrics: false }),
      sources: () => [{ name: 'test', synced: true }],
      log: silentLogger,
    });
    try {
      const status = (await app.inject('/api/v1/status')).json();
      expect(status).toMatchObject({ generation: 1, synced: true, leader: null, counts: { hosts: 1 } });
      const broken = status.problems.find((p: { object: { name: string } }) => p.object.name === 'broken');
      expect(broken).toBeDefined();
      expect(broken.field).toMatch(/^spec\.rules\[0\]\.http\.paths\[0\]\.backend\.service/);

      const routes = (await app.inject('/api/v1/routes')).json();
      expect(routes.hosts[0].host).toBe('shop.example.com');
      expect(routes.backends['shop/web:80'].counts).toEqual({ ready: 1, terminating: 1, ejected: 0, notReady: 0 });
      expect(routes.dump).toContain('shop.example.com');

      const explained = (await app.inject('/api/v1/explain?url=shop.example.com/cart')).json();
      expect(explained).toMatchObject({
        result: 'path',
        match: { path: '/', source: { name: 'storefront' } },
        usable: ['10.1.0.1:8080'],
      });
    } finally {
      await app.close();
    }
  });
});
