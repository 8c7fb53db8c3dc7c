import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { browserAdminServer } from '../../test/support/admin-browser-server.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Chromium, launchChromium } from '../../test/support/admin-chromium.ts';
import { SHOWCASE_AUTH_URL, showcaseState } from '../../test/support/admin-showcase-fixture.ts';
import { requestRecord } from '../../test/support/request-record-fixture.ts';
import { createMetrics } from '../telemetry/metrics.ts';

// The README's screenshots (docs/admin-page.png, docs/admin-page-phone.png), rewritten only on request:
// UPDATE_SCREENSHOTS=1 npx vitest run src/admin/page-screenshots.browser.test.ts. Otherwise they go to a
// temporary directory, so a test run leaves the tree clean.
const SCREENSHOT_DIR =
  process.env.UPDATE_SCREENSHOTS === '1'
    ? join(import.meta.dirname, '..', '..', 'docs')
    : join(tmpdir(), 'sluice-screenshots');

describe('status page screenshots (a user-like state: Ingresses, audit, problems, a Gateway)', () => {
  const state = showcaseState(7);
  const metrics = createMetrics({ processMetrics: false });
  const app = browserAdminServer({ getState: () => state, metrics });
  let browser: Chromium | undefined;
  let context: BrowserContext;
  let base = '';

  beforeAll(async () => {
    metrics.tablePublished(state);
    const now = Date.now();
    for (let i = 0; i < 240; i++) {
      const startTime = now - 30_000 + i * 100;
      metrics.requestDone(requestRecord({ startTime, durationMs: 3 + (i % 20), status: i % 40 === 0 ? 502 : 200 }));
      if (i % 3 === 0) metrics.requestDone(requestRecord({ startTime, ingress: 'wildcard', durationMs: 40 }));
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

  /** Opens the page and waits until every panel the pictures show has rendered, charts with a line. */
  async function openRendered(page: Page, problems: string[]): Promise<void> {
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
    await page.goto(base);
    await page.locator('#live.on').waitFor();
    await page.locator('#gateways section.gateway').waitFor();
    await page.locator('.audit-ingress[data-ingress="shop/storefront"]').waitFor();
    const cartLine = page.locator('#hosts tr.route', { hasText: '/cart' }).locator('svg.spark.rate polyline').first();
    await expect
      .poll(async () => ((await cartLine.getAttribute('points')) ?? '').split(' ').length, { timeout: 10_000 })
      .toBeGreaterThan(4);
  }

  it('on a desktop: problems, the audit, an explained URL behind auth, the hosts and the Gateway', async () => {
    const page = await context.newPage();
    const problems: string[] = [];
    await openRendered(page, problems);
    expect(await page.locator('#problem-count').textContent()).toBe('4');
    expect(await page.locator('#audit-summary').textContent()).toBe(
      '2 supported · 1 partial · 1 unsupported · 1 invalid',
    );
    expect(await page.locator('#gateways .pill.bad').count()).toBeGreaterThan(0); // HTTPRoute legacy's missing Service
    await page.fill('#explain-input', 'https://shop.example.com/cart?ref=mail');
    await page.click('#explain-form button');
    const verdict = page.locator('#explain-result .verdict');
    await verdict.waitFor();
    expect(await verdict.textContent()).toBe(`auth via ${SHOWCASE_AUTH_URL}, then proxied to shop/web`);
    await page.evaluate('window.scrollTo(0, 0)'); // the click scrolled; the sticky header belongs at the top
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'admin-page.png'), fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('on a phone, in the dark theme, without sideways scrolling', async () => {
    const page = await context.newPage();
    await page.setViewportSize({ width: 390, height: 844 });
    await page.emulateMedia({ colorScheme: 'dark' });
    const problems: string[] = [];
    await openRendered(page, problems);
    const overflow = await page.evaluate<number>(
      'document.documentElement.scrollWidth - document.documentElement.clientWidth',
    );
    expect(overflow).toBeLessThanOrEqual(0);
    // Panels clip what overflows them, so the check above cannot see it: the audit summary stays inside.
    const summary = await page.locator('#audit-summary').boundingBox();
    const panel = await page.locator('section[aria-labelledby="audit-title"]').boundingBox();
    expect(summary !== null && panel !== null && summary.x + summary.width <= panel.x + panel.width).toBe(true);
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'admin-page-phone.png'), fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  });
});
