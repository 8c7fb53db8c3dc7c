import { describe, expect, it } from 'vitest';
import { GATEWAY, withGateway } from '../../test/support/admin-gateway-fixture.ts';
import { fixtureState } from '../../test/support/admin-state-fixture.ts';
import { explainOn } from './gateway-explain.ts';
import { gatewaysView } from './gateway-view.ts';

const NOW = Date.parse('2026-06-01T00:00:00Z');

describe('the Gateway API in the routes view', () => {
  const state = withGateway(fixtureState({ now: NOW }));

  it('shows each Gateway with its conditions, its listener ports with hosts and routes, and each route’s parents', () => {
    const view = gatewaysView(state, [], null, NOW);
    expect(view.gateways.map((g) => [`${g.namespace}/${g.name}`, g.gatewayClass])).toEqual([[GATEWAY, 'sluice']]);
    const [edge] = view.gateways;
    expect(edge.conditions.find((c) => c.type === 'Accepted')?.status).toBe('True');
    expect(edge.listeners.map((l) => [l.port, l.protocol, l.listenerNames])).toEqual([
      [80, 'HTTP', ['http']],
      [8080, 'HTTP', ['alt']],
    ]);
    const [host] = edge.listeners[0].hosts;
    expect(host.host).toBe('gw.example.org');
    expect(host.routes.map((r) => [r.path, r.backend, `${r.source.namespace}/${r.source.name}`])).toEqual([
      ['/api', 'infra/api:8080', 'infra/store'],
    ]);
    expect(view.routes).toEqual([
      {
        kind: 'HTTPRoute',
        namespace: 'infra',
        name: 'store',
        parents: [
          {
            parent: GATEWAY,
            conditions: expect.arrayContaining([expect.objectContaining({ type: 'Accepted', status: 'True' })]),
          },
        ],
      },
    ]);
    // The Gateway's backend is listed with its endpoints (the Ingress table does not use it).
    expect(view.backends['infra/api:8080']?.counts.ready).toBe(1);
  });

  it('is empty without the Gateway API', () => {
    expect(gatewaysView(fixtureState({ now: NOW }), [], null, NOW)).toEqual({ gateways: [], routes: [], backends: {} });
    expect(gatewaysView(null, [], null, NOW)).toEqual({ gateways: [], routes: [], backends: {} });
  });
});

describe('one explainer for Ingresses and Gateways', () => {
  const state = withGateway(fixtureState({ now: NOW }));
  const request = { host: 'gw.example.org', path: '/api/x' };

  it('explains on the Ingress edge without a gateway, on a Gateway listener with one', () => {
    const ingress = explainOn(state, request, {}, null);
    expect('error' in ingress ? ingress.error : [ingress.gateway, ingress.result]).toEqual([null, 'none']);
    const gateway = explainOn(state, request, { gateway: GATEWAY }, null);
    if ('error' in gateway) throw new Error(gateway.error);
    expect(gateway.gateway).toEqual({ name: GATEWAY, port: 80 });
    expect(gateway.match).toMatchObject({ path: '/api', source: { namespace: 'infra', name: 'store' } });
    expect(gateway.usable).toEqual(['10.1.0.1:8080']);
    const alt = explainOn(state, request, { gateway: GATEWAY, port: 8080 }, null);
    expect('error' in alt ? alt.error : alt.gateway).toEqual({ name: GATEWAY, port: 8080 });
  });

  it('names what is wrong with an unknown Gateway or port', () => {
    expect(explainOn(state, request, { gateway: 'infra/none' }, null)).toEqual({
      error: 'Gateway infra/none serves no listener',
    });
    expect(explainOn(state, request, { gateway: GATEWAY, port: 443 }, null)).toEqual({
      error: `Gateway ${GATEWAY} has no listener on port 443 (ports: 80, 8080)`,
    });
  });
});
