import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
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
import { fakeExecutable, requireClamd } from '../support/clamav.js';
import { VALID_PASSWORD } from '../support/http.js';
import { completedThroughServices } from '../support/applications.js';
import { translator, type Lang } from '../../server/i18n.js';
import type { ServiceDefinition } from '../../workflows/types.js';
import type { ApplicationRow } from '../../db/repositories/applications.js';
import type { UserRow } from '../../db/repositories/users.js';

const CPR = '850101234';
const INFO_COMMENT = 'Please attach a lease that is still valid.';
const REJECT_COMMENT = 'The address is outside the municipality.';

const directionOf = (locator: Locator) => locator.evaluate((el) => getComputedStyle(el).direction);

describe('The applicant pages the journey does not reach, in a real browser', () => {
  let b: BrowserContext;
  let resident: PlaywrightContext;
  let page: Page;
  let consoleErrors: string[];
  let definition: ServiceDefinition;
  let user: UserRow;
  let draft: ApplicationRow;
  let infoRequested: ApplicationRow;
  let rejected: ApplicationRow;
  let tmp: string;
  let executable: string;

  /** A complete application for the residence certificate, submitted through the services. */
  const submittedApplication = () => completedThroughServices(b.ctx, definition, user);

  async function staffAct(
    app: ApplicationRow,
    type: string,
    userId: number,
    role: 'reviewer' | 'supervisor',
    comment?: string,
  ) {
    const result = await b.ctx.services.applyEvent({
      applicationId: app.id,
      event: { type, ...(comment ? { comment } : {}) },
      actor: { role, userId },
    });
    expect(result.ok, `${type}: ${JSON.stringify(result)}`).to.equal(true);
  }

  before(async () => {
    await requireClamd();
    b = await startBrowserSession();
    const { services } = b.ctx;
    definition = services.registry.latest('residence-certificate')!;
    const signedUp = await services.accounts.signUp(
      'resident',
      {
        name: 'Fatima Ali Hasan',
        cpr: CPR,
        email: 'fatima@example.bh',
        mobile: '36001234',
        password: VALID_PASSWORD,
        passwordConfirm: VALID_PASSWORD,
      },
      'ar',
    );
    if (!signedUp.ok) throw new Error(JSON.stringify(signedUp.errors));
    user = signedUp.value;
    const staff = (role: 'reviewer' | 'supervisor') =>
      services.accounts.createStaff({
        name: `A ${role}`,
        email: `${role}@capital.bh`,
        password: VALID_PASSWORD,
        role,
        municipality: 'capital',
        department: 'customer-services',
      });
    const reviewer = await staff('reviewer');
    const supervisor = await staff('supervisor');

    draft = await services.forms.start(definition, user);
    infoRequested = await submittedApplication();
    await staffAct(infoRequested, 'START_REVIEW', reviewer, 'reviewer');
    await staffAct(infoRequested, 'REQUEST_INFO', reviewer, 'reviewer', INFO_COMMENT);
    rejected = await submittedApplication();
    await staffAct(rejected, 'START_REVIEW', reviewer, 'reviewer');
    await staffAct(rejected, 'REJECT', supervisor, 'supervisor', REJECT_COMMENT);
    while ((await services.outbox.runOnce()) > 0);

    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-browser-'));
    executable = path.join(tmp, 'smart-card.pdf');
    fs.writeFileSync(executable, fakeExecutable());

    // One signed-in browser for the resident; each test opens its own page in it.
    resident = await b.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const signIn = await resident.newPage();
    await signIn.goto(`${b.baseUrl}/signin`);
    await signIn.fill('#identifier', 'fatima@example.bh');
    await signIn.fill('#password', VALID_PASSWORD);
    await signIn.click('button[type=submit]');
    await signIn.waitForURL(/\/account$/);
    await signIn.close();
  });
  after(async () => {
    await resident?.close();
    await b?.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });
  afterEach(async () => {
    await page.close();
    expect(consoleErrors, 'console errors (CSP violations included)').to.deep.equal([]);
  });

  for (const lang of ['ar', 'en'] as const satisfies Lang[]) {
    const t = translator(lang);
    const axe = (label: string) => expectNoAxeViolations(page, `${label} (${lang})`);
    const shot = (name: string) => screenshot(page, `applicant-${lang}-${name}`);

    describe(`in ${lang}`, () => {
      beforeEach(async () => {
        page = await resident.newPage();
        consoleErrors = watchConsoleErrors(page);
        await useLanguage(page, b.baseUrl, lang);
      });

      it('when a renamed executable is uploaded, then the documents page says the type is not accepted (415), with the error summary focused', async () => {
        await page.goto(`${b.baseUrl}/applications/${draft.id}/documents`);
        const section = page.locator('#upload-cprCopy');
        await section.locator('input[type=file]').setInputFiles(executable);
        const response = page.waitForResponse(
          (r) => r.request().method() === 'POST' && r.url().endsWith('/documents'),
        );
        await section.getByRole('button', { name: t('documents.upload') }).click();
        expect((await response).status()).to.equal(415);
        const summary = page.locator('[data-error-summary]');
        await summary.waitFor();
        await page.waitForLoadState('load'); // app.js moves focus once the page has loaded
        expect(await summary.textContent()).to.contain(t('documents.errors.type_not_allowed'));
        expect(
          await page.evaluate(() => document.activeElement?.hasAttribute('data-error-summary')),
        ).to.equal(true);
        const input = page.locator('#files-cprCopy');
        expect(await input.getAttribute('aria-invalid')).to.equal('true');
        expect(await input.getAttribute('aria-describedby')).to.equal('files-cprCopy-error');
        expect(await b.ctx.services.documents.countFor(draft.id, 'cprCopy')).to.equal(0);
        await axe('documents with an upload error');
        await shot('documents-415');
      });

      it('when an incomplete draft is submitted from check your answers, then the error summary lists what is missing', async () => {
        await page.goto(`${b.baseUrl}/applications/${draft.id}/check`);
        await axe('check your answers of an incomplete draft');
        const response = page.waitForResponse((r) => r.request().method() === 'POST');
        await page.getByRole('button', { name: t('apply.submit') }).click();
        expect((await response).status()).to.equal(400);
        await page.locator('[data-error-summary]').waitFor();
        expect(await page.title()).to.match(lang === 'ar' ? /^خطأ: / : /^Error: /);
        expect(await page.locator('[data-error-summary] li').count()).to.be.greaterThan(0);
        await axe('check your answers with errors');
        await shot('check-errors');
      });

      it('when the reviewer asks for more information, then the application page shows the request and the message', async () => {
        await page.goto(`${b.baseUrl}/applications/${infoRequested.id}`);
        const request = page.locator('section[aria-labelledby=info-title]');
        expect(await request.locator('h2').textContent()).to.equal(t('applications.infoTitle'));
        expect(await request.textContent()).to.contain(INFO_COMMENT);
        expect(await page.locator('main .badge').first().textContent()).to.equal(
          t('status.waiting_on_applicant'),
        );
        expect(await directionOf(page.locator('h1 [dir=ltr]'))).to.equal('ltr');
        await axe('application with more information requested');
        await shot('info-requested');
      });

      it('when the application was rejected, then its page shows the reason and the query form, and an empty query is refused with an error', async () => {
        await page.goto(`${b.baseUrl}/applications/${rejected.id}`);
        expect(await page.locator('main').textContent()).to.contain(REJECT_COMMENT);
        const form = page.locator('section[aria-labelledby=query-title]');
        expect(await form.getByLabel(t('applications.queryMessage'), { exact: true }).count()).to.equal(1);
        await axe('rejected application with the query form');
        await shot('rejected');
        const response = page.waitForResponse((r) => r.request().method() === 'POST');
        await form.getByRole('button', { name: t('applications.raiseQuery') }).click();
        expect((await response).status()).to.equal(400);
        await page.locator('[data-error-summary]').waitFor();
        expect(await page.locator('[data-error-summary]').textContent()).to.contain(
          t('errors.queryMessageRequired'),
        );
        expect(await page.locator('#message').getAttribute('aria-invalid')).to.equal('true');
        await axe('rejected application with a query error');
        await shot('query-error');
      });

      it('when the outbox has run, then the notifications page lists what happened', async () => {
        await page.goto(`${b.baseUrl}/notifications`);
        const text = (await page.locator('main').textContent())!;
        expect(text)
          .to.contain(t('notices.info_requested.title', { reference: infoRequested.reference }))
          .and.contain(t('notices.rejected.title', { reference: rejected.reference }));
        await axe('notifications');
        await shot('notifications');
      });

      it('when the receipt is opened, then it shows the reference left to right and passes axe', async () => {
        await page.goto(`${b.baseUrl}/applications/${rejected.id}/receipt`);
        const reference = page.locator('dd [dir=ltr]').first();
        expect(await reference.textContent()).to.equal(rejected.reference);
        expect(await directionOf(reference)).to.equal('ltr');
        await axe('receipt');
        await shot('receipt');
      });

      it('when the pages are shown on a phone, then nothing runs off the side of the screen', async () => {
        await page.setViewportSize({ width: 360, height: 740 });
        const pages = {
          'my-applications': '/applications',
          'form-address': `/applications/${draft.id}/form/1`,
          documents: `/applications/${draft.id}/documents`,
          check: `/applications/${draft.id}/check`,
          'info-requested': `/applications/${infoRequested.id}`,
          rejected: `/applications/${rejected.id}`,
          notifications: '/notifications',
        };
        for (const [name, url] of Object.entries(pages)) {
          await page.goto(b.baseUrl + url);
          await shot(`phone-${name}`);
          const overflow = await page.evaluate(
            () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
          );
          expect(overflow, `${url} scrolls sideways by ${overflow}px`).to.be.at.most(0);
        }
      });
    });

    describe(`in ${lang}, signed out`, () => {
      beforeEach(async () => {
        page = await b.browser.newPage({ viewport: { width: 1280, height: 900 } });
        consoleErrors = watchConsoleErrors(page);
        await useLanguage(page, b.baseUrl, lang);
      });

      it('when someone tracks an application, then the form, a wrong entry and the result all pass axe', async () => {
        await page
          .getByRole('navigation', { name: t('nav.main') })
          .getByRole('link', { name: t('nav.track') })
          .click();
        await page.waitForURL(/\/track$/);
        await axe('track form');
        await shot('track-form');

        await page.getByLabel(t('track.reference')).pressSequentially('nonsense');
        await page.getByLabel(t('track.identifier')).pressSequentially(CPR);
        await page.getByRole('button', { name: t('track.submit') }).click();
        await page.locator('[data-error-summary]').waitFor();
        expect(await page.title()).to.match(lang === 'ar' ? /^خطأ: / : /^Error: /);
        expect(await page.locator('#reference').getAttribute('aria-invalid')).to.equal('true');
        await axe('track form with an error');
        await shot('track-error');

        await page.locator('#reference').fill('');
        await page.locator('#reference').pressSequentially(infoRequested.reference!);
        await page.getByRole('button', { name: t('track.submit') }).click();
        await page.locator('h1', { hasText: infoRequested.reference! }).waitFor();
        expect(await page.locator('h1').textContent()).to.equal(infoRequested.reference);
        expect(await page.locator('main .badge').first().textContent()).to.equal(
          t('status.waiting_on_applicant'),
        );
        // The public result shows what happened, never the messages.
        expect(await page.locator('main').textContent()).to.not.contain(INFO_COMMENT);
        await axe('track result');
        await shot('track-result');
      });
    });
  }
});
