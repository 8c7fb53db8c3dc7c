import type { AddressInfo } from 'node:net';
import type { BrowserContext, Page } from 'playwright-core';
import { browserAdminServer } from '../../test/support/admin-browser-server.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RoutingState } from '../controller/state.ts';
import { createMetrics } from '../telemetry/metrics.ts';
import { requestRecord } from '../../test/support/request-record-fixture.ts';
import { HOSTILE, STOREFRONT_ANNOTATIONS, fixtureState } from '../../test/support/admin-state-fixture.ts';
import { GATEWAY, withGateway } from '../../test/support/admin-gateway-fixture.ts';
import { type Chromium, launchChromium } from '../../test/support/admin-chromium.ts';

describe('status page in a browser', () => {
  let state: RoutingState | null = null;
  const metrics = createMetrics({ processMetrics: false });
  const app = browserAdminServer({
    getState: () => state,
    readiness: () => ({ ready: state !== null, reasons: state === null ? ['no routing table yet'] : [] }),
    metrics,
  });
  let browser: Chromium | undefined;
  let context: BrowserContext;
  let base = '';
  const problems: string[] = [];

  function watch(page: Page): void {
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
    page.on('dialog', (dialog) => {
      problems.push(`dialog: ${dialog.message()}`);
      void dialog.dismiss();
    });
  }

  beforeAll(async () => {
    state = fixtureState({ generation: 1 });
    metrics.tablePublished(state);
    const now = Date.now();
    for (let i = 0; i < 240; i++) {
      metrics.requestDone(
        requestRecord({
          startTime: now - 30_000 + i * 100,
          durationMs: 3 + (i % 20),
          status: i % 40 === 0 ? 502 : 200,
        }),
      );
      if (i % 3 === 0)
        metrics.requestDone(requestRecord({ startTime: now - 20_000 + i * 50, ingress: 'wildcard', durationMs: 40 }));
    }
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    // On a fresh machine chromium comes from apt first, which can take minutes.
    browser = await launchChromium();
    context = browser.context;
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await app.close();
  });

  it('shows hosts, a broken Ingress with its field, updates live, explains a URL', async () => {
    const page = await context.newPage();
    watch(page);
    await page.goto(base);

    const hostNames = page.locator('#hosts .host-name');
    await expect
      .poll(() => hostNames.allTextContents())
      .toEqual(['shop.example.com', '*.example.com', 'hostile.example.com']);
    // The hostile path is shown as text, not markup.
    await expect.poll(() => page.locator('#hosts .path').allTextContents()).toContain(`/${HOSTILE}`);
    expect(await page.locator('#hosts img').count()).toBe(0);

    const broken = page.locator('.problem-group', { hasText: 'Ingress shop/broken' });
    expect(await broken.locator('.field').textContent()).toBe('spec.rules[0].http.paths[0].backend.service.name');
    expect(await broken.locator('.msg').textContent()).toBe('Service "shop/missing" does not exist');
    const highlight = (await broken
      .locator('.field')
      .evaluate('(el) => getComputedStyle(el).backgroundColor')) as string;
    expect(highlight).not.toBe('rgba(0, 0, 0, 0)');
    await page.locator('#live.on').waitFor();

    // Live update: a new Ingress appears without a reload.
    // (DOM code as strings: the project's TypeScript has no DOM lib.)
    await page.evaluate('window.stillTheSamePage = true');
    state = fixtureState({ generation: 2, withNewHost: true });
    await page.locator('#hosts .host-name', { hasText: 'new.example.com' }).waitFor();
    expect(await page.locator('#generation').textContent()).toBe('2');
    expect(await page.evaluate('window.stillTheSamePage')).toBe(true);

    // The filter narrows the hosts.
    await page.fill('#filter', 'api');
    await expect
      .poll(() => page.locator('#hosts .host:not(.hidden) .host-name').allTextContents())
      .toEqual(['shop.example.com']);
    await page.fill('#filter', '');

    // The explainer answers for a URL.
    await page.fill('#explain-input', 'https://shop.example.com/cart?ref=mail');
    await page.click('#explain-form button');
    const verdict = page.locator('#explain-result .verdict');
    await verdict.waitFor();
    expect(await verdict.textContent()).toBe('proxied to shop/web');
    const details = await page.locator('#explain-result').textContent();
    expect(details).toContain('/cart (Exact)');
    expect(details).toContain('shop/storefront');
    expect(details).toContain('10.0.0.1:8080');
    expect(await page.locator('#explain-result .passed li').count()).toBeGreaterThan(0);

    // Rates from traffic are on the page.
    const cartRow = page.locator('#hosts tr.route', { hasText: '/cart' });
    expect(Number(await cartRow.locator('td[data-label="Req/s"]').textContent())).toBeGreaterThan(0);

    expect(problems).toEqual([]);
    await page.close();
  });

  it("shows each Ingress's annotation audit (the audit command's rows), hostile names as text", async () => {
    const page = await context.newPage();
    watch(page);
    await page.goto(base);
    const storefront = page.locator('.audit-ingress[data-ingress="shop/storefront"]');
    await storefront.waitFor();
    const rows = storefront.locator('.audit-row');
    const cells = async (selector: string) => rows.locator(selector).allTextContents();
    expect(await cells('.field')).toEqual(STOREFRONT_ANNOTATIONS.map((each) => each.name));
    expect(await cells('.pill')).toEqual(STOREFRONT_ANNOTATIONS.map((each) => each.status));
    expect(await cells('.msg')).toEqual(STOREFRONT_ANNOTATIONS.map((each) => each.message));
    const pills = await rows.locator('.pill').all();
    expect(await Promise.all(pills.map((pill) => pill.getAttribute('class')))).toEqual([
      'pill bad',
      'pill ok',
      'pill warn',
      'pill bad',
    ]);
    expect(await page.locator('#audit-summary').textContent()).toBe(
      '1 supported · 1 partial · 2 unsupported · 1 invalid',
    );
    // Ingresses without annotations are left out; a hostile annotation name and message stay text.
    expect(await page.locator('.audit-ingress h3').allTextContents()).toEqual(['evil/hostile', 'shop/storefront']);
    expect(await page.locator('.audit-ingress[data-ingress="evil/hostile"] .msg').textContent()).toBe(HOSTILE);
    expect(await page.locator('#audit img').count()).toBe(0);
    // The filter hides the other Ingresses.
    await page.fill('#filter', 'storefront');
    await expect
      .poll(() => page.locator('.audit-ingress:not(.hidden) h3').allTextContents())
      .toEqual(['shop/storefront']);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('draws 15-minute charts per route, per host and for the tables, and they move with traffic', async () => {
    const page = await context.newPage();
    watch(page);
    await page.goto(base);
    await page.locator('#live.on').waitFor();
    const cartRow = page.locator('#hosts tr.route', { hasText: '/cart' });
    const cartRate = cartRow.locator('.chart.rate .v');
    // A few samples in, the route's rate chart has a line.
    await expect.poll(() => cartRow.locator('svg.spark.rate polyline').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    await expect
      .poll(
        async () =>
          ((await cartRow.locator('svg.spark.rate polyline').first().getAttribute('points')) ?? '').split(' ').length,
        {
          timeout: 10_000,
        },
      )
      .toBeGreaterThan(2);
    // Every host has its three charts; every route row too.
    const hosts = await page.locator('#hosts section.host').count();
    expect(await page.locator('#hosts section.host > header svg.spark').count()).toBe(hosts * 3);
    expect(await page.locator('#hosts tr.route svg.spark').count()).toBe(
      (await page.locator('#hosts tr.route').count()) * 3,
    );
    const rateOf = async () => Number.parseFloat(((await cartRate.textContent()) ?? '').replace('req/s ', ''));
    const before = await rateOf();

    // A burst of traffic (and some 5xx) moves the rate and the 5xx share.
    const now = Date.now();
    for (let i = 0; i < 1200; i++) {
      metrics.requestDone(requestRecord({ startTime: now - 1000 + i, durationMs: 5, status: i % 4 === 0 ? 503 : 200 }));
    }
    await expect.poll(rateOf, { timeout: 10_000 }).toBeGreaterThan(before + 10);
    await expect
      .poll(
        async () =>
          Number.parseFloat(((await cartRow.locator('.chart.errors .v').textContent()) ?? '').replace('5xx ', '')),
        {
          timeout: 10_000,
        },
      )
      .toBeGreaterThan(5);

    // A new table shows up in the tables' chart.
    state = fixtureState({ generation: 3, withNewHost: true });
    metrics.tablePublished(state);
    await expect
      .poll(() => page.locator('#table-charts .sub').textContent(), { timeout: 10_000 })
      .toContain('last generation 3');
    expect(await page.locator('#table-charts svg.spark.build polyline').count()).toBeGreaterThan(0);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('reads on a phone, in the dark theme', async () => {
    const page = await context.newPage();
    watch(page);
    await page.setViewportSize({ width: 390, height: 844 });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.goto(base);
    await page.locator('#hosts .host-name').first().waitFor();
    const overflow = await page.evaluate<number>(
      'document.documentElement.scrollWidth - document.documentElement.clientWidth',
    );
    expect(overflow).toBeLessThanOrEqual(0);
    const background = await page.evaluate<string>('getComputedStyle(document.body).backgroundColor');
    expect(background).toBe('rgb(15, 18, 22)');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('shows Gateways beside the Ingress hosts and explains on a Gateway listener', async () => {
    state = withGateway(fixtureState({ generation: 5 }));
    const page = await context.newPage();
    watch(page);
    await page.goto(base);
    const gateway = page.locator('#gateways section.gateway');
    await expect.poll(() => gateway.locator('.host-name').allTextContents()).toEqual([GATEWAY]);
    expect(await gateway.locator('.pill.ok').allTextContents()).toContain('Accepted');
    expect(await gateway.locator('.gateway-listener .listener-head').allTextContents()).toEqual([
      ':80 HTTP · listeners http',
      ':8080 HTTP · listeners alt',
    ]);
    // Each listener's table has its own header row (shared header cells would move to the last table).
    expect(await gateway.locator('.gateway-listener table thead th').count()).toBe(2 * 5);
    const row = gateway.locator('tr.route').first();
    expect(await row.locator('td[data-label="Path"] .path').textContent()).toBe('/api');
    expect(await row.locator('td[data-label="Route"]').textContent()).toBe('infra/store');
    expect(await row.locator('td[data-label="Endpoints"]').textContent()).toBe('1 ready');
    const parents = page.locator('#gateways tr', { hasText: 'HTTPRoute infra/store' });
    expect(await parents.locator('td[data-label="Parent"]').textContent()).toBe(GATEWAY);
    // The filter reaches Gateway panels too.
    await page.fill('#filter', 'infra/edge');
    const hidden = async () => ((await gateway.getAttribute('class')) ?? '').split(' ').includes('hidden');
    await expect.poll(hidden).toBe(false);
    await page.fill('#filter', 'no-such-thing');
    await expect.poll(hidden).toBe(true);
    await page.fill('#filter', '');

    // One explainer: the same form, on the Gateway listener chosen.
    expect(await page.locator('#explain-on option').allTextContents()).toEqual([
      'Ingress edge',
      `Gateway ${GATEWAY}:80`,
      `Gateway ${GATEWAY}:8080`,
    ]);
    await page.selectOption('#explain-on', `${GATEWAY}:8080`);
    await page.fill('#explain-input', 'gw.example.org/api/items');
    await page.click('#explain-form button');
    const verdict = page.locator('#explain-result .verdict');
    await verdict.waitFor();
    expect(await verdict.textContent()).toBe('proxied to infra/api');
    const details = (await page.locator('#explain-result').textContent()) ?? '';
    expect(details).toContain(`Gateway ${GATEWAY} port 8080`);
    expect(details).toContain('infra/store');
    // On the Ingress edge the same URL matches nothing.
    await page.selectOption('#explain-on', '');
    await page.click('#explain-form button');
    await expect.poll(() => verdict.textContent()).toMatch(/^404/);
    expect(problems).toEqual([]);
    await page.close();
  });
});
