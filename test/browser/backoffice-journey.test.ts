import { expect } from 'chai';
import { screenshot } from '../support/browser.js';
import { PDF } from '../support/clamav.js';
import { EVENT_DONE_LABELS } from '../../workflows/standard-review-labels.js';
import { type Lang } from '../../server/i18n.js';
import {
  backofficeFixture,
  directionOf,
  pageHelpers,
  RESIDENTS,
  STAFF,
  submit,
} from './support/backoffice-fixture.js';

describe('The back office in a real browser', () => {
  const fixture = backofficeFixture();

  for (const lang of ['ar', 'en'] as const satisfies Lang[]) {
    const {
      t,
      looksRight,
      menu,
      flash,
      badge,
      button,
      queueRow,
      openQueue,
      expectQueueLayout,
      expectApplicationLayout,
      act,
    } = pageHelpers(lang);

    it(`when the counter clerk opens assisted intake in ${lang} and finds a resident by CPR, then the pages pass axe and the CPR reads left to right`, async () => {
      const { signIn } = fixture;
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
        const { definition, residents, submittedApplication, signIn, stored } = fixture;
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
    }
  }
});
