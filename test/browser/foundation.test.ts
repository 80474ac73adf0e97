import { expect } from 'chai';
import type { Page } from 'playwright-core';
import {
  expectNoAxeViolations,
  screenshot,
  startBrowserSession,
  useLanguage,
  watchConsoleErrors,
  type BrowserContext,
} from '../support/browser.js';
import { VALID_PASSWORD } from '../support/http.js';

const PAGES = [
  '/',
  '/signup',
  '/signup/resident',
  '/signup/investor',
  '/signin',
  '/no-such-page',
  '/services',
  '/services?q=zzz',
  '/services/residence-certificate',
  '/services/building-completion-certificate',
];

describe('The foundation pages in a real browser', () => {
  let b: BrowserContext;
  let page: Page;
  let consoleErrors: string[];
  before(async () => {
    b = await startBrowserSession();
    await b.ctx.services.accounts.createStaff({
      name: 'Sara Supervisor',
      email: 'sara@capital.bh',
      password: VALID_PASSWORD,
      role: 'supervisor',
      municipality: 'capital',
      department: 'customer-services',
    });
  });
  after(() => b.close());
  beforeEach(async () => {
    page = await b.browser.newPage({ viewport: { width: 1280, height: 900 } });
    consoleErrors = watchConsoleErrors(page);
  });
  afterEach(async () => {
    await page.close();
    expect(consoleErrors, 'console errors (CSP violations included)').to.deep.equal([]);
  });

  for (const lang of ['ar', 'en'] as const) {
    for (const path of PAGES) {
      it(`when ${path} is opened in ${lang}, then it has no WCAG 2.2 AA violations`, async () => {
        await useLanguage(page, b.baseUrl, lang);
        await page.goto(b.baseUrl + path);
        expect(await page.getAttribute('html', 'lang')).to.equal(lang);
        await expectNoAxeViolations(page, `${path} (${lang})`);
        await screenshot(page, `foundation-${lang}${path.replace(/[/?=]/g, '_')}`);
      });
    }

    it(`when the layout is shown in ${lang}, then the brand sits on the ${lang === 'ar' ? 'right' : 'left'} (mirrored)`, async () => {
      await useLanguage(page, b.baseUrl, lang);
      const brand = await page.locator('.navbar-brand').boundingBox();
      const signIn = await page.locator('a[href="/signin"]').first().boundingBox();
      expect(brand && signIn).to.not.equal(null);
      if (lang === 'ar') expect(brand!.x).to.be.greaterThan(signIn!.x);
      else expect(brand!.x).to.be.lessThan(signIn!.x);
    });

    it(`when a sign-up with errors is shown in ${lang}, then focus is on the error summary and it passes axe`, async () => {
      await useLanguage(page, b.baseUrl, lang);
      await page.goto(`${b.baseUrl}/signup/resident`);
      await page.fill('#cpr', '12');
      await page.click('button[type=submit]');
      await page.locator('[data-error-summary]').waitFor();
      await page.waitForLoadState('load');
      const focused = await page.evaluate(() => document.activeElement?.hasAttribute('data-error-summary'));
      expect(focused).to.equal(true);
      expect(await page.title()).to.match(lang === 'ar' ? /^خطأ: / : /^Error: /);
      await expectNoAxeViolations(page, `sign-up errors (${lang})`);
      await screenshot(page, `foundation-${lang}-signup-errors`);
    });

    it(`when staff sign in with the ${lang} page, then the staff page and account page pass axe`, async () => {
      await useLanguage(page, b.baseUrl, lang);
      await page.goto(`${b.baseUrl}/signin`);
      await page.fill('#identifier', 'sara@capital.bh');
      await page.fill('#password', VALID_PASSWORD);
      await page.click('button[type=submit]');
      await page.waitForURL(/\/staff$/);
      await expectNoAxeViolations(page, `staff home (${lang})`);
      await screenshot(page, `foundation-${lang}-staff`);
      await page.goto(`${b.baseUrl}/account`);
      await expectNoAxeViolations(page, `account (${lang})`);
    });
  }
});
