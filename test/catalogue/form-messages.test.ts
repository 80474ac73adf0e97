import { expect } from 'chai';
import { createTestContext, dbLabel, type TestContext } from '../support/context.js';
import { agentFor, csrfFrom, signUpResident, startApplication, type Agent } from '../support/http.js';
import { pageBody } from '../support/answers.js';
import { answerAllPages } from '../support/applications.js';
import { formSteps } from '../../workflows/form/form.js';
import { inSentence } from '../../server/routes/form-page.js';

// What a form page says about wrong or missing answers, in Arabic and in English, storing nothing.
describe(`The form runner's messages (${dbLabel})`, () => {
  let ctx: TestContext;
  let agent: Agent;
  beforeEach(async () => {
    ctx = await createTestContext();
    agent = agentFor(ctx.app);
    await signUpResident(agent);
  });
  afterEach(() => ctx.close());

  /** The answers the application holds now. */
  const stored = async (id: number) =>
    JSON.parse((await ctx.services.applications.findById(id))!.form_data) as Record<string, unknown>;

  it('when a page has invalid answers, then an error summary links to each field, values are kept and nothing is stored', async () => {
    const definition = ctx.services.registry.latest('residence-certificate')!;
    const id = await startApplication(agent, definition.slug);
    const before = await stored(id);
    const form = await agent.get(`/applications/${id}/form/0`);
    const res = await agent
      .post(`/applications/${id}/form/0`)
      .type('form')
      .send(pageBody(definition, 0, csrfFrom(form.text), { cpr: '12', mobile: 'x' }));
    expect(res.status).to.equal(400);
    expect(res.text).to.match(/<title>خطأ: /);
    expect(res.text).to.contain('href="#cpr"').and.contain('href="#mobile"');
    expect(res.text).to.contain('يجب أن يتكوّن «الرقم الشخصي» من 9 أرقام');
    expect(res.text).to.contain('value="12"');
    expect(await stored(id)).to.deep.equal(before);
  });

  it('when a refund’s IBAN is mistyped, then the page says so in Arabic and in English and stores nothing; a right one is stored compact and shown in groups of four', async () => {
    const definition = ctx.services.registry.latest('insurance-refund')!;
    expect(definition.fields.find((f) => f.key === 'iban')!.type).to.equal('iban');
    const id = await startApplication(agent, definition.slug);
    await answerAllPages(ctx, agent, definition, id);
    const page = formSteps(definition).indexOf(definition.fields.find((f) => f.key === 'iban')!.step);
    const before = await stored(id);
    const post = async (iban: string) => {
      const form = await agent.get(`/applications/${id}/form/${page}`);
      return agent
        .post(`/applications/${id}/form/${page}`)
        .type('form')
        .send(pageBody(definition, page, csrfFrom(form.text), { iban }));
    };

    const mistyped = await post('BH67 BMAG 0000 1299 1234 57');
    expect(mistyped.status).to.equal(400);
    expect(mistyped.text).to.contain('href="#iban"');
    expect(mistyped.text).to.contain('تحقّق من «رقم الحساب المصرفي الدولي (IBAN)»: هناك خانة ناقصة أو زائدة');
    expect(mistyped.text).to.contain('value="BH67 BMAG 0000 1299 1234 57"');
    expect(await stored(id)).to.deep.equal(before);

    await agent.get('/lang/en');
    const foreign = await post('GB82 WEST 1234 5698 7654 32');
    expect(foreign.status).to.equal(400);
    expect(foreign.text).to.contain('must be a Bahraini IBAN of 22 characters starting with BH');
    expect(await stored(id)).to.deep.equal(before);

    expect((await post('bh67 bmag 0000 1299 1234 56')).status).to.equal(303);
    expect((await stored(id)).iban).to.equal('BH67BMAG00001299123456');
    const check = await agent.get(`/applications/${id}/check`);
    expect(check.text).to.contain('BH67 BMAG 0000 1299 1234 56');
  });

  it('when required answers are left out in English, then each message reads as a sentence: a choice by its quoted question, a document by its name', async () => {
    const definition = ctx.services.registry.latest('insurance-refund')!;
    const id = await startApplication(agent, definition.slug);
    await agent.get('/lang/en');
    const pageOf = (key: string) =>
      formSteps(definition).indexOf(definition.fields.find((f) => f.key === key)!.step);
    const empty = async (page: number, blank: Record<string, string>) => {
      const form = await agent.get(`/applications/${id}/form/${page}`);
      return agent
        .post(`/applications/${id}/form/${page}`)
        .type('form')
        .send(pageBody(definition, page, csrfFrom(form.text), blank));
    };
    const first = await empty(pageOf('payer'), { payer: '', applicantName: '' });
    expect(first.status).to.equal(400);
    expect(first.text).to.contain('Choose an answer for “The deposit was paid in the name of”');
    expect(first.text).to.contain('Fill in “Applicant’s name”');
    const files = await empty(pageOf('depositReceiptFile'), {});
    expect(files.status).to.equal(400);
    expect(files.text).to.contain('Upload the deposit receipt').and.contain('Upload the IBAN certificate');
  });

  it('when a part of an address is wrong in English, then the message names the address inside the sentence', async () => {
    const definition = ctx.services.registry.latest('residence-certificate')!;
    const id = await startApplication(agent, definition.slug);
    await agent.get('/lang/en');
    const page = formSteps(definition).indexOf(definition.fields.find((f) => f.key === 'address')!.step);
    const form = await agent.get(`/applications/${id}/form/${page}`);
    const res = await agent
      .post(`/applications/${id}/form/${page}`)
      .type('form')
      .send(
        pageBody(definition, page, csrfFrom(form.text), {
          address: { flat: '', building: '12345', road: '4321', block: '338', area: 'Adliya' },
        }),
      );
    expect(res.status).to.equal(400);
    expect(res.text).to.contain('Enter the building number of the home address (up to 4 digits');
  });

  it('when a label is put inside an English sentence, then it starts in lower case unless it starts with an abbreviation', () => {
    expect(inSentence('Deposit receipt')).to.equal('deposit receipt');
    expect(inSentence('IBAN certificate')).to.equal('IBAN certificate');
    expect(inSentence('CPR number')).to.equal('CPR number');
    expect(inSentence('Contractor’s CR')).to.equal('contractor’s CR');
    expect(inSentence('صورة')).to.equal('صورة');
  });
  it('when a date is typed as day, month and year, then it is stored as YYYY-MM-DD and shown again in its boxes; an impossible one is refused in Arabic and English, its link leading to the day, the boxes kept as typed and nothing stored', async () => {
    const definition = ctx.services.registry.latest('residence-certificate')!;
    const id = await startApplication(agent, definition.slug);
    await answerAllPages(ctx, agent, definition, id);
    const post = async (residentSince: Record<string, string>) => {
      const form = await agent.get(`/applications/${id}/form/1`);
      return agent
        .post(`/applications/${id}/form/1`)
        .type('form')
        .send(pageBody(definition, 1, csrfFrom(form.text), { residentSince }));
    };

    // Arabic-Indic digits and a one-digit day and month, as people type them.
    expect((await post({ day: '٧', month: '3', year: '٢٠٢٤' })).status).to.equal(303);
    expect((await stored(id)).residentSince).to.equal('2024-03-07');
    const again = await agent.get(`/applications/${id}/form/1`);
    for (const [part, value] of [
      ['day', '07'],
      ['month', '03'],
      ['year', '2024'],
    ])
      expect(again.text).to.match(
        new RegExp(`id="residentSince-${part}" name="residentSince.${part}"\\s+value="${value}"`),
      );

    const before = await stored(id);
    for (const lang of ['ar', 'en'] as const) {
      await agent.get(`/lang/${lang}`);
      const res = await post({ day: '31', month: '2', year: '2024' });
      expect(res.status).to.equal(400);
      expect(res.text).to.contain('href="#residentSince-day"');
      expect(res.text).to.contain(
        lang === 'ar'
          ? 'يجب أن يكون «تاريخ بدء السكن في العنوان» تاريخًا صحيحًا'
          : 'Living at this address since must be a real date',
      );
      expect(res.text).to.match(/name="residentSince.day"\s+value="31"/);
      expect(res.text).to.match(/name="residentSince.month"\s+value="02"/);
    }
    // A year of two digits is not a year.
    expect((await post({ day: '7', month: '3', year: '24' })).status).to.equal(400);
    expect(await stored(id)).to.deep.equal(before);
  });
});
