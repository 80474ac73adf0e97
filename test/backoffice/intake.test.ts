import { expect } from 'chai';
import { createTestContext, dbLabel, type TestContext } from '../support/context.js';
import { agentFor, csrfFrom, signIn, signUpResident, VALID_PASSWORD, type Agent } from '../support/http.js';
import { pageBody } from '../support/answers.js';
import { makeStaff, type Person } from '../support/people.js';
import { PDF } from '../support/clamav.js';
import { formSteps } from '../../workflows/form/form.js';

describe(`Assisted intake (${dbLabel})`, () => {
  let ctx: TestContext;
  let clerk: Person;
  let agent: Agent;

  beforeEach(async () => {
    ctx = await createTestContext();
    clerk = await makeStaff(ctx, 'counter', 'capital');
    agent = agentFor(ctx.app);
    await signIn(agent, clerk.email, VALID_PASSWORD);
  });
  afterEach(() => ctx.close());

  async function post(path: string, from: string, body: Record<string, string>) {
    const page = await agent.get(from);
    return agent
      .post(path)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), ...body });
  }

  it('when the clerk registers a walk-in, fills the form, uploads the scan and submits, then the person sees the application in their own account with the counter channel', async () => {
    const notFound = await post('/backoffice/intake/find', '/backoffice/intake', { number: '910101234' });
    expect(notFound.text).to.contain('تسجيل الشخص');
    const registered = await post('/backoffice/intake/register', '/backoffice/intake', {
      kind: 'resident',
      name: 'Ahmed Yusuf',
      cpr: '910101234',
      email: 'ahmed@example.bh',
      mobile: '33445566',
    });
    expect(registered.status).to.equal(200);
    const person = await ctx.db('users').where({ cpr: '910101234' }).first();
    expect(person.password_hash).to.equal(null);
    const started = await post('/backoffice/intake/start', '/backoffice/intake', {
      person: String(person.id),
      service: 'residence-certificate',
      channel: 'counter',
    });
    expect(started.status).to.equal(303);
    const id = Number(/\/applications\/(\d+)\//.exec(started.headers.location as string)![1]);
    const definition = ctx.services.registry.latest('residence-certificate')!;
    for (const doc of definition.guide.documents.filter((d) => d.required)) {
      const page = await agent.get(`/applications/${id}/documents`);
      const res = await agent
        .post(`/applications/${id}/documents`)
        .field('_csrf', csrfFrom(page.text))
        .field('requirement', doc.key)
        .attach('files', PDF, 'scan.pdf');
      expect(res.status).to.equal(303);
    }
    for (let page = 0; page < formSteps(definition).length; page++) {
      const form = await agent.get(`/applications/${id}/form/${page}`);
      if (page === 0) expect(form.text).to.contain('910101234');
      expect(
        (
          await agent
            .post(`/applications/${id}/form/${page}`)
            .type('form')
            .send(pageBody(definition, page, csrfFrom(form.text)))
        ).status,
      ).to.equal(303);
    }
    const submitted = await post(`/applications/${id}/submit`, `/applications/${id}/check`, {});
    expect(submitted.headers.location).to.equal(`/backoffice/intake/${id}/submitted`);
    const row = (await ctx.services.applications.findById(id))!;
    expect(row).to.include({
      applicant_id: person.id,
      created_by: clerk.id,
      channel: 'counter',
      status: 'submitted',
    });
    const confirmation = (await agent.get(`/backoffice/intake/${id}/submitted`)).text;
    // A receipt to print for the person at the counter, and where they follow the application.
    expect(confirmation).to.contain(row.reference!).and.contain('<bdi>Ahmed Yusuf</bdi>');
    expect(confirmation).to.contain('data-print hidden').and.contain('<a href="/track">');
    expect(confirmation).to.contain('سُجّل باسم Ahmed Yusuf');
    expect((await ctx.services.applications.events(id))[0]).to.include({
      actor_role: 'counter',
      actor_id: clerk.id,
    });

    // The person signs up later with the same number and e-mail and finds it in their account.
    const person2 = agentFor(ctx.app);
    const signup = await signUpResident(person2, {
      cpr: '910101234',
      email: 'ahmed@example.bh',
      name: 'Ahmed Yusuf',
    });
    expect(signup.status).to.equal(303);
    expect((await person2.get('/applications')).text).to.contain(row.reference!);
  });

  it('when the clerk finds a registered person, then the services offered are those for their kind of account', async () => {
    await signUpResident(agentFor(ctx.app));
    const found = await post('/backoffice/intake/find', '/backoffice/intake', { number: '850101234' });
    expect(found.text).to.contain('Fatima Ali Hasan').and.contain('value="residence-certificate"');
    const investorOnly = ctx.services.registry.all().find((d) => !d.applicants.includes('resident'))!;
    expect(found.text).not.to.contain(`value="${investorOnly.slug}"`);
  });

  it("when the clerk looks up a number nobody has, then a CPR is offered as a resident's, a commercial registration as an investor's, and anything else is refused with a translated message", async () => {
    const field = (html: string, name: string) =>
      new RegExp(`<input[^>]*name="${name}"[^>]*value="([^"]*)"`).exec(html)?.[1] ?? '';
    const checked = (html: string) => /<input[^>]*name="kind"[^>]*value="(\w+)"[^>]*checked/.exec(html)?.[1];

    const cpr = await post('/backoffice/intake/find', '/backoffice/intake', { number: '٩١٠ ١٠١ ٢٣٤' });
    expect(cpr.status).to.equal(200);
    expect([field(cpr.text, 'cpr'), field(cpr.text, 'cr'), checked(cpr.text)]).to.deep.equal([
      '910101234',
      '',
      'resident',
    ]);

    const cr = await post('/backoffice/intake/find', '/backoffice/intake', { number: '12345-1' });
    expect([field(cr.text, 'cpr'), field(cr.text, 'cr'), checked(cr.text)]).to.deep.equal([
      '',
      '12345-1',
      'investor',
    ]);

    for (const number of ['1234567890', '12-34567', 'abc', '']) {
      const refused = await post('/backoffice/intake/find', '/backoffice/intake', { number });
      expect(refused.status, number).to.equal(400);
      expect(refused.text, number).to.contain('أدخل رقمًا شخصيًا من 9 أرقام').and.not.contain('تسجيل الشخص');
    }
    await agent.get('/lang/en');
    const english = await post('/backoffice/intake/find', '/backoffice/intake', { number: 'abc' });
    expect(english.text).to.contain('Enter a CPR of 9 digits or a commercial registration number');
  });

  it('when someone signs up with a number registered at the counter but another e-mail, then the account is not taken over', async () => {
    await post('/backoffice/intake/register', '/backoffice/intake', {
      kind: 'resident',
      name: 'Ahmed Yusuf',
      cpr: '910101234',
      email: 'ahmed@example.bh',
      mobile: '33445566',
    });
    const res = await signUpResident(agentFor(ctx.app), { cpr: '910101234', email: 'intruder@example.bh' });
    expect(res.status).to.equal(400);
    expect((await ctx.db('users').where({ cpr: '910101234' }).first()).password_hash).to.equal(null);
  });

  it('when another clerk or a reviewer opens a draft registered by this clerk, then they get 404 or 403', async () => {
    const person = await ctx.services.accounts.registerAtCounter('resident', {
      name: 'Huda Ali',
      cpr: '920202345',
      email: 'huda@example.bh',
      mobile: '36667788',
    });
    expect(person.ok).to.equal(true);
    const started = await post('/backoffice/intake/start', '/backoffice/intake', {
      person: String(person.ok && person.value.id),
      service: 'residence-certificate',
      channel: 'phone',
    });
    const id = Number(/\/applications\/(\d+)\//.exec(started.headers.location as string)![1]);
    const other = await makeStaff(ctx, 'counter', 'capital');
    const otherAgent = agentFor(ctx.app);
    await signIn(otherAgent, other.email, VALID_PASSWORD);
    expect((await otherAgent.get(`/applications/${id}/form/0`)).status).to.equal(404);
    const reviewer = await makeStaff(ctx, 'reviewer', 'capital');
    const reviewerAgent = agentFor(ctx.app);
    await signIn(reviewerAgent, reviewer.email, VALID_PASSWORD);
    expect((await reviewerAgent.get('/backoffice/intake')).status).to.equal(403);
  });

  it('when a clerk starts a draft for someone and leaves it, then the person’s own list says it was started for them at the counter, and they may continue or discard it', async () => {
    const resident = agentFor(ctx.app);
    await signUpResident(resident, { cpr: '930303456', email: 'salma@example.bh', name: 'Salma Isa' });
    const person = await ctx.db('users').where({ cpr: '930303456' }).first();
    const started = await post('/backoffice/intake/start', '/backoffice/intake', {
      person: String(person.id),
      service: 'residence-certificate',
      channel: 'counter',
    });
    const id = Number(/\/applications\/(\d+)\//.exec(started.headers.location as string)![1]);
    const list = (await resident.get('/applications')).text;
    expect(list).to.contain('بدأه لك موظف خدمة العملاء في البلدية');
    expect(list).to.contain(`action="/applications/${id}/discard"`);
    // A draft the person started themself carries no such line.
    await ctx.db('applications').where({ id }).update({ created_by: null });
    expect((await resident.get('/applications')).text).not.to.contain('بدأه لك موظف');
  });
});
