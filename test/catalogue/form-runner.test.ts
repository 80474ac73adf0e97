import { expect } from 'chai';
import { createTestContext, dbLabel, type TestContext } from '../support/context.js';
import {
  agentFor,
  signUpResident,
  startApplication,
  tokenFor,
  csrfFrom,
  type Agent,
} from '../support/http.js';
import { pageBody } from '../support/answers.js';
import { formSteps } from '../../workflows/form/form.js';
import type { ServiceDefinition } from '../../workflows/types.js';
import { answerAllPages as answerAllPagesOf } from '../support/applications.js';

describe(`The form runner (${dbLabel})`, () => {
  let ctx: TestContext;
  let agent: Agent;
  beforeEach(async () => {
    ctx = await createTestContext();
    agent = agentFor(ctx.app);
    await signUpResident(agent);
  });
  afterEach(() => ctx.close());

  const start = (slug: string) => startApplication(agent, slug);
  const answerAllPages = (definition: ServiceDefinition, id: number) =>
    answerAllPagesOf(ctx, agent, definition, id);
  const stored = async (id: number) =>
    JSON.parse((await ctx.services.applications.findById(id))!.form_data) as Record<string, unknown>;

  it('when a resident starts an application, then the form is prefilled from their profile', async () => {
    const id = await start('residence-certificate');
    const page = await agent.get(`/applications/${id}/form/0`);
    expect(page.text).to.contain('value="850101234"').and.contain('dir="ltr"');
  });

  /** Text as EJS writes it into the page. */
  const html = (text: string) => text.replace(/'/g, '&#39;').replace(/"/g, '&#34;');

  for (const lang of ['ar', 'en'] as const) {
    it(`when every service's form is opened in ${lang}, then each page is headed by its own title under the service's name and renders with its labels`, async () => {
      await agent.get(`/lang/${lang}`);
      for (const definition of ctx.services.registry.all().filter((d) => d.applicants.includes('resident'))) {
        const id = await start(definition.slug);
        const pages = formSteps(definition).length;
        for (let page = 0; page < pages; page++) {
          const res = await agent.get(`/applications/${id}/form/${page}`);
          expect(res.status, `${definition.slug} ${page}`).to.equal(200);
          const first = definition.fields.find((f) => f.step === formSteps(definition)[page]);
          expect(res.text).to.contain(html(first!.label[lang]));
          const title = definition.pages?.[page];
          expect(title, `${definition.slug} names its page ${page + 1}`).to.not.equal(undefined);
          const pageOf = lang === 'ar' ? `الصفحة ${page + 1} من ${pages}` : `Page ${page + 1} of ${pages}`;
          expect(res.text)
            .to.contain(`<h1>${html(title![lang])}</h1>`)
            .and.contain(`${html(definition.name[lang])} · ${pageOf}</p>`)
            .and.contain(`<title>${html(title![lang])} – ${html(definition.name[lang])}`);
        }
      }
    });
  }

  it('when an investor opens the form of every investor service in both languages, then each page renders with its labels', async () => {
    const investor = agentFor(ctx.app);
    const token = await tokenFor(investor, '/signup/investor');
    await investor.post('/signup/investor').type('form').send({
      _csrf: token,
      name: 'Yusuf Trading',
      cr: '123456-1',
      email: 'yusuf@trading.bh',
      mobile: '39001122',
      password: 'correct horse battery staple',
      passwordConfirm: 'correct horse battery staple',
    });
    const services = ctx.services.registry.all().filter((d) => !d.applicants.includes('resident'));
    expect(services.length).to.be.greaterThan(0);
    for (const lang of ['ar', 'en'] as const) {
      await investor.get(`/lang/${lang}`);
      for (const definition of services) {
        const start = await investor
          .post(`/services/${definition.slug}/apply`)
          .type('form')
          .send({ _csrf: csrfFrom((await investor.get(`/services/${definition.slug}`)).text) });
        const id = Number(/\/applications\/(\d+)\//.exec(start.headers.location as string)?.[1]);
        for (let page = 0; page < formSteps(definition).length; page++) {
          const res = await investor.get(`/applications/${id}/form/${page}`);
          expect(res.status, `${definition.slug} ${page}`).to.equal(200);
          const first = definition.fields.find((f) => f.step === formSteps(definition)[page])!;
          expect(res.text).to.contain(first.label[lang].replace(/'/g, '&#39;').replace(/"/g, '&#34;'));
        }
      }
    }
  });

  it('when every page of every resident service is answered, then each reaches the check-your-answers page', async () => {
    for (const definition of ctx.services.registry.all().filter((d) => d.applicants.includes('resident'))) {
      const id = await start(definition.slug);
      await answerAllPages(definition, id);
      const check = await agent.get(`/applications/${id}/check`);
      expect(check.status, definition.slug).to.equal(200);
      // Each part of the check page is headed by its page's title.
      for (const [index, title] of (definition.pages ?? []).entries()) {
        expect(check.text).to.contain(`<h2 class="h5" id="step-${index}">${html(title.ar)}</h2>`);
      }
      expect((await ctx.services.applications.findById(id))!.municipality).to.equal('capital');
    }
  });

  it('when an answer or a document is changed from the check page, then every way back leads to the check page', async () => {
    const definition = ctx.services.registry.latest('residence-certificate')!;
    const id = await start(definition.slug);
    await answerAllPages(definition, id);
    await agent.get('/lang/en');
    const check = await agent.get(`/applications/${id}/check`);
    expect(check.text).to.contain(`href="/applications/${id}/form/1?return=check#`);
    expect(check.text).to.contain(`href="/applications/${id}/documents?return=check#upload-`);
    const back = `<a href="/applications/${id}/check">Back to check your answers</a>`;

    const page = await agent.get(`/applications/${id}/form/1?return=check`);
    expect(page.text).to.contain(back).and.not.contain(`href="/applications/${id}/form/0">Back<`);
    const plain = await agent.get(`/applications/${id}/form/1`);
    expect(plain.text).to.contain(`href="/applications/${id}/form/0">Back<`).and.not.contain(back);

    const docs = await agent.get(`/applications/${id}/documents?return=check`);
    expect(docs.text).to.contain(
      `class="btn btn-primary" href="/applications/${id}/check">Back to check your answers`,
    );
    expect(docs.text).to.contain(`action="/applications/${id}/documents?return=check"`);
    const doc = (await ctx.db('documents').where({ application_id: id }).first()) as { id: number };
    const removed = await agent
      .post(`/applications/${id}/documents/${doc.id}/remove?return=check`)
      .type('form')
      .send({ _csrf: csrfFrom(docs.text) });
    expect(removed.status).to.equal(303);
    expect(removed.headers.location).to.equal(`/applications/${id}/documents?return=check`);
    const fromForm = await agent.get(`/applications/${id}/documents`);
    expect(fromForm.text).to.contain('Back to the form').and.not.contain('Back to check your answers');
  });

  it('when a conditional question’s condition holds, then it is required; otherwise it is ignored', async () => {
    const definition = ctx.services.registry.latest('residence-certificate')!;
    const id = await start(definition.slug);
    await answerAllPages(definition, id);
    const page = formSteps(definition).indexOf(definition.fields.find((f) => f.key === 'purpose')!.step);
    const form = await agent.get(`/applications/${id}/form/${page}`);
    const missing = await agent
      .post(`/applications/${id}/form/${page}`)
      .type('form')
      .send(pageBody(definition, page, csrfFrom(form.text), { purpose: 'other', purposeOther: '' }));
    expect(missing.status).to.equal(400);
    expect(missing.text).to.contain('href="#purposeOther"');
    const hidden = await agent
      .post(`/applications/${id}/form/${page}`)
      .type('form')
      .send(pageBody(definition, page, csrfFrom(form.text), { purposeOther: 'ignored text' }));
    expect(hidden.status).to.equal(303);
    expect(await stored(id)).not.to.have.property('purposeOther');
  });

  it('when required documents are missing at submission, then the check page lists them and nothing is submitted', async () => {
    const definition = ctx.services.registry.latest('residence-certificate')!;
    const id = await start(definition.slug);
    await answerAllPages(definition, id);
    await ctx.db('documents').where({ application_id: id }).delete();
    const check = await agent.get(`/applications/${id}/check`);
    const res = await agent
      .post(`/applications/${id}/submit`)
      .type('form')
      .send({ _csrf: csrfFrom(check.text) });
    expect(res.status).to.equal(400);
    for (const doc of definition.guide.documents.filter((d) => d.required)) {
      const fieldLabel = definition.fields.find((f) => f.type === 'file' && f.document === doc.key)!.label.ar;
      expect(res.text).to.contain(`ارفع ${fieldLabel}`);
    }
    expect((await ctx.services.applications.findById(id))!.status).to.equal('draft');
  });

  it('when a complete application is submitted twice, then there is one submission with one reference number', async () => {
    const definition = ctx.services.registry.latest('pest-control-request')!;
    const id = await start(definition.slug);
    await answerAllPages(definition, id);
    const check = await agent.get(`/applications/${id}/check`);
    const token = csrfFrom(check.text);
    const [first, second] = await Promise.all([
      agent.post(`/applications/${id}/submit`).type('form').send({ _csrf: token }),
      agent.post(`/applications/${id}/submit`).type('form').send({ _csrf: token }),
    ]);
    expect([first.status, second.status]).to.deep.equal([303, 303]);
    const row = (await ctx.services.applications.findById(id))!;
    expect(row.status).to.equal('submitted');
    expect(row.reference).to.match(/^PCR-2026-[2-9A-HJKMNP-Z]{6}$/);
    const submits = (await ctx.services.applications.events(id)).filter((e) => e.event === 'SUBMIT');
    expect(submits).to.have.length(1);
    const confirmation = await agent.get(`/applications/${id}/submitted`);
    expect(confirmation.text).to.contain(row.reference!);
    const mine = await agent.get('/applications');
    expect(mine.text).to.contain(row.reference!).and.contain('مقدَّم');
    const status = await agent.get(`/applications/${id}`);
    expect(status.text).to.contain('تقديم الطلب');
    const receipt = await agent.get(`/applications/${id}/receipt`);
    expect(receipt.text).to.contain(
      '<button type="button" class="btn btn-primary" data-print hidden>طباعة</button>',
    );
    // The expected decision is a day; the working-time clock behind it is the back office's.
    const expected = /<dd class="col-sm-8">([^<]*)<\/dd>\s*<\/dl>/.exec(receipt.text)?.[1];
    expect(expected)
      .to.match(/2026/)
      .and.not.match(/\d:\d\d/);
  });

  it('when another person opens or changes my application, then they get 404', async () => {
    const id = await start('residence-certificate');
    const other = agentFor(ctx.app);
    await signUpResident(other, { cpr: '900202345', email: 'other@example.bh' });
    for (const path of [
      `/applications/${id}/form/0`,
      `/applications/${id}/check`,
      `/applications/${id}`,
      `/applications/${id}/receipt`,
    ]) {
      expect((await other.get(path)).status, path).to.equal(404);
    }
    const token = await tokenFor(other, '/applications');
    expect(
      (await other.post(`/applications/${id}/discard`).type('form').send({ _csrf: token })).status,
    ).to.equal(404);
  });

  it('when a draft is saved for later and then discarded, then it leaves "my applications"', async () => {
    const definition = ctx.services.registry.latest('residence-certificate')!;
    const id = await start(definition.slug);
    const form = await agent.get(`/applications/${id}/form/0`);
    const save = await agent
      .post(`/applications/${id}/form/0`)
      .type('form')
      .send(
        pageBody(definition, 0, csrfFrom(form.text), { mobile: 'bad' }).replace(
          'action=continue',
          'action=save',
        ),
      );
    expect(save.headers.location).to.equal('/applications');
    const list = await agent.get('/applications');
    expect(list.text).to.contain(`/applications/${id}/form/0`);
    // The service's name opens it too: on a phone it is the column in view.
    expect(list.text).to.contain(`<td><a href="/applications/${id}/form/0">${definition.name.ar}</a></td>`);
    await agent
      .post(`/applications/${id}/discard`)
      .type('form')
      .send({ _csrf: csrfFrom(list.text) });
    expect((await agent.get('/applications')).text).not.to.contain(`/applications/${id}/form/0`);
  });

  it('when an investor-only service is opened by a resident, then they cannot start it', async () => {
    const slug = ctx.services.registry.all().find((d) => !d.applicants.includes('resident'))!.slug;
    const token = await tokenFor(agent, `/services/${slug}`);
    expect((await agent.post(`/services/${slug}/apply`).type('form').send({ _csrf: token })).status).to.equal(
      403,
    );
  });
});
