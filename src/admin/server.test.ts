import { type IncomingMessage, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { RoutingState } from '../controller/state.ts';
import { createMetrics } from '../telemetry/metrics.ts';
import { requestRecord } from '../../test/support/request-record-fixture.ts';
import { silentLogger } from '../util/logger.ts';
import { escapeHtml, jsonForScript } from './escape-html.ts';
import { createAdminServer } from './server.ts';
import { HOSTILE, STOREFRONT_ANNOTATIONS, fixtureState } from '../../test/support/admin-state-fixture.ts';
import type { EdgeStats } from '../proxy/edge-stats.ts';

/** One endpoint as the edge reports it; ejected while `ejectedUntil` is set. */
const endpoint = (address: string, ejectedUntil: number | null) => ({
  address,
  port: 8080,
  inFlight: 0,
  requests: 3,
  failures: ejectedUntil === null ? 0 : 2,
  ejectedUntil,
});

function harness(options: { edgeStats?: () => EdgeStats | null } = {}) {
  let state: RoutingState | null = null;
  let ready = false;
  const metrics = createMetrics({ processMetrics: false });
  // The composition root feeds the table and leader gauges as they change; the harness does the same.
  metrics.setLeader(true);
  const app = createAdminServer({
    getState: () => state,
    readiness: () =>
      ready ? { ready: true, reasons: [] } : { ready: false, reasons: ['waiting for the first routing table'] },
    metrics,
    sources: () => [{ name: 'kubernetes', synced: state !== null }],
    leader: () => true,
    log: silentLogger,
    eventsPollMs: 20,
    eventsTickMs: 40,
    ...options,
  });
  return {
    app,
    metrics,
    publish(next: RoutingState) {
      state = next;
      metrics.tablePublished(next);
    },
    setReady(value: boolean) {
      ready = value;
    },
  };
}

const open: { close(): Promise<unknown> }[] = [];
const noop = (): void => {};
afterEach(async () => {
  for (const app of open.splice(0)) await app.close();
});

describe('escapeHtml', () => {
  it('escapes the five HTML specials and nothing else', () => {
    expect(escapeHtml(`<a href="x" title='y'>&amp;</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;',
    );
    expect(escapeHtml('plain text / ünïcode 🚀')).toBe('plain text / ünïcode 🚀');
    expect(escapeHtml(42)).toBe('42');
  });

  it('embeds JSON that cannot close its script block', () => {
    const text = jsonForScript({ s: '</script><!-- \u2028' });
    expect(text).not.toContain('<');
    expect(text).not.toContain('\u2028');
    expect(JSON.parse(text)).toEqual({ s: '</script><!-- \u2028' });
  });
});

describe('admin server', () => {
  it('answers healthz always and readyz 503 → 200', async () => {
    const h = harness();
    open.push(h.app);
    expect((await h.app.inject('/healthz')).statusCode).toBe(200);
    const notReady = await h.app.inject('/readyz');
    expect(notReady.statusCode).toBe(503);
    expect(notReady.json()).toEqual({ ready: false, reasons: ['waiting for the first routing table'] });
    h.setReady(true);
    const ready = await h.app.inject('/readyz');
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ ready: true, reasons: [] });
  });

  it('reports generation 0 and not synced before the first table', async () => {
    const h = harness();
    open.push(h.app);
    const status = (await h.app.inject('/api/v1/status')).json();
    expect(status).toMatchObject({
      generation: 0,
      synced: false,
      ready: false,
      builtAt: null,
      buildMs: null,
      counts: { ingresses: 0, hosts: 0, routes: 0, backends: 0, endpoints: 0, problems: 0 },
      problems: [],
      leader: true,
    });
    expect((await h.app.inject('/api/v1/routes')).json()).toMatchObject({ generation: 0, hosts: [] });
    expect((await h.app.inject('/api/v1/explain?url=http://shop.example.com/')).statusCode).toBe(503);
    expect((await h.app.inject('/')).statusCode).toBe(200);
  });

  it('serves the audit of every owned Ingress at /api/v1/ingresses, as the audit command prints it', async () => {
    const h = harness();
    open.push(h.app);
    expect((await h.app.inject('/api/v1/ingresses')).json()).toEqual({
      ingresses: [],
      summary: { ingresses: 0, supported: 0, partial: 0, unsupported: 0, invalid: 0 },
    });
    h.publish(fixtureState());
    const audit = (await h.app.inject('/api/v1/ingresses')).json();
    expect(audit.summary).toEqual({ ingresses: 5, supported: 1, partial: 1, unsupported: 2, invalid: 1 });
    const storefront = audit.ingresses.find((each: { name: string }) => each.name === 'storefront');
    expect(storefront).toEqual({
      namespace: 'shop',
      name: 'storefront',
      annotations: STOREFRONT_ANNOTATIONS,
      notes: [],
    });
  });

  it('reports the published table in status and routes, without key material', async () => {
    const edge: EdgeStats = {
      balancer: 'round-robin',
      backends: { 'shop/web:80': [endpoint('10.0.0.1', Date.now() + 5_000), endpoint('10.0.0.2', null)] },
      next: { 'shop/web:80': '10.0.0.2:8080' },
    };
    const h = harness({ edgeStats: () => edge });
    open.push(h.app);
    h.publish(fixtureState({ generation: 3 }));
    h.setReady(true);
    const status = (await h.app.inject('/api/v1/status')).json();
    expect(status).toMatchObject({
      generation: 3,
      synced: true,
      ready: true,
      buildMs: 3.2,
      counts: { ingresses: 5, hosts: 3, routes: 5, backends: 3, endpoints: 4, problems: 2 },
      sources: [{ name: 'kubernetes', synced: true }],
    });
    expect(status.problems[0]).toMatchObject({
      code: 'ServiceNotFound',
      field: 'spec.rules[0].http.paths[0].backend.service.name',
    });

    const response = await h.app.inject('/api/v1/routes');
    expect(response.body).not.toContain('SECRETKEYMATERIAL');
    expect(response.body).not.toContain('CERTDATA');
    const routes = response.json();
    expect(routes.hosts.map((host: { host: string }) => host.host)).toEqual([
      'shop.example.com',
      '*.example.com',
      'hostile.example.com',
    ]);
    const shop = routes.hosts[0];
    expect(shop.tls).toMatchObject({
      secret: 'shop/shop-tls',
      valid: true,
      subject: 'CN=shop.example.com',
      issuer: 'CN=Example CA',
    });
    expect(shop.tls.expiresInDays).toBeGreaterThan(9);
    expect(shop.tls.expiresInDays).toBeLessThan(11);
    expect(shop.routes[0]).toMatchObject({
      path: '/cart',
      pathType: 'Exact',
      backend: 'shop/web:80',
      source: { namespace: 'shop', name: 'storefront' },
    });
    expect(routes.backends['shop/web:80']).toMatchObject({
      service: 'web',
      port: 80,
      counts: { ready: 1, terminating: 1, ejected: 1, notReady: 0 },
      next: '10.0.0.2:8080',
    });
    expect(routes.backends['shop/api:http']).toMatchObject({ state: 'no-endpoints', counts: { ready: 0 } });
  });

  it('shows per-route rates from traffic in routes', async () => {
    const h = harness();
    open.push(h.app);
    h.publish(fixtureState());
    for (let i = 0; i < 5; i++)
      h.metrics.requestDone(requestRecord({ startTime: Date.now(), status: i === 0 ? 503 : 200 }));
    const routes = (await h.app.inject('/api/v1/routes')).json();
    const cart = routes.hosts[0].routes[0];
    expect(cart.stats).toMatchObject({ requests: 5, errorRate: 0.2 });
    expect(routes.hosts[0].routes[1].stats).toBeNull(); // storefront-api had no traffic
  });

  it('explains a URL and a host + path like the edge normalises them', async () => {
    const h = harness();
    open.push(h.app);
    h.publish(fixtureState());
    const byUrl = await h.app.inject(
      `/api/v1/explain?url=${encodeURIComponent('https://SHOP.example.com:8443/api/./v2/../orders?id=1')}`,
    );
    expect(byUrl.statusCode).toBe(200);
    expect(byUrl.json()).toMatchObject({
      host: 'shop.example.com',
      path: '/api/orders',
      hostMatch: 'exact',
      result: 'path',
      match: { path: '/api', pathType: 'Prefix', backend: 'shop/api:http', source: { name: 'storefront-api' } },
      usable: [],
    });
    expect(byUrl.json().outcome).toMatch(/^503/);

    const byHost = (await h.app.inject('/api/v1/explain?host=shop.example.com&path=/cart')).json();
    expect(byHost).toMatchObject({
      result: 'path',
      match: { path: '/cart', pathType: 'Exact' },
      usable: ['10.0.0.1:8080', '10.0.0.2:8080'],
    });
    expect(byHost.passedOver.length).toBeGreaterThan(0);
    for (const candidate of byHost.passedOver) expect(typeof candidate.reason).toBe('string');

    const wildcard = (await h.app.inject('/api/v1/explain?url=blog.example.com/x')).json();
    expect(wildcard).toMatchObject({ hostMatch: 'wildcard', match: { source: { name: 'wildcard' } } });

    const nothing = (await h.app.inject('/api/v1/explain?url=http://other.test/')).json();
    expect(nothing).toMatchObject({ result: 'none', match: null });
    expect(nothing.outcome).toMatch(/^404/);

    expect((await h.app.inject('/api/v1/explain')).statusCode).toBe(400);
    expect((await h.app.inject('/api/v1/explain?host=bad%20host')).statusCode).toBe(400);
  });

  it('serves Prometheus text with every metric name, moving with traffic', async () => {
    const h = harness();
    open.push(h.app);
    h.publish(fixtureState({ generation: 9 }));
    for (let i = 0; i < 4; i++) h.metrics.requestDone(requestRecord());
    const response = await h.app.inject('/metrics');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/plain');
    expect(response.body).toContain(
      'sluice_requests_total{namespace="shop",ingress="storefront",service="web",method="GET",code="200"} 4',
    );
    expect(response.body).toContain('sluice_table_generation 9');
    expect(response.body).toContain('sluice_leader 1');
    for (const name of [
      'sluice_request_duration_seconds_bucket',
      'sluice_backend_endpoints',
      'sluice_certificate_expiry_timestamp_seconds',
      'sluice_problems 2',
    ]) {
      expect(response.body).toContain(name);
    }
  });

  it('escapes hostile strings on the page and keeps the model parseable', async () => {
    const h = harness();
    open.push(h.app);
    h.publish(fixtureState());
    const response = await h.app.inject('/');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/html');
    expect(response.headers['content-security-policy']).toContain("script-src 'self';");
    const html = response.body;
    expect(html).not.toContain(HOSTILE);
    expect(html).not.toContain('<img src=x');
    expect(html).not.toContain('<script>alert(2)');
    expect(html).toContain(escapeHtml(HOSTILE));
    expect(html).not.toContain('SECRETKEYMATERIAL');
    expect(html.match(/<\/script>/g)).toHaveLength(2); // only the model block and the page script end
    const model = JSON.parse(/<script type="application\/json" id="model">([^<]*)<\/script>/.exec(html)![1]);
    expect(model.routes.hosts[2].routes[0].path).toBe(`/${HOSTILE}`);
    expect(model.status.problems[1].message).toContain(HOSTILE);
  });

  it('serves the page modules it was started with, and nothing else under /page/', async () => {
    const h = harness();
    open.push(h.app);
    const main = await h.app.inject('/page/main.js');
    expect(main.statusCode).toBe(200);
    expect(main.headers['content-type']).toContain('text/javascript');
    expect(main.body).toContain("from './hosts.js'");
    expect((await h.app.inject('/page/tsconfig.json')).statusCode).toBe(404);
    expect((await h.app.inject('/page/..%2fserver.ts')).statusCode).toBe(404);
  });

  it('streams a new generation and rates over server-sent events', async () => {
    const h = harness();
    open.push(h.app);
    h.publish(fixtureState({ generation: 1 }));
    await h.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = h.app.server.address() as AddressInfo;
    const events: string[] = [];
    let buffer = '';
    let onEvent: () => void = noop;
    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      request({ host: '127.0.0.1', port, path: '/api/v1/events?since=1' }, resolve).on('error', reject).end();
    });
    expect(response.headers['content-type']).toContain('text/event-stream');
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => {
      buffer += chunk;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) !== -1) {
        events.push(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
        onEvent();
      }
    });
    const waitFor = (predicate: () => boolean) =>
      new Promise<void>((resolve) => {
        const check = () => {
          if (predicate()) resolve();
        };
        onEvent = check;
        check();
      });
    await waitFor(() => events.some((e) => e.startsWith('event: stats')));
    expect(events.some((e) => e.startsWith('event: model'))).toBe(false); // the client already has generation 1
    h.publish(fixtureState({ generation: 2, withNewHost: true }));
    await waitFor(() => events.some((e) => e.startsWith('event: model')));
    const model = JSON.parse(events.find((e) => e.startsWith('event: model'))!.split('\ndata: ')[1]);
    expect(model.status.generation).toBe(2);
    expect(model.routes.hosts.map((host: { host: string }) => host.host)).toContain('new.example.com');
    const before = events.filter((e) => e.startsWith('event: stats')).length;
    await waitFor(() => events.filter((e) => e.startsWith('event: stats')).length > before);
    response.destroy();
  });
});
