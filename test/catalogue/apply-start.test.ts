import { expect } from 'chai';
import request from 'supertest';
import { createTestContext, dbLabel, type TestContext } from '../support/context.js';
import { agentFor, csrfFrom, signIn, signUpResident, VALID_PASSWORD, type Agent } from '../support/http.js';
import { makeStaff } from '../support/people.js';
import { pageBody } from '../support/answers.js';

describe(`Starting an application: the draft is made when the first page is saved (${dbLabel})`, () => {
  let ctx: TestContext;
  let agent: Agent;
  const SLUG = 'residence-certificate';
  beforeEach(async () => {
    ctx = await createTestContext();
    agent = agentFor(ctx.app);
    await signUpResident(agent);
  });
  afterEach(() => ctx.close());

  const definition = () => ctx.services.catalogue.find(SLUG)!;
  const drafts = async () => ctx.db('applications').select('id', 'form_data', 'status');

  it('when a resident opens the guide, then "Start" is a link to the first page, not a form that makes a draft', async () => {
    const guide = await agent.get(`/services/${SLUG}`);
    expect(guide.text).to.contain(`href="/services/${SLUG}/apply"`);
    expect(guide.text).to.not.contain(`action="/services/${SLUG}/apply"`);
  });

  it('when a resident opens the first page, then it is shown prefilled from their profile and nothing is stored', async () => {
    const page = await agent.get(`/services/${SLUG}/apply`);
    expect(page.status).to.equal(200);
    expect(page.text).to.contain(`action="/services/${SLUG}/apply"`);
    expect(page.text).to.contain('value="Fatima Ali Hasan"');
    expect(await drafts()).to.have.length(0);
  });

  it('when the first page is continued with valid answers, then one draft holds them and the second page follows', async () => {
    const page = await agent.get(`/services/${SLUG}/apply`);
    const res = await agent
      .post(`/services/${SLUG}/apply`)
      .type('form')
      .send(pageBody(definition(), 0, csrfFrom(page.text), { mobile: '39998877' }));
    expect(res.status).to.equal(303);
    const rows = await drafts();
    expect(rows).to.have.length(1);
    expect(res.headers.location).to.equal(`/applications/${rows[0].id}/form/1`);
    expect(rows[0].status).to.equal('draft');
    const answers = JSON.parse(rows[0].form_data as string) as Record<string, unknown>;
    expect(answers.mobile).to.equal('+97339998877');
    expect(answers.applicantName).to.equal('Test answer');
    const next = await agent.get(res.headers.location as string);
    expect(next.status).to.equal(200);
  });

  it('when the first page has a mistake, then the error summary shows in Arabic and English, what was typed comes back and nothing is stored', async () => {
    const token = csrfFrom((await agent.get(`/services/${SLUG}/apply`)).text);
    const body = pageBody(definition(), 0, token, { mobile: '12', applicantName: 'Fatima Typed' });
    const arabic = await agent.post(`/services/${SLUG}/apply`).type('form').send(body);
    expect(arabic.status).to.equal(400);
    expect(arabic.text).to.contain('data-error-summary');
    expect(arabic.text).to.contain('href="#mobile"');
    expect(arabic.text).to.contain('value="Fatima Typed"');
    expect(arabic.text).to.match(/<title>خطأ/);
    await agent.get('/lang/en');
    const english = await agent.post(`/services/${SLUG}/apply`).type('form').send(body);
    expect(english.status).to.equal(400);
    expect(english.text).to.match(/<title>Error: /);
    expect(english.text).to.not.match(/at .*\.ts:\d+/);
    expect(await drafts()).to.have.length(0);
  });

  it('when the first page is saved for later with a mistake, then a draft keeps the valid answers and "my applications" lists it', async () => {
    const token = csrfFrom((await agent.get(`/services/${SLUG}/apply`)).text);
    const body = pageBody(definition(), 0, token, { mobile: '12' }).replace('action=continue', 'action=save');
    const res = await agent.post(`/services/${SLUG}/apply`).type('form').send(body);
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.equal('/applications');
    const rows = await drafts();
    expect(rows).to.have.length(1);
    const answers = JSON.parse(rows[0].form_data as string) as Record<string, unknown>;
    expect(answers).to.not.have.property('mobile');
    expect(answers.applicantName).to.equal('Test answer');
    expect((await agent.get('/applications')).text).to.contain(`/applications/${rows[0].id}/form/0`);
  });

  it('when someone signed out opens the first page, then they are sent to sign in and come back to it', async () => {
    const res = await request(ctx.app).get(`/services/${SLUG}/apply`);
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.equal(`/signin?next=${encodeURIComponent(`/services/${SLUG}/apply`)}`);
  });

  it('when the service does not exist, is not for this kind of account or is disabled, then the first page is refused and nothing is stored', async () => {
    expect((await agent.get('/services/no-such-service/apply')).status).to.equal(404);

    const staff = agentFor(ctx.app);
    const person = await makeStaff(ctx, 'reviewer', 'capital');
    expect((await signIn(staff, person.email, VALID_PASSWORD)).status).to.equal(303);
    const refused = await staff.get(`/services/${SLUG}/apply`);
    expect(refused.status, refused.headers.location).to.equal(403);

    await ctx.services.serviceSettings.setEnabled(SLUG, false, person.id);
    try {
      const closed = await agent.get(`/services/${SLUG}/apply`);
      expect(closed.status).to.equal(409);
      const token = csrfFrom((await agent.get(`/services/${SLUG}`)).text);
      const posted = await agent
        .post(`/services/${SLUG}/apply`)
        .type('form')
        .send(pageBody(definition(), 0, token));
      expect(posted.status).to.equal(409);
    } finally {
      await ctx.services.serviceSettings.setEnabled(SLUG, true, person.id);
    }
    expect(await drafts()).to.have.length(0);
  });
});
