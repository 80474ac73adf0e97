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
import { PDF, requireClamd } from '../support/clamav.js';
import { VALID_PASSWORD } from '../support/http.js';
import { validRawAnswer } from '../support/answers.js';
import { fieldsOfStep, formSteps } from '../../workflows/form/form.js';
import { EVENT_DONE_LABELS, EVENT_LABELS } from '../../workflows/standard-review-labels.js';
import { translator, type Lang } from '../../server/i18n.js';
import type { ServiceDefinition } from '../../workflows/types.js';
import type { ApplicationRow } from '../../db/repositories/applications.js';
import type { UserRow } from '../../db/repositories/users.js';

/** One resident per language, who reads the back office's messages in that language. */
const RESIDENTS = {
  ar: { name: 'فاطمة علي حسن', cpr: '850101234', email: 'fatima@example.bh', mobile: '36001234' },
  en: { name: 'Fatima Ali Hasan', cpr: '900202345', email: 'fatima.en@example.bh', mobile: '66001234' },
} as const;

const STAFF = {
  reviewer: { name: 'ريم المراجعة', email: 'reem@capital.bh', role: 'reviewer' },
  supervisor: { name: 'سارة المشرفة', email: 'sara@capital.bh', role: 'supervisor' },
  secondSupervisor: { name: 'سلمان المشرف', email: 'salman@capital.bh', role: 'supervisor' },
  counter: { name: 'خالد الكاونتر', email: 'khalid@capital.bh', role: 'counter' },
} as const;

type Who = keyof typeof STAFF | 'resident';

/** The text direction the browser computed for an element (what a reader sees, not the attribute). */
const directionOf = (locator: Locator) => locator.evaluate((el) => getComputedStyle(el).direction);

const leftOf = async (locator: Locator) => (await locator.boundingBox())!.x;

/** Presses a form's button and waits for the page the server answers with to load. */
async function submit(page: Page, control: Locator): Promise<void> {
  await Promise.all([page.waitForEvent('load'), control.click()]);
}

describe('The back office in a real browser', () => {
  let b: BrowserContext;
  let definition: ServiceDefinition;
  const residents = {} as Record<Lang, UserRow>;
  let contexts: PlaywrightContext[] = [];
  let consoleErrors: string[][] = [];

  /** A complete residence-certificate application, submitted through the services. */
  async function submittedApplication(user: UserRow, lang: Lang): Promise<ApplicationRow> {
    const { forms, documents, applications } = b.ctx.services;
    const start = await forms.start(definition, user);
    for (const requirement of definition.guide.documents.filter((d) => d.required)) {
      const accepted = await documents.accept({
        applicationId: start.id,
        requirement,
        files: [{ originalName: `${requirement.key}.pdf`, buffer: PDF }],
        existingCount: 0,
        uploadedBy: user.id,
      });
      expect(accepted.ok, requirement.key).to.equal(true);
    }
    const own: Record<string, string> = {
      applicantName: RESIDENTS[lang].name,
      cpr: RESIDENTS[lang].cpr,
      mobile: RESIDENTS[lang].mobile,
      email: RESIDENTS[lang].email,
    };
    const steps = formSteps(definition);
    for (let index = 0; index < steps.length; index++) {
      const values = Object.fromEntries(
        fieldsOfStep(definition, steps[index]!).map((f) => [f.key, own[f.key] ?? validRawAnswer(f)]),
      );
      const saved = await forms.savePage((await applications.findById(start.id))!, index, values);
      expect(saved.ok, `page ${index}: ${JSON.stringify(saved)}`).to.equal(true);
    }
    const result = await forms.submit((await applications.findById(start.id))!, {
      role: 'applicant',
      userId: user.id,
    });
    expect(result.ok, JSON.stringify(result)).to.equal(true);
    return (await applications.findById(start.id))!;
  }

  const stored = async (id: number) => (await b.ctx.services.applications.findById(id))!;

  /** A browser of one's own: signs in through /signin, then reads the pages in `lang`. */
  async function signIn(who: Who, lang: Lang): Promise<Page> {
    const context = await b.browser.newContext({ viewport: { width: 1280, height: 900 } });
    contexts.push(context);
    const page = await context.newPage();
    consoleErrors.push(watchConsoleErrors(page));
    await page.goto(`${b.baseUrl}/signin`);
    await page.locator('#identifier').fill(who === 'resident' ? RESIDENTS[lang].email : STAFF[who].email);
    await page.locator('#password').fill(VALID_PASSWORD);
    await page.locator('main button[type=submit]').click();
    await page.waitForURL(who === 'resident' ? /\/account$/ : /\/staff$/);
    await useLanguage(page, b.baseUrl, lang);
    expect(await page.getAttribute('html', 'lang')).to.equal(lang);
    return page;
  }

  before(async () => {
    await requireClamd();
    b = await startBrowserSession();
    const { services } = b.ctx;
    definition = services.registry.latest('residence-certificate')!;
    for (const lang of ['ar', 'en'] as const) {
      const person = RESIDENTS[lang];
      const signedUp = await services.accounts.signUp(
        'resident',
        { ...person, password: VALID_PASSWORD, passwordConfirm: VALID_PASSWORD },
        lang,
      );
      if (!signedUp.ok) throw new Error(JSON.stringify(signedUp.errors));
      residents[lang] = signedUp.value;
    }
    for (const person of Object.values(STAFF)) {
      await services.accounts.createStaff({
        ...person,
        password: VALID_PASSWORD,
        municipality: 'capital',
        department: 'customer-services',
      });
    }
  });
  after(() => b?.close());
  beforeEach(() => {
    contexts = [];
    consoleErrors = [];
  });
  afterEach(async function () {
    for (const context of contexts) await context.close();
    if (this.currentTest?.state === 'failed') {
      // What the server logged as an error says more than the browser's "status of 500".
      const errors = b.ctx.logs.filter((line) => Number(line.level) >= 50);
      for (const line of errors) console.error(JSON.stringify(line));
    }
    expect(consoleErrors.flat(), 'console errors (CSP violations included)').to.deep.equal([]);
  });

  for (const lang of ['ar', 'en'] as const satisfies Lang[]) {
    const t = translator(lang);
    const label = (event: keyof typeof EVENT_LABELS) => EVENT_LABELS[event][lang];

    /** What every page a person sees must pass: axe, and nothing wider than the window. */
    async function looksRight(page: Page, what: string) {
      await expectNoAxeViolations(page, `${what} (${lang})`);
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      expect(overflow, `${what} (${lang}) is wider than the window`).to.be.at.most(0);
    }
    const menu = (page: Page, key: string) =>
      page.getByRole('navigation', { name: t('nav.main') }).getByRole('link', { name: t(key), exact: true });
    const flash = (page: Page) => page.locator('main > .alert[role=status]').first().textContent();
    const badge = (page: Page) => page.locator('#state-title .badge, main h2 .badge').first().textContent();
    const button = (page: Page, event: keyof typeof EVENT_LABELS) =>
      page.getByRole('button', { name: label(event), exact: true });
    const queueRow = (page: Page, reference: string) =>
      page.locator('table.queue tbody tr', { hasText: reference });

    /** The queue as a member of staff reaches it from the menu, with the application's row on it. */
    async function openQueue(page: Page, reference: string, who: string): Promise<Locator> {
      await menu(page, 'nav.backoffice').click();
      await page.waitForURL(/\/backoffice$/);
      expect(await page.locator('h1').textContent()).to.equal(t('backoffice.queueTitle'));
      await looksRight(page, `the queue of the ${who}`);
      const row = queueRow(page, reference);
      expect(await row.count()).to.equal(1);
      return row;
    }

    /** The reference and the CPR read left to right, and the columns run the language's way. */
    async function expectQueueLayout(page: Page, row: Locator, cpr: string) {
      expect(await directionOf(row.getByRole('link'))).to.equal('ltr');
      expect(await directionOf(row.locator('[dir=ltr]', { hasText: cpr }))).to.equal('ltr');
      const [reference, service] = [page.locator('thead th').nth(0), page.locator('thead th').nth(1)];
      if (lang === 'ar') expect(await leftOf(reference)).to.be.greaterThan(await leftOf(service));
      else expect(await leftOf(reference)).to.be.lessThan(await leftOf(service));
      // The search field (with its hint above it) lines up with the other filters at the bottom.
      const bottomOf = async (locator: Locator) =>
        ((box) => box!.y + box!.height)(await locator.boundingBox());
      expect(await bottomOf(page.locator('#q'))).to.be.closeTo(await bottomOf(page.locator('#service')), 1);
      const table = page.locator('.table-responsive');
      const scroll = await table.evaluate((el) => el.scrollWidth - el.clientWidth);
      expect(scroll, 'the queue table scrolls sideways at 1280px').to.be.at.most(0);
    }

    /** The reference heading reads left to right, and the side column sits on the reading end. */
    async function expectApplicationLayout(page: Page, reference: string, cpr: string) {
      const heading = page.locator('h1 [dir=ltr]');
      expect(await heading.textContent()).to.equal(reference);
      expect(await directionOf(heading)).to.equal('ltr');
      const aside = page.locator('main aside');
      expect(await directionOf(aside.locator('[dir=ltr]', { hasText: cpr }))).to.equal('ltr');
      // An answer that reads left to right stays beside its label, on the page's side.
      const answer = page.locator('section[aria-labelledby=answers-title] dd', { hasText: cpr });
      expect(await directionOf(answer.locator('[dir=ltr]'))).to.equal('ltr');
      const label = answer.locator('xpath=preceding-sibling::dt[1]');
      expect((await answer.boundingBox())!.y).to.be.closeTo((await label.boundingBox())!.y, 2);
      if (lang === 'ar') expect(await leftOf(answer)).to.be.lessThan(await leftOf(label));
      else expect(await leftOf(answer)).to.be.greaterThan(await leftOf(label));
      const content = page.locator('#actions-title');
      if (lang === 'ar') expect(await leftOf(aside)).to.be.lessThan(await leftOf(content));
      else expect(await leftOf(aside)).to.be.greaterThan(await leftOf(content));
    }

    /** Takes an action; a decision first shows its confirmation page, which must read well, then "yes". */
    async function act(page: Page, event: keyof typeof EVENT_LABELS, what: string) {
      await submit(page, button(page, event));
      const yes = page.locator('button[name=confirmed][value=yes]');
      if ((await yes.count()) > 0) {
        expect(await page.locator('h1').textContent()).to.equal(
          t('backoffice.confirm.heading', { action: label(event) }),
        );
        await looksRight(page, `the confirmation before ${what}`);
        await screenshot(page, `backoffice-${lang}-confirm-${event.toLowerCase()}`);
        await submit(page, yes);
      }
      expect(await flash(page), what).to.equal(t('backoffice.done'));
      await looksRight(page, what);
    }

    it(`when the counter clerk opens assisted intake in ${lang} and finds a resident by CPR, then the pages pass axe and the CPR reads left to right`, async () => {
      const page = await signIn('counter', lang);
      await menu(page, 'nav.intake').click();
      await page.waitForURL(/\/backoffice\/intake$/);
      await looksRight(page, 'the intake page');
      await page.getByLabel(t('intake.number')).fill(RESIDENTS[lang].cpr);
      await submit(page, page.getByRole('button', { name: t('intake.find'), exact: true }));
      expect(await page.locator('#person-title').textContent()).to.equal(RESIDENTS[lang].name);
      expect(
        await directionOf(page.locator('main .card [dir=ltr]', { hasText: RESIDENTS[lang].cpr })),
      ).to.equal('ltr');
      await looksRight(page, 'the intake page with the person found');
      await screenshot(page, `backoffice-${lang}-intake`);
    });

    if (lang === 'ar') {
      it('when a reviewer claims a resident’s application, asks for more information, the resident sends it, the reviewer rejects it, the resident raises a query and a supervisor reopens it, then the reviewer accepts it, all in Arabic and every page passes axe', async function () {
        this.timeout(120_000);
        const application = await submittedApplication(residents.ar, 'ar');
        const { id } = application;
        const reference = application.reference!;
        const cpr = RESIDENTS.ar.cpr;
        const [reviewer, resident] = [await signIn('reviewer', lang), await signIn('resident', lang)];

        // The reviewer finds it in the queue, unassigned, and claims it.
        let row = await openQueue(reviewer, reference, 'reviewer');
        expect(await row.locator('.badge').first().textContent()).to.equal(t('backoffice.status.submitted'));
        expect(await row.locator('td').last().textContent()).to.equal(t('backoffice.unassigned'));
        await expectQueueLayout(reviewer, row, cpr);
        await screenshot(reviewer, 'backoffice-ar-queue');
        await row.getByRole('link', { name: reference }).click();
        await reviewer.waitForURL(new RegExp(`/backoffice/applications/${id}$`));
        await looksRight(reviewer, 'the application before it is claimed');
        await expectApplicationLayout(reviewer, reference, cpr);
        await screenshot(reviewer, 'backoffice-ar-application');
        await submit(reviewer, reviewer.getByRole('button', { name: t('backoffice.claim'), exact: true }));
        expect(await flash(reviewer)).to.equal(t('backoffice.claimed'));
        expect(await badge(reviewer)).to.equal(t('backoffice.status.in_review'));
        expect(await reviewer.locator('#state-title').locator('xpath=..').textContent()).to.contain(
          STAFF.reviewer.name,
        );
        await looksRight(reviewer, 'the application just claimed');
        expect(await stored(id)).to.include({ status: 'in_review' });

        // More information, with a reason template and no message of their own.
        await reviewer
          .locator('#template-REQUEST_INFO')
          .selectOption({ label: t('reasons.REQUEST_INFO.documentUnclear') });
        // Only the lease is opened for the resident to change (decision 0021).
        await reviewer.locator('form[action$="/events/REQUEST_INFO"] summary').click();
        await reviewer.locator('#REQUEST_INFO-fields-tenancyProofFile').check();
        await act(reviewer, 'REQUEST_INFO', 'the application after asking for information');
        expect(await badge(reviewer)).to.equal(t('backoffice.status.waiting_on_applicant'));

        // The resident reads the request on their application page, then reviews and sends it.
        await menu(resident, 'nav.applications').click();
        await resident.waitForURL(/\/applications$/);
        await looksRight(resident, 'my applications');
        await resident
          .locator('tbody tr', { hasText: reference })
          .getByRole('link', { name: t('applications.view') })
          .click();
        await resident.waitForURL(new RegExp(`/applications/${id}$`));
        await looksRight(resident, 'the application with information requested');
        expect(await resident.locator('#info-title').textContent()).to.equal(t('applications.infoTitle'));
        expect(
          await resident.locator('section[aria-labelledby=info-title] li').allTextContents(),
        ).to.deep.equal([definition.fields.find((f) => f.key === 'tenancyProofFile')!.label[lang]]);
        expect(await resident.locator('main blockquote').first().textContent()).to.equal(
          t('reasons.REQUEST_INFO.documentUnclear'),
        );
        await resident.getByRole('link', { name: t('applications.reviewAndSend') }).click();
        await resident.waitForURL(new RegExp(`/applications/${id}/check$`));
        await looksRight(resident, 'check your answers before sending the information');
        await submit(resident, resident.getByRole('button', { name: t('apply.sendInformation') }));
        expect(resident.url()).to.match(new RegExp(`/applications/${id}$`));
        expect(await flash(resident)).to.equal(t('apply.resubmitted'));
        await looksRight(resident, 'the application after sending the information');
        expect(await stored(id)).to.include({ status: 'in_review' });

        // The reviewer rejects: first without a message, which is refused with the error summary.
        await reviewer.reload();
        expect(await reviewer.locator('.timeline').textContent()).to.contain(
          EVENT_DONE_LABELS.RESUBMIT[lang],
        );
        const rejectReply = reviewer.waitForResponse((r) => r.url().endsWith('/events/REJECT'));
        await submit(reviewer, button(reviewer, 'REJECT'));
        expect((await rejectReply).status()).to.equal(400);
        const summary = reviewer.locator('[data-error-summary]');
        await summary.waitFor();
        expect(
          await reviewer.evaluate(() => document.activeElement?.hasAttribute('data-error-summary')),
        ).to.equal(true);
        expect(await reviewer.title()).to.match(/^خطأ: /);
        expect(await summary.textContent()).to.contain(t('backoffice.messageRequired'));
        const message = reviewer.locator('#comment-REJECT');
        expect(await message.getAttribute('aria-invalid')).to.equal('true');
        await looksRight(reviewer, 'the rejection without a message');
        await screenshot(reviewer, 'backoffice-ar-reject-error');
        await summary.getByRole('link').click();
        expect(await reviewer.evaluate(() => document.activeElement?.id)).to.equal('comment-REJECT');
        await message.fill('العنوان المذكور يقع خارج نطاق بلدية العاصمة.');
        await act(reviewer, 'REJECT', 'the application after the rejection');
        expect(await badge(reviewer)).to.equal(t('backoffice.status.rejected'));

        // The resident raises a query from the application page.
        await resident.reload();
        expect(await resident.locator('main').textContent()).to.contain('يقع خارج نطاق بلدية العاصمة');
        await looksRight(resident, 'the rejected application');
        await resident
          .getByLabel(t('applications.queryMessage'), { exact: true })
          .fill('المجمع 338 يقع في العاصمة، أرجو المراجعة.');
        await resident
          .getByLabel(t('applications.queryFiles'))
          .setInputFiles({ name: 'خريطة-المجمع.pdf', mimeType: 'application/pdf', buffer: PDF });
        await submit(resident, resident.getByRole('button', { name: t('applications.raiseQuery') }));
        expect(await flash(resident)).to.equal(t('applications.done.RAISE_QUERY'));
        await looksRight(resident, 'the application with a query');
        expect(await resident.locator('section[aria-labelledby=query-files-title]').textContent()).to.contain(
          'خريطة-المجمع.pdf',
        );
        expect(await stored(id)).to.include({ status: 'queried' });

        // A supervisor who took no part in the decision looks at the team, finds it and reopens it.
        const supervisor = await signIn('secondSupervisor', lang);
        await openQueue(supervisor, reference, 'supervisor');
        await supervisor.getByRole('link', { name: t('backoffice.teamTitle') }).click();
        await supervisor.waitForURL(/\/backoffice\/team$/);
        await looksRight(supervisor, 'the team page');
        expect(await supervisor.locator('tbody tr', { hasText: STAFF.reviewer.name }).count()).to.equal(1);
        await supervisor
          .locator('main nav')
          .getByRole('link', { name: t('backoffice.queueTitle') })
          .click();
        await supervisor.waitForURL(/\/backoffice$/);
        await supervisor.getByLabel(t('backoffice.search')).fill(reference);
        await submit(
          supervisor,
          supervisor.getByRole('button', { name: t('backoffice.apply'), exact: true }),
        );
        await supervisor.waitForURL(/\/backoffice\?q=/);
        await looksRight(supervisor, 'the queue searched by reference');
        expect(await supervisor.locator('table.queue tbody tr').count()).to.equal(1);
        row = queueRow(supervisor, reference);
        expect(await row.locator('.badge').first().textContent()).to.equal(t('backoffice.status.queried'));
        await row.getByRole('link', { name: reference }).click();
        await supervisor.waitForURL(new RegExp(`/backoffice/applications/${id}$`));
        await looksRight(supervisor, 'the queried application');
        expect(await supervisor.locator('#docs-title + ul').textContent()).to.contain('خريطة-المجمع.pdf');
        expect(await button(supervisor, 'UPHOLD').count()).to.equal(1);
        await act(supervisor, 'REOPEN', 'the application after reopening');
        expect(await badge(supervisor)).to.equal(t('backoffice.status.in_review'));

        // The reviewer finds it under Mine and accepts it.
        await openQueue(reviewer, reference, 'reviewer');
        await reviewer.getByRole('link', { name: new RegExp(`^${t('backoffice.filter.mine')}`) }).click();
        await reviewer.waitForURL(/view=mine/);
        await looksRight(reviewer, 'the queue, mine');
        row = queueRow(reviewer, reference);
        expect(await row.locator('.badge').first().textContent()).to.equal(t('backoffice.status.in_review'));
        expect(await row.locator('td').last().textContent()).to.equal(STAFF.reviewer.name);
        await row.getByRole('link', { name: reference }).click();
        await reviewer.waitForURL(new RegExp(`/backoffice/applications/${id}$`));
        await act(reviewer, 'ACCEPT', 'the accepted application');
        expect(await badge(reviewer)).to.equal(t('backoffice.status.accepted'));
        expect(await stored(id)).to.include({ status: 'accepted' });
        await screenshot(reviewer, 'backoffice-ar-application-accepted');

        // And on a phone, the queue and the application still fit the screen.
        await reviewer.setViewportSize({ width: 390, height: 844 });
        await looksRight(reviewer, 'the accepted application on a phone');
        await screenshot(reviewer, 'backoffice-ar-application-phone');
        await menu(reviewer, 'nav.backoffice').click();
        await reviewer.waitForURL(/\/backoffice$/);
        await reviewer.locator('#status').selectOption('accepted');
        await submit(reviewer, reviewer.getByRole('button', { name: t('backoffice.apply'), exact: true }));
        await reviewer.waitForURL(/status=accepted/);
        await looksRight(reviewer, 'the queue of accepted applications on a phone');
        await screenshot(reviewer, 'backoffice-ar-queue-phone');

        // The resident sees the decision.
        await resident.reload();
        expect(await badge(resident)).to.equal(t('status.accepted'));
        await looksRight(resident, 'the accepted application, as the resident sees it');
      });
    } else {
      it('when a reviewer claims an application in English and a supervisor rejects it, then that supervisor cannot answer the query and another supervisor upholds the rejection, and every page passes axe', async function () {
        this.timeout(120_000);
        const application = await submittedApplication(residents.en, 'en');
        const { id } = application;
        const reference = application.reference!;
        const cpr = RESIDENTS.en.cpr;
        const reviewer = await signIn('reviewer', lang);

        const row = await openQueue(reviewer, reference, 'reviewer');
        await expectQueueLayout(reviewer, row, cpr);
        await screenshot(reviewer, 'backoffice-en-queue');
        await row.getByRole('link', { name: reference }).click();
        await reviewer.waitForURL(new RegExp(`/backoffice/applications/${id}$`));
        await looksRight(reviewer, 'the application before it is claimed');
        await expectApplicationLayout(reviewer, reference, cpr);
        await screenshot(reviewer, 'backoffice-en-application');
        await submit(reviewer, reviewer.getByRole('button', { name: t('backoffice.claim'), exact: true }));
        expect(await flash(reviewer)).to.equal(t('backoffice.claimed'));
        expect(await badge(reviewer)).to.equal(t('backoffice.status.in_review'));
        await looksRight(reviewer, 'the application just claimed');

        // A supervisor rejects it: no message is refused, a reason template alone is enough.
        const supervisor = await signIn('supervisor', lang);
        await openQueue(supervisor, reference, 'supervisor');
        await queueRow(supervisor, reference).getByRole('link', { name: reference }).click();
        await supervisor.waitForURL(new RegExp(`/backoffice/applications/${id}$`));
        await looksRight(supervisor, 'the application in review');
        await submit(supervisor, button(supervisor, 'REJECT'));
        expect(await supervisor.locator('[data-error-summary]').textContent()).to.contain(
          t('backoffice.messageRequired'),
        );
        expect(await supervisor.title()).to.match(/^Error: /);
        expect(await supervisor.locator('#comment-REJECT').getAttribute('aria-invalid')).to.equal('true');
        await looksRight(supervisor, 'the rejection without a message');
        await screenshot(supervisor, 'backoffice-en-reject-error');
        await supervisor
          .locator('#template-REJECT')
          .selectOption({ label: t('reasons.REJECT.outsideMunicipality') });
        await act(supervisor, 'REJECT', 'the rejected application');
        expect(await badge(supervisor)).to.equal(t('backoffice.status.rejected'));

        // The resident reads the reason in English and raises a query.
        const resident = await signIn('resident', lang);
        await resident.goto(`${b.baseUrl}/applications/${id}`);
        expect(await resident.locator('main').textContent()).to.contain(
          t('reasons.REJECT.outsideMunicipality'),
        );
        await looksRight(resident, 'the rejected application');
        await resident
          .getByLabel(t('applications.queryMessage'), { exact: true })
          .fill('Block 338 is in the Capital.');
        await submit(resident, resident.getByRole('button', { name: t('applications.raiseQuery') }));
        expect(await flash(resident)).to.equal(t('applications.done.RAISE_QUERY'));
        expect(await stored(id)).to.include({ status: 'queried' });

        // The supervisor who rejected it is offered nothing to do on the query, and told why.
        await supervisor.reload();
        expect(await badge(supervisor)).to.equal(t('backoffice.status.queried'));
        expect(await supervisor.locator('section[aria-labelledby=actions-title]').textContent()).to.contain(
          t('backoffice.queryForAnother'),
        );
        expect(await button(supervisor, 'REOPEN').count()).to.equal(0);
        expect(await button(supervisor, 'UPHOLD').count()).to.equal(0);
        await looksRight(supervisor, 'the query, as the supervisor who rejected sees it');

        // Another supervisor checks the team's load and upholds the rejection with a template.
        const second = await signIn('secondSupervisor', lang);
        await openQueue(second, reference, 'second supervisor');
        await second.getByRole('link', { name: t('backoffice.teamTitle') }).click();
        await second.waitForURL(/\/backoffice\/team$/);
        await looksRight(second, 'the team page');
        await second.goto(`${b.baseUrl}/backoffice/applications/${id}`);
        await looksRight(second, 'the query, as another supervisor sees it');
        await second.locator('#template-UPHOLD').selectOption({ label: t('reasons.UPHOLD.noNewFacts') });
        await act(second, 'UPHOLD', 'the upheld rejection');
        expect(await stored(id)).to.include({ status: 'rejected' });
        await screenshot(second, 'backoffice-en-application-upheld');
      });
    }
  }
});
