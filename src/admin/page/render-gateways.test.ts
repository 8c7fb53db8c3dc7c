import { describe, expect, it } from 'vitest';
import { GATEWAY, withGateway } from '../../../test/support/admin-gateway-fixture.ts';
import { fixtureState } from '../../../test/support/admin-state-fixture.ts';
import { gatewaysView } from '../gateway-view.ts';
import { routesView } from '../routes-view.ts';
import { statusView } from '../status-view.ts';
import { renderGatewaysFallback } from './render-gateways.ts';

describe('the Gateways without JavaScript', () => {
  it('lists each Gateway with its conditions, ports and routes, escaped', () => {
    const state = withGateway(fixtureState({ now: 0 }));
    const routes = { ...routesView(state, [], null, null, 0), gateways: gatewaysView(state, [], null, 0) };
    const status = statusView(state, { ready: true, reasons: [] }, [], null, null);
    const html = renderGatewaysFallback({ status, routes });
    expect(html).toContain(`Gateway ${GATEWAY}</b> <small>Accepted=True`);
    expect(html).toContain(
      '<li>:80 HTTP<ul><li><code>gw.example.org/api</code> → infra/api:8080 (infra/store)</li></ul></li>',
    );
    expect(html).toContain('<li>:8080 HTTP');
    const hostile = gatewaysView(state, [], null, 0);
    const evil = { ...hostile, gateways: [{ ...hostile.gateways[0], name: '<script>x</script>' }] };
    expect(renderGatewaysFallback({ status, routes: { ...routes, gateways: evil } })).not.toContain('<script>');
    expect(renderGatewaysFallback({ status, routes: routesView(null, [], null, null, 0) })).toBe('');
  });
});
