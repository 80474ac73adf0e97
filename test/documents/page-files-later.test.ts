import fs from 'node:fs';
import { expect } from 'chai';
import { createTestContext, dbLabel, type TestContext } from '../support/context.js';
import { agentFor, csrfFrom, signUpResident, type Agent } from '../support/http.js';
import { pageBody } from '../support/answers.js';
import { draftThroughPages } from '../support/applications.js';
import { EICAR, PDF, PNG, requireClamd } from '../support/clamav.js';

describe(`Files sent with a later form page: the residence certificate's documents page (${dbLabel})`, () => {
  let ctx: TestContext;
  let agent: Agent;
  const SLUG = 'residence-certificate';
  before(requireClamd);
  beforeEach(async () => {
    ctx = await createTestContext();
    agent = agentFor(ctx.app);
    await signUpResident(agent);
  });
  afterEach(() => ctx.close());

  const documents = () =>
    ctx
      .db('documents')
      .select<{ requirement_key: string; original_name: string }[]>('requirement_key', 'original_name')
      .orderBy('id');
  const storedFiles = () => fs.readdirSync(ctx.config.uploadDir);

  /** A draft with pages 1 and 2 answered, on its third page. */
  async function draftOnFilesPage() {
    const { id } = await draftThroughPages(agent, ctx.services.catalogue.find(SLUG)!, 2);
    const page = await agent.get(`/applications/${id}/form/2`);
    return { id, page, token: csrfFrom(page.text) };
  }

  /** Page 3 sent as its form sends it: the action and the chosen files, per field. */
  function sendFilesPage(id: number, token: string, action: string, files: [string, Buffer, string][]) {
    const req = agent.post(`/applications/${id}/form/2`).field('_csrf', token).field('action', action);
    for (const [field, data, name] of files) req.attach(field, data, name);
    return req;
  }

  it('when the documents page is continued with its files, then all are stored and the check page follows', async () => {
    const { id, page, token } = await draftOnFilesPage();
    expect(page.text).to.contain('enctype="multipart/form-data"');
    expect(page.text).to.match(/id="tenancyProofFile"[^>]*multiple/);
    const res = await sendFilesPage(id, token, 'continue', [
      ['cprCopyFile', PDF, 'front.pdf'],
      ['cprCopyFile', PNG, 'back.png'],
      ['tenancyProofFile', PDF, 'lease.pdf'],
    ]);
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.equal(`/applications/${id}/check`);
    const rows = await documents();
    expect(rows.map((d) => `${d.requirement_key}:${d.original_name}`)).to.deep.equal([
      'cprCopy:front.pdf',
      'cprCopy:back.png',
      'tenancyProof:lease.pdf',
    ]);
    expect(storedFiles()).to.have.length(3);
    // Shown back on the page, each with its own "Remove".
    const again = await agent.get(`/applications/${id}/form/2`);
    expect(again.text)
      .to.contain('back.png')
      .and.match(/name="cprCopyFile\.remove" value="\d+"/);
  });

  it('when one field’s file is refused, then the other field’s good file is not stored either', async () => {
    const { id, token } = await draftOnFilesPage();
    const res = await sendFilesPage(id, token, 'continue', [
      ['cprCopyFile', PDF, 'front.pdf'],
      ['tenancyProofFile', EICAR, 'lease.pdf'],
    ]);
    expect(res.status).to.equal(422);
    expect(await documents()).to.have.length(0);
    expect(storedFiles()).to.have.length(0);
  });

  it('when files already stored and new ones pass the requirement’s count, then 413 and nothing more is stored', async () => {
    const { id, token } = await draftOnFilesPage();
    await sendFilesPage(id, token, 'save', [['cprCopyFile', PDF, 'front.pdf']]);
    const res = await sendFilesPage(id, token, 'continue', [
      ['cprCopyFile', PDF, 'b.pdf'],
      ['cprCopyFile', PDF, 'c.pdf'],
      ['tenancyProofFile', PDF, 'lease.pdf'],
    ]);
    expect(res.status).to.equal(413);
    expect((await documents()).map((d) => d.original_name)).to.deep.equal(['front.pdf']);
  });

  it('when a form page without file fields is sent as multipart, then its answers save as from a plain form', async () => {
    const { id, token } = await draftOnFilesPage();
    const definition = ctx.services.catalogue.find(SLUG)!;
    const fields = new URLSearchParams(pageBody(definition, 0, token, { applicantName: 'Fatima A. Hasan' }));
    const req = agent.post(`/applications/${id}/form/0`);
    for (const [key, value] of fields) req.field(key, value);
    const res = await req;
    expect(res.status).to.equal(303);
    const row = await ctx.db('applications').where({ id }).first();
    expect(JSON.parse(row.form_data as string).applicantName).to.equal('Fatima A. Hasan');
  });
});
