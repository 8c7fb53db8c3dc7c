import { describe, expect, it } from 'vitest';
import { fakeInspector, service, slice } from '../../../test/support/routing-build-fixtures.ts';
import {
  CONTROLLER,
  gateway,
  gatewaySnapshot,
  httpRoute,
  ourClass,
} from '../../../test/support/routing-gateway-fixtures.ts';
import { NO_TRAFFIC } from '../no-traffic.ts';
import { policyForBackend } from './backend-filters.ts';
import { buildGateway } from './build-gateway.ts';

const http = { name: 'http', port: 80, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'All' } } };
const set = (name: string, value: string) => ({
  type: 'RequestHeaderModifier',
  requestHeaderModifier: { set: [{ name, value }] },
});

// conformance/tests/httproute-request-header-modifier-backend-weights.go
describe('backendRefs[].filters', () => {
  it('keeps a RequestHeaderModifier per backend, and reports the other types', () => {
    const route = httpRoute('r', {
      parentRefs: [{ name: 'gw' }],
      rules: [
        {
          backendRefs: [
            { name: 'web', namespace: 'infra', port: 8080, filters: [set('Backend', 'web'), set('X-Two', 'two')] },
            { name: 'web', namespace: 'infra', port: 8080, filters: [{ type: 'URLRewrite', urlRewrite: {} }] },
          ],
        },
      ],
    });
    const result = buildGateway(
      gatewaySnapshot([
        ourClass,
        gateway('gw', [http]),
        route,
        service('web', [{ port: 8080 }], 'infra'),
        slice('web', ['10.0.0.1'], 'http', 'infra'),
      ]),
      { controllerName: CONTROLLER, inspectCertificate: fakeInspector },
    );
    const backends = result.listeners[0].table.hosts[0].routes[0].gateway?.backends ?? [];
    expect(backends[0].requestHeaders?.set).toEqual([
      ['backend', 'web'],
      ['x-two', 'two'],
    ]);
    expect(backends[1].requestHeaders).toBeUndefined();
    expect(result.problems.map((p) => `${p.code} ${p.field}`)).toContain(
      'GatewayFilterUnsupported spec.rules[0].backendRefs[1].filters[0]',
    );
  });

  it("applies a backend's edits after the rule's own", () => {
    const rule = { set: [['x-rule', '1']] as [string, string][], remove: ['x-gone'], field: 'rule' };
    const policy = {
      sslRedirect: false,
      requestTimeoutMs: null,
      maxBodyBytes: null,
      traffic: { ...NO_TRAFFIC, requestHeaders: rule },
    };
    const merged = policyForBackend(policy, { set: [['backend', 'v1']], remove: [], field: 'backend' });
    expect(merged.traffic?.requestHeaders).toEqual({
      set: [
        ['x-rule', '1'],
        ['backend', 'v1'],
      ],
      remove: ['x-gone'],
      field: 'rule',
    });
    expect(
      policyForBackend({ sslRedirect: false, requestTimeoutMs: null, maxBodyBytes: null }, rule).traffic
        ?.requestHeaders,
    ).toBe(rule);
  });
});
