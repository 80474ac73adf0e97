import { expect } from 'chai';
import { createTestContext, dbLabel, type TestContext } from '../support/context.js';
import { csrfFrom, hiddenFields, postAction, signedIn, takeAction as decide } from '../support/http.js';
import { makeResident, makeStaff, type Person } from '../support/people.js';
import { submitted as submittedFor } from '../support/applications.js';

/** Decisions in the back office: confirmed before they are taken (decision 0018), refused when they cannot be. */
describe(`Taking decisions in the back office (${dbLabel})`, () => {
  let ctx: TestContext;
  let applicant: Person;
  let reviewer: Person;
  let otherReviewer: Person;

  beforeEach(async () => {
    ctx = await createTestContext();
    applicant = await makeResident(ctx, 'Zainab Ali');
    reviewer = await makeStaff(ctx, 'reviewer', 'capital');
    otherReviewer = await makeStaff(ctx, 'reviewer', 'capital');
  });
  afterEach(() => ctx.close());

  const staffAgent = (p: Person) => signedIn(ctx.app, p);
  const submitted = async () => (await submittedFor(ctx, applicant, {})).id;
  const row = async (id: number) => (await ctx.services.applications.findById(id))!;
  const act = postAction;

  it('when an application is decided, then its page gives the decision date instead of a due date, and the status is not said twice', async () => {
    const id = await submitted();
    const agent = await staffAgent(reviewer);
    await agent.get('/lang/en');
    await act(agent, id, 'START_REVIEW');
    const open = await agent.get(`/backoffice/applications/${id}`);
    const heading = (html: string) => /<h2 class="h5" id="state-title">([\s\S]*?)<\/h2>/.exec(html)![1]!;
    expect(heading(open.text)).to.contain('In review').and.not.contain(' · ');
    expect(open.text).to.match(/Due \d/);
    expect((await decide(agent, id, 'ACCEPT')).status).to.equal(303);
    const decided = await agent.get(`/backoffice/applications/${id}`);
    expect(heading(decided.text)).to.contain('Accepted').and.not.contain(' · ');
    expect(decided.text).to.match(/Decided \d/);
    expect(decided.text).not.to.match(/Due \d/);
  });

  it('when a reviewer reads the actions, then the rejection’s box is headed and outlined in red, and the request for information’s is headed plainly', async () => {
    const id = await submitted();
    const agent = await staffAgent(reviewer);
    await agent.get('/lang/en');
    await act(agent, id, 'START_REVIEW');
    const page = (await agent.get(`/backoffice/applications/${id}`)).text;
    const form = (type: string) =>
      new RegExp(`<form[^>]*events/${type}"[^>]*>[\\s\\S]*?</form>`).exec(page)![0];
    expect(form('REJECT'))
      .to.match(
        /class="card card-body mb-2 action-form border-danger border-2" aria-labelledby="action-title-REJECT"/,
      )
      .and.match(/<h3 class="h6 fw-bold text-danger-emphasis" id="action-title-REJECT">Reject<\/h3>/);
    expect(form('REQUEST_INFO'))
      .to.match(/<h3 class="h6 fw-bold" id="action-title-REQUEST_INFO">/)
      .and.not.contain('border-danger');
  });

  it('when a reviewer approves, then a confirmation page says what follows, and nothing changes until they say yes', async () => {
    const id = await submitted();
    const agent = await staffAgent(reviewer);
    await act(agent, id, 'START_REVIEW');
    const before = await row(id);

    const asked = await act(agent, id, 'ACCEPT');

    expect(asked.status).to.equal(200);
    expect(asked.text)
      .to.contain('<h1>تأكيد: الموافقة على الطلب</h1>')
      .and.contain(before.reference!)
      .and.contain('تصدر الشهادة')
      .and.contain('name="confirmed" value="yes"')
      .and.not.contain('name="confirmed" value="change"');
    expect(await row(id)).to.include({ status: 'in_review', version: before.version });
    const confirmed = await agent
      .post(`/backoffice/applications/${id}/events/ACCEPT`)
      .type('form')
      .send({ ...hiddenFields(asked.text), confirmed: 'yes' });
    expect(confirmed.status).to.equal(303);
    expect((await row(id)).status).to.equal('accepted');
  });

  it('when a rejection is confirmed in English, then the page shows the whole message the applicant will read, template first, and sends exactly that', async () => {
    const id = await submitted();
    const agent = await staffAgent(reviewer);
    await agent.get('/lang/en');
    await act(agent, id, 'START_REVIEW');
    const asked = await act(agent, id, 'REJECT', {
      template: 'outsideMunicipality',
      comment: 'Line one & <two>\nLine "three"',
    });
    expect(asked.status).to.equal(200);
    expect(asked.text)
      .to.contain('<h1>Confirm: Reject</h1>')
      .and.contain('with the message above')
      .and.contain('Line one &amp; &lt;two&gt;')
      .and.not.contain('certificate is issued');
    expect(await row(id)).to.include({ status: 'in_review' });
    const confirmed = await agent
      .post(`/backoffice/applications/${id}/events/REJECT`)
      .type('form')
      .send({ ...hiddenFields(asked.text), confirmed: 'yes' });
    expect(confirmed.status).to.equal(303);
    const event = await ctx.db('application_events').where({ application_id: id, event: 'REJECT' }).first();
    const template = /^(.+)\n\nLine one & <two>\nLine "three"$/s.exec(
      String(event.comment).replace(/\r\n/g, '\n'),
    );
    expect(template, String(event.comment)).to.not.equal(null);
    expect(template![1]).to.have.length.greaterThan(10);
  });

  it('when "change the message" is chosen on a rejection’s confirmation, then the application page comes back with the message to edit and nothing is sent', async () => {
    const id = await submitted();
    const agent = await staffAgent(reviewer);
    await act(agent, id, 'START_REVIEW');
    const asked = await act(agent, id, 'REJECT', { comment: 'The lease has expired.' });
    expect(asked.text).to.contain('name="confirmed" value="change"');
    const back = await agent
      .post(`/backoffice/applications/${id}/events/REJECT`)
      .type('form')
      .send({ ...hiddenFields(asked.text), confirmed: 'change' });
    expect(back.status).to.equal(200);
    expect(back.text).to.match(
      /<textarea[^>]*id="comment-REJECT"[^>]* autofocus>The lease has expired\.<\/textarea>/,
    );
    expect((await row(id)).status).to.equal('in_review');
    expect(await ctx.db('application_events').where({ application_id: id, event: 'REJECT' })).to.have.length(
      0,
    );
  });

  it('when someone else acts between a confirmation page and its "yes", then the yes is refused with 409 and changes nothing', async () => {
    const id = await submitted();
    const a = await staffAgent(reviewer);
    await act(a, id, 'START_REVIEW');
    const asked = await act(a, id, 'ACCEPT');
    expect(asked.status).to.equal(200);
    const b = await staffAgent(otherReviewer);
    expect((await decide(b, id, 'REJECT', { comment: 'Outside the area.' })).status).to.equal(303);
    const late = await a
      .post(`/backoffice/applications/${id}/events/ACCEPT`)
      .type('form')
      .send({ ...hiddenFields(asked.text), confirmed: 'yes' });
    expect(late.status).to.equal(409);
    expect((await row(id)).status).to.equal('rejected');
  });

  for (const [label, comment] of [
    ['an empty', ''],
    ['a whitespace-only', ' \n  '],
  ] as const) {
    it(`when a rejection comes with ${label} message, then it is refused with a clear message and nothing changes`, async () => {
      const id = await submitted();
      const agent = await staffAgent(reviewer);
      await act(agent, id, 'START_REVIEW');
      const res = await act(agent, id, 'REJECT', { comment });
      expect(res.status).to.equal(400);
      expect(res.text).to.contain('اكتب رسالة إلى مقدم الطلب');
      expect((await row(id)).status).to.equal('in_review');
    });
  }

  it('when an action the workflow does not allow now is forged, then it gets 409 with a message and changes nothing', async () => {
    const id = await submitted();
    const agent = await staffAgent(reviewer);
    const res = await act(agent, id, 'UPHOLD', { comment: 'x' });
    expect(res.status).to.be.oneOf([403, 409]);
    expect((await row(id)).status).to.equal('submitted');
  });

  it('when two reviewers decide the same application from the same page, then the second is told someone else acted first', async () => {
    const id = await submitted();
    const a = await staffAgent(reviewer);
    await act(a, id, 'START_REVIEW');
    const b = await staffAgent(otherReviewer);
    const pageA = await a.get(`/backoffice/applications/${id}`);
    const pageB = await b.get(`/backoffice/applications/${id}`);
    const version = /name="version" value="(\d+)"/.exec(pageA.text)![1]!;
    // Both said "yes" on their confirmation pages.
    const first = await a
      .post(`/backoffice/applications/${id}/events/ACCEPT`)
      .type('form')
      .send({ _csrf: csrfFrom(pageA.text), version, confirmed: 'yes' });
    const second = await b
      .post(`/backoffice/applications/${id}/events/REJECT`)
      .type('form')
      .send({ _csrf: csrfFrom(pageB.text), version, comment: 'Late', confirmed: 'yes' });
    expect(first.status).to.equal(303);
    expect(second.status).to.equal(409);
    expect(second.text).to.contain('سبقك موظف آخر').and.contain('مقبول');
    expect((await row(id)).status).to.equal('accepted');
  });
});
