import { expect } from 'chai';
import request from 'supertest';
import { createTestContext, dbLabel, type TestContext } from '../support/context.js';
import {
  agentFor,
  csrfFrom,
  hiddenFields,
  signIn,
  signUpResident,
  startApplication,
  uploadDocuments,
  VALID_PASSWORD,
  type Agent,
} from '../support/http.js';
import { makeStaff, type Person } from '../support/people.js';
import { answerPages as answerPagesOf, staffAct as actAsStaff } from '../support/applications.js';
import { PDF } from '../support/clamav.js';
import type { ServiceDefinition } from '../../workflows/types.js';

describe(`The resident's journey (${dbLabel})`, () => {
  let ctx: TestContext;
  let agent: Agent;
  let definition: ServiceDefinition;
  let reviewer: Person;
  let supervisor: Person;
  let secondSupervisor: Person;

  beforeEach(async () => {
    ctx = await createTestContext({
      limits: {
        signIn: { windowMs: 60_000, limit: 1000 },
        signUp: { windowMs: 60_000, limit: 1000 },
      },
    });
    agent = agentFor(ctx.app);
    await signUpResident(agent);
    definition = ctx.services.registry.latest('residence-certificate')!;
    reviewer = await makeStaff(ctx, 'reviewer');
    supervisor = await makeStaff(ctx, 'supervisor');
    secondSupervisor = await makeStaff(ctx, 'supervisor');
  });
  afterEach(() => ctx.close());

  const start = (slug = definition.slug) => startApplication(agent, slug);
  const upload = (id: number, requirement: string, files: { name: string; buffer: Buffer }[]) =>
    uploadDocuments(agent, id, requirement, files);
  const answerPages = (id: number) => answerPagesOf(agent, definition, id);
  async function submitComplete(): Promise<number> {
    const id = await start();
    for (const doc of definition.guide.documents.filter((d) => d.required)) {
      expect((await upload(id, doc.key, [{ name: `${doc.key}.pdf`, buffer: PDF }])).status).to.equal(303);
    }
    await answerPages(id);
    const check = await agent.get(`/applications/${id}/check`);
    const res = await agent
      .post(`/applications/${id}/submit`)
      .type('form')
      .send({ _csrf: csrfFrom(check.text) });
    expect(res.status).to.equal(303);
    return id;
  }
  const staffAct = (id: number, type: string, who: Person, comment?: string) =>
    actAsStaff(ctx, id, type, who, comment);

  it('when the whole journey runs, then more information, a rejection, a query and a reopening reach the resident, who is told at each step', async () => {
    const id = await submitComplete();
    const row = (await ctx.services.applications.findById(id))!;
    expect(row.reference).to.match(/^RC-2026-/);

    await staffAct(id, 'START_REVIEW', reviewer);
    await staffAct(id, 'REQUEST_INFO', reviewer, 'Please attach a lease that is still valid.');
    let page = await agent.get(`/applications/${id}`);
    expect(page.text)
      .to.contain('Please attach a lease that is still valid.')
      .and.contain('مطلوب معلومات إضافية');
    // Replace the document and resend.
    const docs = await agent.get(`/applications/${id}/documents`);
    const lease = await ctx
      .db('documents')
      .where({ application_id: id, requirement_key: 'tenancyProof' })
      .first();
    await agent
      .post(`/applications/${id}/documents/${lease.id}/remove`)
      .type('form')
      .send({ _csrf: csrfFrom(docs.text) });
    await upload(id, 'tenancyProof', [{ name: 'new-lease.pdf', buffer: PDF }]);
    const check = await agent.get(`/applications/${id}/check`);
    expect(check.text).to.contain('إرسال المعلومات');
    await agent
      .post(`/applications/${id}/submit`)
      .type('form')
      .send({ _csrf: csrfFrom(check.text) });
    expect((await ctx.services.applications.findById(id))!.status).to.equal('in_review');

    await staffAct(id, 'REJECT', supervisor, 'The address is outside the municipality.');
    page = await agent.get(`/applications/${id}`);
    expect(page.text).to.contain('The address is outside the municipality.').and.contain('تقديم استفسار');
    // The reason stands with the status, above the query form ("the reason is below").
    expect(page.text.indexOf('The address is outside the municipality.')).to.be.below(
      page.text.indexOf('id="query-title"'),
    );
    const empty = await agent
      .post(`/applications/${id}/actions/RAISE_QUERY`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), message: '   ' });
    expect(empty.status).to.equal(400);
    expect(empty.text).to.contain('اكتب استفسارك قبل إرساله');
    const query = await agent
      .post(`/applications/${id}/actions/RAISE_QUERY`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), message: 'Block 338 is in the Capital.' });
    expect(query.status).to.equal(303);
    expect((await ctx.services.applications.findById(id))!.status).to.equal('queried');

    const same = await ctx.services.applyEvent({
      applicationId: id,
      event: { type: 'REOPEN' },
      actor: { role: 'supervisor', userId: supervisor.id },
    });
    expect(same.ok).to.equal(false);
    await staffAct(id, 'REOPEN', secondSupervisor);
    await staffAct(id, 'ACCEPT', reviewer);
    expect((await ctx.services.applications.findById(id))!.status).to.equal('accepted');

    while ((await ctx.services.outbox.runOnce()) > 0);
    const list = await agent.get('/notifications');
    for (const words of [
      'تم استلام الطلب',
      'مطلوب استكمال معلومات',
      'تم رفض الطلب',
      'إعادة فتح الطلب',
      'تم قبول الطلب',
    ]) {
      expect(list.text, words).to.contain(words);
    }
    const me = await ctx.db('users').where({ cpr: '850101234' }).first();
    expect(ctx.mail.filter((m) => m.to === me.email).length).to.be.greaterThan(4);
    const timeline = await agent.get(`/applications/${id}`);
    expect(timeline.text).to.contain('مراجع طلبات').and.not.contain(reviewer.email);
  });

  it('when an undecided application is withdrawn, then it is asked first, withdrawn on "yes" and can no longer be withdrawn again', async () => {
    const id = await submitComplete();
    const page = await agent.get(`/applications/${id}`);
    const asked = await agent
      .post(`/applications/${id}/actions/WITHDRAW`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), version: /name="version" value="(\d+)"/.exec(page.text)![1] });
    expect(asked.status).to.equal(200);
    expect(asked.text)
      .to.contain('<h1>هل تريد سحب هذا الطلب؟</h1>')
      .and.contain('name="confirmed" value="yes"')
      .and.contain(`href="/applications/${id}"`);
    expect((await ctx.services.applications.findById(id))!.status).to.equal('submitted');
    const res = await agent
      .post(`/applications/${id}/actions/WITHDRAW`)
      .type('form')
      .send({ ...hiddenFields(asked.text), confirmed: 'yes' });
    expect(res.status).to.equal(303);
    expect((await ctx.services.applications.findById(id))!.status).to.equal('withdrawn');
    const again = await agent
      .post(`/applications/${id}/actions/WITHDRAW`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), confirmed: 'yes' });
    expect(again.status).to.equal(303);
    expect((await agent.get(`/applications/${id}`)).text).to.contain('هذا الإجراء غير ممكن');
  });

  it('when the query window has closed, then the option is gone with a message and a forged query is refused', async () => {
    const id = await submitComplete();
    await staffAct(id, 'START_REVIEW', reviewer);
    await staffAct(id, 'REJECT', reviewer, 'Not a residence.');
    ctx.clock.advance(40 * 24 * 60 * 60 * 1000);
    await signIn(agent, '850101234', VALID_PASSWORD);
    const page = await agent.get(`/applications/${id}`);
    expect(page.text).to.contain('انتهت المدة المحددة لتقديم استفسار');
    expect(page.text).not.to.contain('/actions/RAISE_QUERY');
    await agent
      .post(`/applications/${id}/actions/RAISE_QUERY`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), message: 'Please look again' });
    expect((await ctx.services.applications.findById(id))!.status).to.equal('rejected');
  });

  it('when a query is raised on an application that was not rejected, then it is refused', async () => {
    const id = await submitComplete();
    const page = await agent.get(`/applications/${id}`);
    await agent
      .post(`/applications/${id}/actions/RAISE_QUERY`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), message: 'Why?' });
    expect((await ctx.services.applications.findById(id))!.status).to.equal('submitted');
  });

  it('when a resident opens a back-office page, then it is refused with 403', async () => {
    expect((await agent.get('/staff')).status).to.equal(403);
    expect((await request(ctx.app).get('/notifications')).status).to.equal(303);
  });
});
