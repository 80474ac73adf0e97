import { expect } from 'chai';
import type { BrowserContext as PlaywrightContext, Page } from 'playwright-core';
import {
  expectNoAxeViolations,
  screenshot,
  startBrowserSession,
  useLanguage,
  watchConsoleErrors,
  type BrowserContext,
} from '../support/browser.js';
import { VALID_PASSWORD } from '../support/http.js';

const ADMIN = { email: 'admin.services@example.bh' };

describe('Administrators’ service pages in Chromium', function () {
  this.timeout(120_000);
  let b: BrowserContext;
  const contexts: PlaywrightContext[] = [];
  const consoleErrors: string[][] = [];

  before(async () => {
    b = await startBrowserSession();
    await b.ctx.services.accounts.createStaff({
      name: 'نور المحمود',
      email: ADMIN.email,
      password: VALID_PASSWORD,
      role: 'admin',
      municipality: null,
      department: null,
    });
  });
  after(async () => {
    for (const c of contexts) await c.close();
    await b.close();
  });

  async function adminPage(lang: 'ar' | 'en'): Promise<Page> {
    const context = await b.browser.newContext({ viewport: { width: 1280, height: 900 } });
    contexts.push(context);
    const page = await context.newPage();
    consoleErrors.push(watchConsoleErrors(page));
    await page.goto(`${b.baseUrl}/signin`);
    await page.locator('#identifier').fill(ADMIN.email);
    await page.locator('#password').fill(VALID_PASSWORD);
    await page.locator('main button[type=submit]').click();
    await page.waitForURL(/\/staff$/);
    await useLanguage(page, b.baseUrl, lang);
    return page;
  }

  for (const lang of ['ar', 'en'] as const) {
    it(`when an administrator opens the services pages in ${lang === 'ar' ? 'Arabic' : 'English'}, then they pass the accessibility checks, the diagram is drawn and a bad value is reported beside its field`, async () => {
      const page = await adminPage(lang);
      await page.locator('nav a[href="/admin/services"]').click();
      await page.waitForURL(/\/admin\/services$/);
      expect(await page.locator('tr.service-row').count()).to.be.greaterThan(20);
      await expectNoAxeViolations(page, `services list (${lang})`);
      await screenshot(page, `admin-services-${lang}`);

      await page.goto(`${b.baseUrl}/admin/services/excavation-permit`);
      const diagram = page.locator('.workflow-scroll svg');
      expect(await diagram.getAttribute('role')).to.equal('img');
      const box = (await diagram.boundingBox())!;
      expect(box.width).to.be.greaterThan(400);
      await expectNoAxeViolations(page, `service page (${lang})`);
      await screenshot(page, `admin-service-${lang}`);

      await page.locator('#fee').fill('-2');
      await page.locator('#save-settings').click();
      await page.waitForSelector('.error-summary');
      expect(await page.locator('#fee-error').textContent()).to.contain(
        lang === 'ar' ? 'لا يمكن أن تكون الرسوم سالبة' : 'The fee cannot be negative',
      );
      await expectNoAxeViolations(page, `settings error (${lang})`);
      await screenshot(page, `admin-service-error-${lang}`);

      await page.goto(`${b.baseUrl}/services/excavation-permit`);
      expect(await page.locator('.workflow-figure svg').count()).to.equal(1);
      await expectNoAxeViolations(page, `guide with steps diagram (${lang})`);
      await screenshot(page, `guide-diagram-${lang}`);
      expect(consoleErrors.flat()).to.deep.equal([]);
    });
  }
});
