import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { Locator, Page } from 'playwright-core';
import {
  expectNoAxeViolations,
  screenshot,
  startBrowserSession,
  useLanguage,
  watchConsoleErrors,
  type BrowserContext,
} from '../support/browser.js';
import { PDF, requireClamd } from '../support/clamav.js';
import { VALID_PASSWORD } from '../support/http.js';
import { translator, type Lang } from '../../server/i18n.js';
import { dateFormatter } from '../../server/http/formatting.js';

/** What a person in each language types, and the account they sign up with. */
const PEOPLE = {
  ar: {
    name: 'فاطمة علي حسن',
    cpr: '850101234',
    email: 'fatima@example.bh',
    mobile: '36001234',
    search: 'شهادة السكن',
    area: 'العدلية',
  },
  en: {
    name: 'Fatima Ali Hasan',
    cpr: '900202345',
    email: 'fatima.en@example.bh',
    mobile: '66001234',
    search: 'residence certificate',
    area: 'Adliya',
  },
} as const;

/** The text direction the browser computed for an element (what a reader sees, not the attribute). */
const directionOf = (locator: Locator) => locator.evaluate((el) => getComputedStyle(el).direction);

describe('The resident journey in a real browser', () => {
  let b: BrowserContext;
  let page: Page;
  let consoleErrors: string[];
  let files: { cprCopy: string; tenancyProof: string };
  let tmp: string;

  before(async () => {
    await requireClamd();
    b = await startBrowserSession();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-browser-'));
    files = { cprCopy: path.join(tmp, 'smart-card.pdf'), tenancyProof: path.join(tmp, 'lease.pdf') };
    for (const file of Object.values(files)) fs.writeFileSync(file, PDF);
  });
  after(async () => {
    await b?.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });
  beforeEach(async () => {
    page = await b.browser.newPage({ viewport: { width: 1280, height: 900 } });
    consoleErrors = watchConsoleErrors(page);
  });
  afterEach(async () => {
    await page.close();
    expect(consoleErrors, 'console errors (CSP violations included)').to.deep.equal([]);
  });

  for (const lang of ['ar', 'en'] as const satisfies Lang[]) {
    it(`when a resident signs up in ${lang}, finds the residence certificate, fills it in and submits it, then the confirmation shows the reference and My applications lists it with its status`, async function () {
      this.timeout(120_000);
      const t = translator(lang);
      const person = PEOPLE[lang];
      const shot = (step: string) => screenshot(page, `journey-${lang}-${step}`);
      const axe = (label: string) => expectNoAxeViolations(page, `${label} (${lang})`);
      const menu = (key: string) =>
        page
          .getByRole('navigation', { name: t('nav.main') })
          .getByRole('link', { name: t(key), exact: true });

      // Sign up through the pages.
      await useLanguage(page, b.baseUrl, lang);
      await menu('nav.signUp').click();
      await page.waitForURL(/\/signup$/);
      await axe('sign-up choice');
      await page.getByRole('link', { name: t('signup.residentChoice') }).click();
      await page.waitForURL(/\/signup\/resident$/);
      await axe('resident sign-up');
      await page.locator('#name').pressSequentially(person.name);
      await page.locator('#cpr').pressSequentially(person.cpr);
      await page.locator('#email').pressSequentially(person.email);
      await page.locator('#mobile').pressSequentially(person.mobile);
      await page.locator('#password').fill(VALID_PASSWORD);
      await page.locator('#passwordConfirm').fill(VALID_PASSWORD);
      await page.getByRole('button', { name: t('signup.submit') }).click();
      await page.waitForURL(/\/account$/);
      await axe('account after sign-up');

      // Find the service with the search box.
      await menu('nav.services').click();
      await page.waitForURL(/\/services$/);
      await axe('catalogue');
      await page.getByLabel(t('catalogue.searchLabel')).pressSequentially(person.search);
      await page.getByRole('button', { name: t('catalogue.searchButton') }).click();
      await page.waitForURL(/\/services\?q=/);
      await axe('catalogue search results');
      const serviceName = lang === 'ar' ? 'شهادة إثبات السكن' : 'Residence certificate';
      await page.getByRole('link', { name: serviceName, exact: true }).click();

      // The guide, then start.
      await page.waitForURL(/\/services\/residence-certificate$/);
      expect(await page.locator('h1').textContent()).to.equal(serviceName);
      await axe('guide');
      await shot('1-guide');
      await page.getByRole('link', { name: t('apply.start') }).click();

      // Page 1: about you, prefilled from the account (no draft yet: it is made when this page is
      // saved); a wrong CPR first, to see the error summary.
      await page.waitForURL(/\/services\/residence-certificate\/apply$/);
      await axe('form page 1');
      // The page is headed by its own title, the service's name above it.
      expect(await page.locator('h1').textContent()).to.equal(
        lang === 'ar' ? 'بيانات مقدم الطلب' : 'Applicant’s details',
      );
      expect(await page.locator('h1 + form').count()).to.equal(1);
      expect(await page.locator('main p.text-body-secondary').first().textContent()).to.contain(serviceName);
      expect(await page.locator('#applicantName').inputValue()).to.equal(person.name);
      expect(await page.locator('#cpr').inputValue()).to.equal(person.cpr);
      await page.locator('#cpr').fill('');
      await page.locator('#cpr').pressSequentially('12345');
      await page.getByRole('button', { name: t('common.continue'), exact: true }).click();
      const summary = page.locator('[data-error-summary]');
      await summary.waitFor();
      await page.waitForLoadState('load'); // app.js moves focus once the page has loaded
      expect(await page.evaluate(() => document.activeElement?.hasAttribute('data-error-summary'))).to.equal(
        true,
      );
      expect(await page.title()).to.match(lang === 'ar' ? /^خطأ: / : /^Error: /);
      expect(await page.locator('#cpr').getAttribute('aria-invalid')).to.equal('true');
      expect(await directionOf(page.locator('#cpr'))).to.equal('ltr');
      await axe('form page 1 with errors');
      await shot('2-form-errors');
      // The error summary's link takes the person to the field.
      await summary.getByRole('link').first().click();
      // Following the fragment moves focus to the input (the browser does it after the click).
      await page.waitForFunction(() => document.activeElement?.id === 'cpr', undefined, { timeout: 5000 });
      await page.locator('#cpr').fill('');
      await page.locator('#cpr').pressSequentially(person.cpr);
      await page.getByRole('button', { name: t('common.continue'), exact: true }).click();

      // Page 2: the address and what the certificate is for.
      await page.waitForURL(/\/applications\/\d+\/form\/1$/);
      const id = /\/applications\/(\d+)\//.exec(page.url())![1];
      await axe('form page 2');
      await page.getByLabel(t('apply.address.building')).pressSequentially('1234');
      await page.getByLabel(t('apply.address.road')).pressSequentially('4321');
      await page.getByLabel(t('apply.address.block')).pressSequentially('338');
      await page.locator('#address-area').pressSequentially(person.area);
      await page.getByLabel(lang === 'ar' ? 'مستأجر' : 'Tenant', { exact: true }).check();
      // A date as day, month and year, whatever the browser's language (decision 0024).
      const since = page.getByRole('group', {
        name: lang === 'ar' ? 'تاريخ بدء السكن في العنوان' : 'Living at this address since',
      });
      await since.getByLabel(t('apply.date.day')).fill(lang === 'ar' ? '١' : '1');
      await since.getByLabel(t('apply.date.month')).fill('3');
      await since.getByLabel(t('apply.date.year')).fill('2024');
      await page
        .locator('#purpose')
        .selectOption({ label: lang === 'ar' ? 'تسجيل في مدرسة' : 'School registration' });
      await shot('3-form-address');
      await page.getByRole('button', { name: t('common.continue'), exact: true }).click();

      // Page 3: the documents, chosen on the page itself and sent with its form.
      await page.waitForURL(/\/form\/2$/);
      await axe('form page 3 (documents)');
      // The file inputs speak the page's language, not the browser's (English here): a click on the
      // face reaches the real input, and the chosen file's name replaces "no file chosen".
      const smartCard = page.locator('[data-file-picker]', { has: page.locator('#cprCopyFile') });
      const face = smartCard.locator('.file-picker-face');
      expect(await face.isVisible()).to.equal(true);
      expect(await face.locator('.file-picker-button').textContent()).to.equal(t('filePicker.chooseMany'));
      expect(await face.locator('.file-picker-names').textContent()).to.equal(t('filePicker.none'));
      // What a click on the face's button or its text lands on: the real input.
      await face.scrollIntoViewIfNeeded();
      const hit = await face.evaluate((el) =>
        ['.file-picker-button', '.file-picker-names'].map((part) => {
          const r = el.querySelector(part)!.getBoundingClientRect();
          return document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2)?.id;
        }),
      );
      expect(hit).to.deep.equal(['cprCopyFile', 'cprCopyFile']);
      await page
        .getByLabel(lang === 'ar' ? 'البطاقة الذكية' : 'Smart card', { exact: true })
        .setInputFiles(files.cprCopy);
      expect(await face.locator('.file-picker-names').textContent()).to.equal('smart-card.pdf');
      await page
        .getByLabel(lang === 'ar' ? 'عقد الإيجار أو وثيقة الملكية' : 'Lease or title deed', { exact: true })
        .setInputFiles(files.tenancyProof);
      await shot('4-documents');
      await page.getByRole('button', { name: t('common.continue'), exact: true }).click();

      // Check your answers, then submit.
      await page.waitForURL(/\/check$/);
      await axe('check your answers');
      expect(await page.locator('main').textContent())
        .to.contain('smart-card.pdf')
        .and.contain('lease.pdf');
      const answers = await page.locator('dl.answers').allTextContents();
      expect(answers.join(' '))
        .to.contain(person.name)
        .and.contain(person.cpr)
        .and.contain(person.area)
        .and.contain(lang === 'ar' ? 'مستأجر' : 'Tenant')
        .and.contain(dateFormatter(lang)('2024-03-01', { time: false }));
      // Read back grouped: +973 3600 1234.
      const mobileAnswer = page.locator('dl.answers [dir=ltr]', {
        hasText: `${person.mobile.slice(0, 4)} ${person.mobile.slice(4)}`,
      });
      expect(await directionOf(mobileAnswer)).to.equal('ltr');
      await shot('5-check-answers');
      await page.getByRole('button', { name: t('apply.submit') }).click();

      // The confirmation shows the reference, left to right in both languages.
      await page.waitForURL(/\/submitted$/);
      await axe('confirmation');
      const referenceEl = page.locator('main .reference');
      const reference = (await referenceEl.textContent())!.trim();
      expect(reference).to.match(/^RC-2026-[0-9A-Z]{6}$/);
      expect(await directionOf(referenceEl)).to.equal('ltr');
      expect(await page.locator('h1').textContent()).to.equal(t('apply.submittedTitle'));
      await shot('6-confirmation');

      // My applications lists it with its status.
      await menu('nav.applications').click();
      await page.waitForURL(/\/applications$/);
      await axe('my applications');
      const row = page.locator('tbody tr', { hasText: reference });
      expect(await row.count()).to.equal(1);
      expect(await row.locator('td').nth(0).textContent()).to.equal(serviceName);
      expect(await row.locator('.badge').textContent()).to.equal(t('status.submitted'));
      expect(await directionOf(row.locator('td').nth(1).locator('[dir=ltr]'))).to.equal('ltr');
      await shot('7-my-applications');

      // The application's own page shows the status and what has happened.
      await row.getByRole('link', { name: t('applications.view') }).click();
      await page.waitForURL(new RegExp(`/applications/${id}$`));
      await axe('application status');
      expect(await page.locator('h1').textContent()).to.equal(reference);
      expect(await page.locator('main .badge').first().textContent()).to.equal(t('status.submitted'));
      await shot('8-application-status');
    });
  }
});
