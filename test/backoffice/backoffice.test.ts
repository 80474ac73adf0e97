import { expect } from 'chai';
import { createTestContext, dbLabel, type TestContext } from '../support/context.js';
import {
  agentFor,
  csrfFrom,
  postAction,
  signedIn,
  signIn,
  takeAction as decide,
  VALID_PASSWORD,
} from '../support/http.js';
import { makeResident, makeStaff, type Person } from '../support/people.js';
import { submitted as submittedFor } from '../support/applications.js';

describe(`The back office (${dbLabel})`, () => {
  let ctx: TestContext;
  let applicant: Person;
  let reviewer: Person;
  let otherReviewer: Person;
  let supervisor: Person;
  let muharraqReviewer: Person;

  beforeEach(async () => {
    ctx = await createTestContext();
    applicant = await makeResident(ctx, 'Zainab <b>Ali</b>');
    reviewer = await makeStaff(ctx, 'reviewer', 'capital');
    otherReviewer = await makeStaff(ctx, 'reviewer', 'capital');
    supervisor = await makeStaff(ctx, 'supervisor', 'capital');
    muharraqReviewer = await makeStaff(ctx, 'reviewer', 'muharraq');
  });
  afterEach(() => ctx.close());

  const staffAgent = (p: Person) => signedIn(ctx.app, p);
  const submitted = async (municipality = 'capital', slug = 'residence-certificate') =>
    (await submittedFor(ctx, applicant, { municipality, slug })).id;
  const row = async (id: number) => (await ctx.services.applications.findById(id))!;
  const act = postAction;

  it('when a reviewer opens the queue, then it lists their municipality’s open applications with due dates, and not another’s', async () => {
    const mine = await submitted('capital');
    const theirs = await submitted('muharraq');
    const agent = await staffAgent(reviewer);
    const res = await agent.get('/backoffice');
    expect(res.status).to.equal(200);
    expect(res.text).to.contain(`/backoffice/applications/${mine}`);
    expect(res.text).not.to.contain(`/backoffice/applications/${theirs}"`);
    // Escaped, and isolated so that a Latin name keeps its own direction in the Arabic table.
    expect(res.text).to.contain('<bdi>Zainab &lt;b&gt;Ali&lt;/b&gt;</bdi>');
  });

  it('when a reviewer of another municipality opens or acts on an application, then they get 404', async () => {
    const id = await submitted('capital');
    const agent = await staffAgent(muharraqReviewer);
    expect((await agent.get(`/backoffice/applications/${id}`)).status).to.equal(404);
    const queue = await agent.get('/backoffice');
    const res = await agent
      .post(`/backoffice/applications/${id}/events/START_REVIEW`)
      .type('form')
      .send({ _csrf: csrfFrom(queue.text) });
    expect(res.status).to.equal(404);
    expect((await row(id)).status).to.equal('submitted');
  });

  it('when a resident opens a back-office route, then it is refused with 403', async () => {
    const agent = agentFor(ctx.app);
    await ctx
      .db('users')
      .where({ id: applicant.id })
      .update({
        password_hash: await import('../../server/security/passwords.js').then((m) =>
          m.hashPassword(VALID_PASSWORD),
        ),
      });
    await signIn(agent, applicant.email, VALID_PASSWORD);
    for (const path of ['/backoffice', '/backoffice/team', '/backoffice/applications/1']) {
      expect((await agent.get(path)).status, path).to.equal(403);
    }
  });

  it('when a reviewer claims an application, then it is theirs and under review, and a second claim is told it is taken', async () => {
    const id = await submitted();
    const a = await staffAgent(reviewer);
    const page = await a.get(`/backoffice/applications/${id}`);
    await a
      .post(`/backoffice/applications/${id}/claim`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text) });
    expect(await row(id)).to.include({ assigned_to: reviewer.id, status: 'in_review' });
    const b = await staffAgent(otherReviewer);
    const other = await b.get(`/backoffice/applications/${id}`);
    await b
      .post(`/backoffice/applications/${id}/claim`)
      .type('form')
      .send({ _csrf: csrfFrom(other.text) });
    expect((await b.get(`/backoffice/applications/${id}`)).text).to.contain(
      'استلم موظف آخر هذا الطلب بالفعل',
    );
    expect((await row(id)).assigned_to).to.equal(reviewer.id);
    const mine = await a.get('/backoffice?view=mine');
    expect(mine.text).to.contain(`/backoffice/applications/${id}`);
  });

  it('when a supervisor assigns an application, then only a reviewer of the same municipality can receive it', async () => {
    const id = await submitted();
    const agent = await staffAgent(supervisor);
    const page = await agent.get(`/backoffice/applications/${id}`);
    expect(
      (
        await agent
          .post(`/backoffice/applications/${id}/assign`)
          .type('form')
          .send({ _csrf: csrfFrom(page.text), assignee: String(muharraqReviewer.id) })
      ).status,
    ).to.equal(400);
    expect(
      (
        await agent
          .post(`/backoffice/applications/${id}/assign`)
          .type('form')
          .send({ _csrf: csrfFrom(page.text), assignee: String(otherReviewer.id) })
      ).status,
    ).to.equal(303);
    expect((await row(id)).assigned_to).to.equal(otherReviewer.id);
    const team = await agent.get('/backoffice/team');
    expect(team.text).to.contain('reviewer');
  });

  it('when a reviewer requests information with a template and no message, then the applicant gets the template text in their language', async () => {
    const id = await submitted();
    const agent = await staffAgent(reviewer);
    await act(agent, id, 'START_REVIEW');
    const res = await act(agent, id, 'REQUEST_INFO', { template: 'documentUnclear', comment: '' });
    expect(res.status).to.equal(303);
    const last = (await ctx.services.applications.events(id)).at(-1)!;
    expect(last).to.include({
      event: 'REQUEST_INFO',
      comment: 'أحد المستندات غير واضح. يرجى رفع نسخة واضحة.',
    });
  });

  it('when a reviewer picks a reason template and also writes a message, then the applicant gets both, the template first', async () => {
    const id = await submitted();
    const agent = await staffAgent(reviewer);
    await act(agent, id, 'START_REVIEW');
    const page = await agent.get(`/backoffice/applications/${id}`);
    expect(page.text).to.match(/aria-describedby="comment-REQUEST_INFO-hint"/);
    const res = await act(agent, id, 'REQUEST_INFO', {
      template: 'documentUnclear',
      comment: '  The second page of the lease is missing.  ',
    });
    expect(res.status).to.equal(303);
    const last = (await ctx.services.applications.events(id)).at(-1)!;
    expect(last.comment).to.equal(
      'أحد المستندات غير واضح. يرجى رفع نسخة واضحة.\n\nThe second page of the lease is missing.',
    );
  });

  it('when staff open an application, then its answers are grouped under the titles of the form’s pages, and a page of files only is left to the documents below', async () => {
    const { id } = await submittedFor(ctx, applicant, {
      formData: { applicantName: 'Zainab Ali', residenceType: 'tenant' },
    });
    const agent = await staffAgent(reviewer);
    await agent.get('/lang/en');
    const page = await agent.get(`/backoffice/applications/${id}`);
    const definition = ctx.services.registry.latest('residence-certificate')!;
    expect(definition.pages!.map((p) => p.en)).to.deep.equal([
      'Applicant’s details',
      'The residence',
      'Documents',
    ]);
    expect(definition.fields.filter((f) => f.step === 2).every((f) => f.type === 'file')).to.equal(true);
    const answers = /id="answers-title"[\s\S]*?<\/section>/.exec(page.text)![0];
    expect([...answers.matchAll(/<h3 class="h6 mb-2">([^<]+)<\/h3>/g)].map((m) => m[1])).to.deep.equal([
      'Applicant’s details',
      'The residence',
    ]);
  });

  it('when staff write a note with markup, then it is shown escaped to staff and never to the applicant', async () => {
    const id = await submitted();
    const agent = await staffAgent(reviewer);
    const page = await agent.get(`/backoffice/applications/${id}`);
    await agent
      .post(`/backoffice/applications/${id}/notes`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), note: '<script>alert(1)</script> check lease' });
    const again = await agent.get(`/backoffice/applications/${id}`);
    expect(again.text)
      .to.contain('&lt;script&gt;alert(1)&lt;/script&gt; check lease')
      .and.not.contain('<script>alert(1)');
    const blank = await agent
      .post(`/backoffice/applications/${id}/notes`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), note: '   ' });
    expect(blank.status).to.equal(400);
  });

  it('when the form gives a mobile other than the account’s, then the applicant card shows it as the one given in this application', async () => {
    const { id } = await submittedFor(ctx, applicant, { formData: { mobile: '+97339998888' } });
    const card = (await (await staffAgent(reviewer)).get(`/backoffice/applications/${id}`)).text;
    expect(card).to.contain('في هذا الطلب: <span dir="ltr">+973 3999 8888</span>');
    const same = await submittedFor(ctx, applicant, { formData: { mobile: '+97336000000' } });
    expect(
      (await (await staffAgent(reviewer)).get(`/backoffice/applications/${same.id}`)).text,
    ).not.to.contain('في هذا الطلب:');
  });

  it('when a query is raised, then the supervisor who rejected cannot answer it but another supervisor can reopen it', async () => {
    const id = await submitted();
    const s1 = await staffAgent(supervisor);
    await act(s1, id, 'START_REVIEW');
    await decide(s1, id, 'REJECT', { comment: 'Address outside the area.' });
    await ctx.services.applyEvent({
      applicationId: id,
      event: { type: 'RAISE_QUERY', comment: 'It is inside.' },
      actor: { role: 'applicant', userId: applicant.id },
    });
    const view = await s1.get(`/backoffice/applications/${id}`);
    expect(view.text).not.to.contain('/events/REOPEN');
    expect(view.text).to.contain('يجيب عنه مشرف آخر').and.not.contain('لا يوجد إجراء مطلوب منك');
    const second = await makeStaff(ctx, 'supervisor', 'capital');
    const s2 = await staffAgent(second);
    // The supervisors are told, with a link to the application's back-office page.
    while ((await ctx.services.outbox.runOnce()) > 0);
    expect((await s2.get('/notifications')).text).to.contain(`href="/backoffice/applications/${id}"`);
    expect((await s2.get(`/backoffice/applications/${id}`)).text)
      .to.contain('/events/REOPEN')
      .and.contain('/events/UPHOLD');
    expect((await act(s2, id, 'REOPEN')).status).to.equal(303);
    expect((await row(id)).status).to.equal('in_review');
  });

  it('when the queue is filtered and searched, then counts, filters, search and keyset paging agree', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 30; i++) ids.push(await submitted('capital'));
    const other = await submitted('capital', 'pest-control-request');
    const agent = await staffAgent(supervisor);
    const first = await agent.get('/backoffice');
    const onFirst = [...first.text.matchAll(/href="\/backoffice\/applications\/(\d+)"/g)].map((m) =>
      Number(m[1]),
    );
    expect(onFirst).to.have.length(25);
    const next = /href="(\/backoffice\?[^"]*after=[^"]+)"/.exec(first.text)![1]!.replace(/&amp;/g, '&');
    const second = await agent.get(next);
    const onSecond = [...second.text.matchAll(/href="\/backoffice\/applications\/(\d+)"/g)].map((m) =>
      Number(m[1]),
    );
    expect(new Set([...onFirst, ...onSecond]).size).to.equal(31);
    const service = await agent.get('/backoffice?service=pest-control-request');
    expect(service.text)
      .to.contain(`/backoffice/applications/${other}"`)
      .and.not.contain(`/backoffice/applications/${ids[0]}"`);
    const reference = (await row(ids[3]!)).reference!;
    const search = await agent.get(`/backoffice?q=${encodeURIComponent(reference.toLowerCase())}`);
    expect(
      [...search.text.matchAll(/href="\/backoffice\/applications\/(\d+)"/g)].map((m) => Number(m[1])),
    ).to.deep.equal([ids[3]]);
    const listed = (html: string) =>
      [...html.matchAll(/href="\/backoffice\/applications\/(\d+)"/g)].map((m) => Number(m[1]));
    // Only the code, as read out on the phone, with or without the year.
    const code = reference.slice(-6);
    for (const q of [code.toLowerCase(), ` ${code} `, `2026-${code}`]) {
      expect(listed((await agent.get(`/backoffice?q=${encodeURIComponent(q)}`)).text), q).to.deep.equal([
        ids[3],
      ]);
    }
    expect(listed((await agent.get(`/backoffice?q=2025-${code}`)).text)).to.deep.equal([]);
    const byName = await agent.get(`/backoffice?q=Zainab`);
    expect(byName.text).to.contain(`/backoffice/applications/${ids[0]}"`);
    ctx.clock.advance(30 * 24 * 60 * 60 * 1000);
    await signIn(agent, supervisor.email, VALID_PASSWORD);
    const overdue = await agent.get('/backoffice?due=overdue');
    expect(overdue.text)
      .to.contain('متأخر')
      .and.contain(`/backoffice/applications/${ids[0]}"`)
      .and.match(/متأخر \d+ يوم عمل/);
  });

  it('when the service-level time passes, then the escalation shows in the supervisor’s queue', async () => {
    const id = await submitted();
    ctx.clock.advance(10 * 24 * 60 * 60 * 1000);
    expect(await ctx.services.deadlines.runOnce()).to.be.greaterThan(0);
    const agent = await staffAgent(supervisor);
    const res = await agent.get('/backoffice?due=escalated');
    expect(res.text).to.contain(`/backoffice/applications/${id}"`).and.contain('مصعّد');
  });
});
