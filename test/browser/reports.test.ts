import { expect } from 'chai';
import type { BrowserContext as PlaywrightContext, Locator, Page } from 'playwright-core';
import {
  expectNoAxeViolations,
  screenshot,
  startBrowserSession,
  useLanguage,
  watchConsoleErrors,
  type BrowserContext,
} from '../support/browser.js';
import { VALID_PASSWORD } from '../support/http.js';
import { makeResident } from '../support/people.js';
import { translator, type Lang } from '../../server/i18n.js';

const STAFF = {
  supervisor: {
    name: 'سارة المشرفة',
    email: 'sara.reports@capital.bh',
    role: 'supervisor',
    municipality: 'capital',
  },
  admin: { name: 'Admin National', email: 'admin.reports@example.bh', role: 'admin', municipality: null },
} as const;

/** A spread of applications over the default period (two months up to 22 November 2026). */
const SERVICES = [
  ['residence-certificate', 40],
  ['municipal-account-opening', 18],
  ['insurance-refund', 12],
  ['excavation-permit', 8],
  ['building-completion-certificate', 6],
  ['commercial-activity-approval', 3],
] as const;
const CHANNELS = ['web', 'web', 'web', 'counter', 'counter', 'phone', 'email', 'partner'] as const;
const STATUSES = [
  'accepted',
  'accepted',
  'rejected',
  'in_review',
  'submitted',
  'withdrawn',
  'accepted',
] as const;

const at = (local: string) => new Date(`${local}+03:00`);
const DAY = 24 * 60 * 60 * 1000;

describe('The report pages in a real browser', () => {
  let b: BrowserContext;
  let contexts: PlaywrightContext[] = [];
  let consoleErrors: string[][] = [];

  before(async () => {
    b = await startBrowserSession();
    const { ctx } = b;
    for (const person of Object.values(STAFF)) {
      await ctx.services.accounts.createStaff({
        ...person,
        password: VALID_PASSWORD,
        department: person.municipality ? 'customer-services' : null,
      });
    }
    const applicant = await makeResident(ctx);
    const start = at('2026-09-22T09:00:00').getTime();
    const rows = [];
    let n = 0;
    for (const [slug, count] of SERVICES) {
      for (let i = 0; i < count; i++, n++) {
        const submitted = new Date(start + ((n * 7919) % 60) * DAY + (n % 5) * 60 * 60 * 1000);
        const status = STATUSES[n % STATUSES.length]!;
        const decided = status === 'accepted' || status === 'rejected';
        const took = 1 + ((n * 31) % 9);
        rows.push({
          service_slug: slug,
          service_version: 1,
          applicant_id: applicant.id,
          channel: CHANNELS[n % CHANNELS.length],
          municipality: n % 3 === 0 ? 'muharraq' : 'capital',
          department: 'customer-services',
          state: status,
          status,
          snapshot: '{}',
          form_data: '{}',
          submitted_at: submitted,
          decided_at: decided ? new Date(submitted.getTime() + took * DAY) : null,
          sla_due_at: new Date(submitted.getTime() + 7 * DAY),
          in_queue: !decided && status !== 'withdrawn',
          queue_due_at: decided || status === 'withdrawn' ? 9e12 : submitted.getTime() + 7 * DAY,
          created_at: submitted,
          updated_at: submitted,
        });
      }
    }
    await ctx.db.batchInsert('applications', rows, 50);
    // Rows written behind the workflow's back: the report counters are recomputed from them.
    await ctx.services.stats.rebuild();
  });
  after(() => b?.close());
  beforeEach(() => {
    contexts = [];
    consoleErrors = [];
  });
  afterEach(async function () {
    for (const context of contexts) await context.close();
    if (this.currentTest?.state === 'failed') {
      for (const line of b.ctx.logs.filter((l) => Number(l.level) >= 50)) console.error(JSON.stringify(line));
    }
    expect(consoleErrors.flat(), 'console errors (CSP violations included)').to.deep.equal([]);
  });

  async function newPage(lang: Lang, who?: keyof typeof STAFF): Promise<Page> {
    const context = await b.browser.newContext({ viewport: { width: 1280, height: 900 } });
    contexts.push(context);
    const page = await context.newPage();
    consoleErrors.push(watchConsoleErrors(page));
    if (who) {
      await page.goto(`${b.baseUrl}/signin`);
      await page.locator('#identifier').fill(STAFF[who].email);
      await page.locator('#password').fill(VALID_PASSWORD);
      await page.locator('main button[type=submit]').click();
      await page.waitForURL(/\/staff$/);
    }
    await useLanguage(page, b.baseUrl, lang);
    return page;
  }

  const box = async (locator: Locator) => (await locator.boundingBox())!;

  /** Every chart is a named image described by a table on the page; nothing is wider than the window. */
  async function checkCharts(page: Page, lang: Lang, what: string, expected: number) {
    const charts = page.locator('main svg[role=img]:visible');
    expect(await charts.count(), `charts on ${what}`).to.equal(expected);
    for (const chart of await charts.all()) {
      const name = await chart.getAttribute('aria-labelledby');
      expect(
        (await page.locator(`[id="${name}"]`).textContent())?.trim(),
        `${what}: chart name`,
      ).to.not.equal('');
      const described = await chart.getAttribute('aria-describedby');
      expect(await page.locator(`table[id="${described}"]`).count(), `${what}: the chart's table`).to.equal(
        1,
      );
      expect(await chart.getAttribute('style'), `${what}: no style attribute`).to.equal(null);
    }
    await expectNoAxeViolations(page, `${what} (${lang})`);
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow, `${what} (${lang}) is wider than the window`).to.be.at.most(0);
  }

  /** Bars grow from the reading start: from the right in Arabic, with the labels on their right. */
  async function checkMirroring(page: Page, lang: Lang) {
    const chart = page.locator('#chart-services-title').locator('xpath=..');
    const firstBar = await box(chart.locator('rect').first());
    const firstLabel = await box(chart.locator('g g text').first());
    if (lang === 'ar') expect(firstLabel.x).to.be.greaterThan(firstBar.x + firstBar.width - 1);
    else expect(firstLabel.x + firstLabel.width).to.be.lessThan(firstBar.x + 1);
    const months = page.locator('#chart-months-title').locator('xpath=..').locator('rect');
    expect(await months.count()).to.equal(3);
    const [september, october] = [await box(months.nth(0)), await box(months.nth(1))];
    if (lang === 'ar') expect(september.x).to.be.greaterThan(october.x);
    else expect(september.x).to.be.lessThan(october.x);
  }

  for (const lang of ['ar', 'en'] as const satisfies Lang[]) {
    const t = translator(lang);

    for (const who of ['supervisor', 'admin'] as const) {
      it(`when ${who === 'admin' ? 'an' : 'a'} ${who} opens the dashboard in ${lang}, then four charts mirrored for the language sit beside their tables and the page passes axe`, async () => {
        const page = await newPage(lang, who);
        await page
          .getByRole('navigation', { name: t('nav.main') })
          .getByRole('link', { name: t('nav.reports') })
          .click();
        await page.waitForURL(/\/reports$/);
        expect(await page.locator('h1').textContent()).to.equal(t('reports.title'));
        await checkCharts(page, lang, `the dashboard of the ${who}`, 4);
        await checkMirroring(page, lang);
        const legend = await page.locator('#chart-channels-title').locator('xpath=..').textContent();
        expect(legend).to.contain(t('channels.web'));
        expect(await page.locator('#chart-compliance-title').locator('xpath=..').textContent()).to.contain(
          t('charts.compliance.all'),
        );
        await screenshot(page, `reports-dashboard-${who}-${lang}`);
        await page.screenshot({ path: `/tmp/reports-dashboard-${who}-${lang}.png`, fullPage: true });
        await page.setViewportSize({ width: 390, height: 844 });
        await checkCharts(page, lang, `the dashboard of the ${who} on a phone`, 4);
        await page.screenshot({ path: `/tmp/reports-dashboard-${who}-${lang}-phone.png`, fullPage: true });
      });
    }

    it(`when anyone opens the open-data page in ${lang}, then its charts and tables pass axe, and a period without applications shows a sentence instead of charts`, async () => {
      const page = await newPage(lang);
      await page.goto(`${b.baseUrl}/open-data`);
      expect(await page.locator('h1').textContent()).to.equal(t('reports.openTitle'));
      await checkCharts(page, lang, 'the open-data page', 4);
      await checkMirroring(page, lang);
      await screenshot(page, `reports-open-data-${lang}`);
      await page.screenshot({ path: `/tmp/reports-open-data-${lang}.png`, fullPage: true });

      await page.locator('#from').fill('2020-01-01');
      await page.locator('#to').fill('2020-01-31');
      await Promise.all([
        page.waitForURL(/from=2020-01-01/),
        page.getByRole('button', { name: t('backoffice.apply'), exact: true }).click(),
      ]);
      await checkCharts(page, lang, 'the open-data page of an empty period', 0);
      expect(await page.locator('.chart-empty:visible').count()).to.equal(4);
      expect(await page.locator('.chart-empty:visible').first().textContent()).to.equal(t('charts.empty'));
      await page.screenshot({ path: `/tmp/reports-open-data-empty-${lang}.png`, fullPage: true });
    });
  }
});
