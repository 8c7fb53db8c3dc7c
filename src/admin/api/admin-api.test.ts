import { readFileSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { HOSTILE, fixtureState } from '../../../test/support/admin-state-fixture.ts';
import { requestRecord } from '../../../test/support/request-record-fixture.ts';
import type { EdgeStats } from '../../proxy/edge-stats.ts';
import { createMetrics } from '../../telemetry/metrics.ts';
import { silentLogger } from '../../util/logger.ts';
import { dumpText } from '../dump-text.ts';
import { explainView } from '../explain-view.ts';
import { routesView } from '../routes-view.ts';
import { createAdminServer } from '../server.ts';
import { statusView } from '../status-view.ts';
import { adminApiMarkdown } from '../../../test/support/admin-api-markdown.ts';
import { GATEWAY, withGateway } from '../../../test/support/admin-gateway-fixture.ts';
import { explainOn } from '../gateway-explain.ts';
import { gatewaysView } from '../gateway-view.ts';
import { ADMIN_ROUTES } from './admin-routes.ts';

const NOW = Date.parse('2026-06-01T00:00:00Z');
const DOC = new URL('../../../docs/admin-api.md', import.meta.url);
const edge: EdgeStats = {
  balancer: 'round-robin',
  backends: {
    'shop/web:80': [
      { address: '10.0.0.1', port: 8080, inFlight: 1, requests: 9, failures: 0, ejectedUntil: null },
      { address: '10.0.0.2', port: 8080, inFlight: 0, requests: 4, failures: 3, ejectedUntil: NOW + 5000 },
    ],
  },
  next: { 'shop/web:80': '10.0.0.1:8080' },
};

function server() {
  // With a Gateway: the Gateway API part of the answers goes through the schemas too.
  const state = withGateway(fixtureState({ generation: 3 }));
  const metrics = createMetrics({ processMetrics: false, now: () => NOW });
  metrics.tablePublished(state);
  for (let i = 0; i < 20; i++)
    metrics.requestDone(requestRecord({ startTime: NOW - 5000 + i, status: i % 5 ? 200 : 503 }));
  const sources = [{ name: 'kubernetes', synced: true, detail: { watches: 4, note: HOSTILE } }];
  const readiness = { ready: true, reasons: [] };
  const app = createAdminServer({
    getState: () => state,
    readiness: () => readiness,
    metrics,
    sources: () => sources,
    edgeStats: () => edge,
    leader: () => false,
    log: silentLogger,
    now: () => NOW,
  });
  const expected = {
    status: statusView(state, readiness, sources, false, edge),
    routes: {
      ...routesView(state, metrics.routeStats(NOW), edge, dumpText(state.result, state.gateway), NOW),
      gateways: gatewaysView(state, metrics.routeStats(NOW), edge, NOW),
    },
    explain: { ...explainView(state, 'shop.example.com', '/cart', edge), gateway: null },
    explainGateway: explainOn(state, { host: 'gw.example.org', path: '/api' }, { gateway: GATEWAY, port: 8080 }, edge),
  };
  return { app, expected };
}

const plain = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

const open: { close(): Promise<unknown> }[] = [];
afterEach(async () => {
  for (const app of open.splice(0)) await app.close();
});

describe('admin API schemas', () => {
  it('serialise every field the views carry (nothing is dropped by the response schemas)', async () => {
    const { app, expected } = server();
    open.push(app);
    expect((await app.inject('/api/v1/status')).json()).toEqual(plain(expected.status));
    expect((await app.inject('/api/v1/routes')).json()).toEqual(plain(expected.routes));
    expect((await app.inject('/api/v1/explain?host=shop.example.com&path=/cart')).json()).toEqual(
      plain(expected.explain),
    );
    const onGateway = await app.inject(`/api/v1/explain?url=gw.example.org/api&gateway=${GATEWAY}&port=8080`);
    expect(onGateway.json()).toEqual(plain(expected.explainGateway));
    expect(onGateway.json().gateway).toEqual({ name: GATEWAY, port: 8080 });
    expect(expected.routes.gateways.gateways[0].listeners[0].hosts[0].routes).toHaveLength(1);
    const history = (await app.inject('/api/v1/history')).json();
    expect(history.t).toEqual([NOW]);
    expect(history.tables).toEqual([{ t: NOW, generation: 3, buildMs: expect.any(Number) }]);
    const cart = expected.routes.hosts[0].routes[0].stats!;
    expect(history.routes['shop/storefront/web']).toEqual([[cart.requestsPerSecond, cart.errorRate, cart.p99Ms]]);
    // The fixture exercises the nested parts: TLS, problems, ejected endpoints, stats.
    expect(expected.routes.hosts.some((h) => h.tls !== null)).toBe(true);
    expect(expected.status.problems.length).toBeGreaterThan(0);
    expect(Object.values(expected.routes.backends).some((b) => b.counts.ejected > 0)).toBe(true);
    expect(expected.routes.hosts.some((h) => h.routes.some((r) => r.stats !== null))).toBe(true);
  });

  it('answer bad queries with a 400 that names the parameter', async () => {
    const { app } = server();
    open.push(app);
    const since = await app.inject('/api/v1/events?since=abc');
    expect(since.statusCode).toBe(400);
    expect(since.json().error).toMatch(/since must be integer/);
    const negative = await app.inject('/api/v1/events?since=-1');
    expect(negative.statusCode).toBe(400);
    const unknown = await app.inject('/api/v1/explain?hots=shop.example.com');
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error).toMatch(/additional properties/);
    const long = await app.inject(`/api/v1/explain?url=${'a'.repeat(5000)}`);
    expect(long.statusCode).toBe(400);
    expect(long.json().error).toMatch(/url must NOT have more than 4096 characters/);
    const noGateway = await app.inject('/api/v1/explain?host=gw.example.org&gateway=infra/none');
    expect(noGateway.statusCode).toBe(400);
    expect(noGateway.json()).toEqual({ error: 'Gateway infra/none serves no listener' });
    expect((await app.inject(`/api/v1/explain?host=x&gateway=${GATEWAY}&port=70000`)).statusCode).toBe(400);
    const neither = await app.inject('/api/v1/explain');
    expect(neither.statusCode).toBe(400);
    expect(neither.json()).toEqual({ error: 'give host (and path) or url' });
  });

  it('serves an OpenAPI document naming every declared route', async () => {
    const { app } = server();
    open.push(app);
    const response = await app.inject('/api/v1/openapi.json');
    expect(response.statusCode).toBe(200);
    const document = response.json();
    expect(document.openapi).toBe('3.1.0');
    const paths = Object.keys(document.paths);
    expect(paths).toEqual(ADMIN_ROUTES.map((r) => r.url.replace(':file', '{file}')));
    for (const route of ADMIN_ROUTES) expect(app.hasRoute({ method: 'GET', url: route.url })).toBe(true);
    expect(document.paths['/api/v1/explain'].get.parameters.map((p: { name: string }) => p.name)).toEqual([
      'url',
      'host',
      'path',
      'gateway',
      'port',
    ]);
  });

  it('docs/admin-api.md is generated from the route table (UPDATE_DOCS=1 rewrites it)', () => {
    const text = adminApiMarkdown();
    if (process.env.UPDATE_DOCS === '1') writeFileSync(DOC, text);
    expect(readFileSync(DOC, 'utf8')).toBe(text);
    for (const route of ADMIN_ROUTES) expect(text).toContain(`### GET ${route.url}`);
  });
});
