import { expect } from 'chai';
import request from 'supertest';
import { createTestContext, dbLabel, type TestContext } from '../support/context.js';
import {
  agentFor,
  csrfFrom,
  hiddenFields,
  signIn,
  signUpResident,
  tokenFor,
  VALID_PASSWORD,
  type Agent,
} from '../support/http.js';
import { pageBody } from '../support/answers.js';
import { makeStaff, type Person } from '../support/people.js';
import { EICAR, PDF, PNG, fakeExecutable } from '../support/clamav.js';
import { formSteps } from '../../workflows/form/form.js';
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
        track: { windowMs: 15 * 60_000, limit: 10 },
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

  async function start(slug = definition.slug): Promise<number> {
    const token = await tokenFor(agent, `/services/${slug}`);
    const res = await agent.post(`/services/${slug}/apply`).type('form').send({ _csrf: token });
    return Number(/\/applications\/(\d+)\//.exec(res.headers.location as string)?.[1]);
  }
  async function upload(id: number, requirement: string, files: { name: string; buffer: Buffer }[]) {
    const token = await tokenFor(agent, `/applications/${id}/documents`);
    let req = agent
      .post(`/applications/${id}/documents`)
      .field('_csrf', token)
      .field('requirement', requirement);
    for (const f of files) req = req.attach('files', f.buffer, f.name);
    return req;
  }
  async function answerPages(id: number) {
    for (let page = 0; page < formSteps(definition).length; page++) {
      const form = await agent.get(`/applications/${id}/form/${page}`);
      const res = await agent
        .post(`/applications/${id}/form/${page}`)
        .type('form')
        .send(pageBody(definition, page, csrfFrom(form.text)));
      expect(res.status, `page ${page}`).to.equal(303);
    }
  }
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
  const storedCount = async (id: number) =>
    Number((await ctx.db('documents').where({ application_id: id }).count({ n: '*' }))[0]?.n);
  const staffAct = async (id: number, type: string, who: Person, comment?: string) => {
    const result = await ctx.services.applyEvent({
      applicationId: id,
      event: { type, ...(comment ? { comment } : {}) },
      actor: { role: who.role, userId: who.id },
    });
    expect(result.ok, `${type}: ${JSON.stringify(result)}`).to.equal(true);
  };

  describe('documents', () => {
    it('when a PDF is uploaded, then it is listed, downloadable by its owner as an attachment with nosniff, and removable before submitting', async () => {
      const id = await start();
      const res = await upload(id, 'cprCopy', [{ name: 'بطاقة.pdf', buffer: PDF }]);
      expect(res.status).to.equal(303);
      const page = await agent.get(`/applications/${id}/documents`);
      expect(page.text).to.contain('بطاقة.pdf');
      const row = await ctx.db('documents').where({ application_id: id }).first();
      expect(row.stored_name).to.not.contain('بطاقة');
      const download = await agent.get(`/applications/${id}/documents/${row.id}`);
      expect(download.status).to.equal(200);
      expect(download.headers['content-disposition']).to.match(/^attachment;/);
      expect(download.headers['x-content-type-options']).to.equal('nosniff');
      expect(download.headers['content-type']).to.contain('application/pdf');
      const remove = await agent
        .post(`/applications/${id}/documents/${row.id}/remove`)
        .type('form')
        .send({ _csrf: csrfFrom(page.text) });
      expect(remove.status).to.equal(303);
      expect(await storedCount(id)).to.equal(0);
    });

    it('when a file is larger than its requirement allows, then it is refused with 413 and nothing is stored', async () => {
      const id = await start();
      const big = Buffer.concat([PDF, Buffer.alloc(6 * 1024 * 1024, 32)]);
      const res = await upload(id, 'cprCopy', [{ name: 'big.pdf', buffer: big }]);
      expect(res.status).to.equal(413);
      expect(res.text).to.contain('حجم الملف أكبر من المسموح');
      expect(await storedCount(id)).to.equal(0);
    });

    it('when more files are sent than the requirement allows, then it is refused with 413', async () => {
      const id = await start();
      const max = definition.guide.documents.find((d) => d.key === 'cprCopy')!.maxFiles;
      const files = Array.from({ length: max + 1 }, (_, i) => ({ name: `p${i}.pdf`, buffer: PDF }));
      expect((await upload(id, 'cprCopy', files)).status).to.equal(413);
      expect(await storedCount(id)).to.equal(0);
    });

    it('when a renamed executable or a type the requirement does not allow is sent, then it is refused with 415', async () => {
      const id = await start();
      expect((await upload(id, 'cprCopy', [{ name: 'id.pdf', buffer: fakeExecutable() }])).status).to.equal(
        415,
      );
      expect(await storedCount(id)).to.equal(0);
      const service = ctx.services.registry
        .all()
        .find(
          (d) => d.applicants.includes('resident') && d.guide.documents.some((r) => r.types.join() === 'pdf'),
        )!;
      const requirement = service.guide.documents.find((r) => r.types.join() === 'pdf')!;
      const other = await start(service.slug);
      const res = await upload(other, requirement.key, [{ name: 'plan.pdf', buffer: PNG }]);
      expect(res.status).to.equal(415);
      expect(res.text).to.contain('هذا النوع من الملفات غير مقبول');
      expect(await storedCount(other)).to.equal(0);
    });

    it('when the EICAR test file is uploaded, then it is refused with 422 and nothing is stored', async () => {
      const id = await start();
      const res = await upload(id, 'cprCopy', [{ name: 'eicar.pdf', buffer: EICAR }]);
      expect(res.status).to.equal(422);
      expect(res.text).to.contain('برمجية ضارة');
      expect(await storedCount(id)).to.equal(0);
    });

    it('when someone else asks for my document or uploads to my application, then they get 404', async () => {
      const id = await start();
      await upload(id, 'cprCopy', [{ name: 'a.pdf', buffer: PDF }]);
      const doc = await ctx.db('documents').where({ application_id: id }).first();
      const other = agentFor(ctx.app);
      await signUpResident(other, { cpr: '900202345', email: 'other@example.bh' });
      expect((await other.get(`/applications/${id}/documents/${doc.id}`)).status).to.equal(404);
      const token = await tokenFor(other, '/applications');
      const res = await other
        .post(`/applications/${id}/documents`)
        .field('_csrf', token)
        .field('requirement', 'cprCopy')
        .attach('files', PDF, 'x.pdf');
      expect(res.status).to.equal(404);
      expect(await storedCount(id)).to.equal(1);
    });

    it('when an upload has no CSRF token, then it is refused with 403', async () => {
      const id = await start();
      const res = await agent
        .post(`/applications/${id}/documents`)
        .field('requirement', 'cprCopy')
        .attach('files', PDF, 'x.pdf');
      expect(res.status).to.equal(403);
      expect(await storedCount(id)).to.equal(0);
    });
  });

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

  describe('public tracking', () => {
    /** Someone who is not signed in, with the tracking form's token: each look-up sends a reference and a number. */
    async function visitor() {
      const anon = agentFor(ctx.app);
      const token = await tokenFor(anon, '/track');
      return (reference: string, identifier = '850101234') =>
        anon.post('/track').type('form').send({ _csrf: token, reference, identifier });
    }

    it('when the reference and the CPR match, then the status and timeline show without signing in, without messages', async () => {
      const id = await submitComplete();
      await staffAct(id, 'START_REVIEW', reviewer);
      await staffAct(id, 'REQUEST_INFO', reviewer, 'Private message for the applicant');
      const reference = (await ctx.services.applications.findById(id))!.reference!;
      const res = await (await visitor())(reference.toLowerCase());
      expect(res.status).to.equal(200);
      expect(res.text).to.contain(reference).and.contain('بانتظار ردك');
      expect(res.text).not.to.contain('Private message');
      // It says where the message is, not that it is below.
      expect(res.text).to.contain('سجّل الدخول لقراءة رسالتها').and.not.contain('آخر رسالة أدناه');
    });

    it('when a rejected application is tracked, then the page says to sign in for the reason, which it does not show', async () => {
      const id = await submitComplete();
      await staffAct(id, 'START_REVIEW', reviewer);
      await staffAct(id, 'REJECT', reviewer, 'Private reason for the applicant');
      const reference = (await ctx.services.applications.findById(id))!.reference!;
      const res = await (await visitor())(reference);
      // Someone's application shown without signing in: the browser does not keep it.
      expect(res.headers['cache-control']).to.equal('no-store');
      expect(res.text)
        .to.contain('سجّل الدخول لقراءة السبب')
        .and.not.contain('السبب مبيّن أدناه')
        .and.not.contain('Private reason');
    });

    it('when an application waits for its decision, then tracking gives the expected decision day, as the resident’s own page does', async () => {
      const id = await submitComplete();
      const reference = (await ctx.services.applications.findById(id))!.reference!;
      const res = await (await visitor())(reference);
      const own = await agent.get(`/applications/${id}`);
      const due = (html: string) => /الموعد المتوقع للقرار: ([^<]+)\./.exec(html)?.[1];
      expect(due(res.text)).to.be.a('string').and.equal(due(own.text));
    });

    it('when the reference does not exist or the CPR is wrong, then the answer is the same', async () => {
      const id = await submitComplete();
      const reference = (await ctx.services.applications.findById(id))!.reference!;
      const look = await visitor();
      const wrongNumber = await look(reference, '900202345');
      const noSuch = await look('RC-2026-ZZZZZZ');
      expect(wrongNumber.status).to.equal(noSuch.status);
      const message = (html: string) => /<ul class="mb-0">([\s\S]*?)<\/ul>/.exec(html)?.[1];
      expect(message(wrongNumber.text)).to.equal(message(noSuch.text));
    });

    it('when someone keeps guessing, then the eleventh look-up in the window gets 429', async () => {
      const look = await visitor();
      for (let i = 0; i < 10; i++) await look('RC-2026-ABCDEF', `85010${1000 + i}`);
      const res = await look('RC-2026-ABCDEF');
      expect(res.status).to.equal(429);
    });
  });

  it('when a resident opens a back-office page, then it is refused with 403', async () => {
    expect((await agent.get('/staff')).status).to.equal(403);
    expect((await request(ctx.app).get('/notifications')).status).to.equal(303);
  });
});
