import { expect } from 'chai';
import { screenshot } from '../support/browser.js';
import { type Lang } from '../../server/i18n.js';
import { backofficeFixture, pageHelpers, RESIDENTS, submit } from './support/backoffice-fixture.js';

describe('The back office in a real browser: a query upheld', () => {
  const fixture = backofficeFixture();
  const lang: Lang = 'en';
  const {
    t,
    looksRight,
    flash,
    badge,
    button,
    queueRow,
    openQueue,
    expectQueueLayout,
    expectApplicationLayout,
    act,
  } = pageHelpers(lang);

  it('when a reviewer claims an application in English and a supervisor rejects it, then that supervisor cannot answer the query and another supervisor upholds the rejection, and every page passes axe', async function () {
    this.timeout(120_000);
    const { b, residents, submittedApplication, signIn, stored } = fixture;
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
    expect(await resident.locator('main').textContent()).to.contain(t('reasons.REJECT.outsideMunicipality'));
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
});
