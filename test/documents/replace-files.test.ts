import fs from 'node:fs';
import { expect } from 'chai';
import { createTestContext, dbLabel, type TestContext } from '../support/context.js';
import { agentFor, csrfFrom, signedIn, signUpResident, type Agent } from '../support/http.js';
import { makeStaff } from '../support/people.js';
import { draftThroughPages } from '../support/applications.js';
import { EICAR, PDF, PNG, requireClamd } from '../support/clamav.js';

/** Removing and replacing stored files from the form page itself (docs/decisions/0020). */
describe(`Replacing documents on the form page (${dbLabel})`, () => {
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
      .select<{ id: number; requirement_key: string; original_name: string }[]>(
        'id',
        'requirement_key',
        'original_name',
      )
      .orderBy('id');
  const names = async () => (await documents()).map((d) => `${d.requirement_key}:${d.original_name}`);
  const storedFiles = () => fs.readdirSync(ctx.config.uploadDir);
  const idOf = async (name: string) => (await documents()).find((d) => d.original_name === name)!.id;

  /** A draft on its documents page (the third), with a lease, an ID card's two sides and a bill stored. */
  async function draftWithFiles() {
    const { id, token } = await draftThroughPages(agent, ctx.services.catalogue.find(SLUG)!, 2);
    const stored = await send(id, token, 'save', [
      ['cprCopyFile', PDF, 'front.pdf'],
      ['cprCopyFile', PNG, 'back.png'],
      ['tenancyProofFile', PDF, 'old-lease.pdf'],
      ['electricityBillFile', PDF, 'old-bill.pdf'],
    ]);
    expect(stored.status).to.equal(303);
    return { id, token };
  }

  function send(
    id: number,
    token: string,
    action: string,
    files: [string, Buffer, string][],
    remove: [string, number][] = [],
  ) {
    const req = agent.post(`/applications/${id}/form/2`).field('_csrf', token).field('action', action);
    for (const [field, docId] of remove) req.field(`${field}.remove`, String(docId));
    for (const [field, data, name] of files) req.attach(field, data, name);
    return req;
  }

  it('when a stored file is ticked "Remove" and a new one chosen, then the new one takes its place and the old file is deleted', async () => {
    const { id, token } = await draftWithFiles();
    const page = await agent.get(`/applications/${id}/form/2`);
    const lease = await idOf('old-lease.pdf');
    expect(page.text).to.contain(`name="tenancyProofFile.remove" value="${lease}"`).and.contain('إزالة');
    const res = await send(
      id,
      token,
      'continue',
      [['tenancyProofFile', PDF, 'new-lease.pdf']],
      [['tenancyProofFile', lease]],
    );
    expect(res.status).to.equal(303);
    expect(await names()).to.deep.equal([
      'cprCopy:front.pdf',
      'cprCopy:back.png',
      'electricityBill:old-bill.pdf',
      'tenancyProof:new-lease.pdf',
    ]);
    expect(storedFiles()).to.have.length(4);
    const check = await agent.get(`/applications/${id}/check`);
    expect(check.text).to.contain('new-lease.pdf').and.not.contain('old-lease.pdf');
  });

  it('when a one-file document gets a new file, then it replaces the stored one without a tick', async () => {
    const { id, token } = await draftWithFiles();
    const page = await agent.get(`/applications/${id}/form/2`);
    expect(page.text).not.to.contain('name="electricityBillFile.remove"');
    expect(page.text).to.contain('لاستبداله اختر الملف الجديد');
    const res = await send(id, token, 'continue', [['electricityBillFile', PNG, 'new-bill.png']]);
    expect(res.status).to.equal(303);
    expect((await names()).filter((n) => n.startsWith('electricityBill'))).to.deep.equal([
      'electricityBill:new-bill.png',
    ]);
    expect(storedFiles()).to.have.length(4);
  });

  it('when a full document gets a new file without a tick, then 413 and nothing changes', async () => {
    const { id, token } = await draftWithFiles();
    const res = await send(id, token, 'continue', [['cprCopyFile', PDF, 'third.pdf']]);
    expect(res.status).to.equal(413);
    expect(res.text).to.contain('إزالة');
    expect(await names()).to.have.length(4);
    expect(storedFiles()).to.have.length(4);
  });

  it('when the only file of a required document is removed without a new one, then the page asks for it and keeps the file and the tick', async () => {
    const { id, token } = await draftWithFiles();
    const lease = await idOf('old-lease.pdf');
    const res = await send(id, token, 'continue', [], [['tenancyProofFile', lease]]);
    expect(res.status).to.equal(400);
    expect(res.text).to.match(new RegExp(`value="${lease}" id="tenancyProofFile-remove-${lease}" checked`));
    expect(await names()).to.include('tenancyProof:old-lease.pdf');
  });

  it('when the new file is refused, then the ticked file is kept', async () => {
    const { id, token } = await draftWithFiles();
    const lease = await idOf('old-lease.pdf');
    const res = await send(
      id,
      token,
      'continue',
      [['tenancyProofFile', EICAR, 'new-lease.pdf']],
      [['tenancyProofFile', lease]],
    );
    expect(res.status).to.equal(422);
    expect(await names()).to.include('tenancyProof:old-lease.pdf');
    expect(storedFiles()).to.have.length(4);
  });

  it('when a tick names another field’s file, another application’s file or no file, then nothing is removed, and a tick that is no id is refused with 400', async () => {
    const { id, token } = await draftWithFiles();
    const front = await idOf('front.pdf');
    const res = await send(
      id,
      token,
      'continue',
      [],
      [
        ['tenancyProofFile', front],
        ['tenancyProofFile', 999999],
      ],
    );
    expect(res.status).to.equal(303);
    expect(await names()).to.have.length(4);
    const bad = await agent
      .post(`/applications/${id}/form/2`)
      .field('_csrf', token)
      .field('action', 'continue')
      .field('tenancyProofFile.remove', '1 OR 1=1');
    expect(bad.status).to.equal(400);
    expect(await names()).to.have.length(4);
  });

  it('when more information is requested, then the resident replaces the document the reviewer asked about and resends it, and the reviewer sees only the new one', async () => {
    const { id, token } = await draftWithFiles();
    const check = await agent.get(`/applications/${id}/check`);
    expect(
      (
        await agent
          .post(`/applications/${id}/submit`)
          .type('form')
          .send({ _csrf: csrfFrom(check.text) })
      ).status,
    ).to.equal(303);
    const reviewer = await makeStaff(ctx, 'reviewer');
    for (const [type, comment] of [['START_REVIEW'], ['REQUEST_INFO', 'The lease has expired.']] as const) {
      const result = await ctx.services.applyEvent({
        applicationId: id,
        event: { type, ...(comment ? { comment } : {}) },
        actor: { role: 'reviewer', userId: reviewer.id },
      });
      expect(result.ok).to.equal(true);
    }
    const lease = await idOf('old-lease.pdf');
    const res = await send(
      id,
      token,
      'continue',
      [['tenancyProofFile', PDF, 'renewed-lease.pdf']],
      [['tenancyProofFile', lease]],
    );
    expect(res.status).to.equal(303);
    const again = await agent.get(`/applications/${id}/check`);
    expect(again.text).to.contain('renewed-lease.pdf').and.not.contain('old-lease.pdf');
    const sent = await agent
      .post(`/applications/${id}/submit`)
      .type('form')
      .send({ _csrf: csrfFrom(again.text) });
    expect(sent.status).to.equal(303);
    expect((await ctx.services.applications.findById(id))!.status).to.equal('in_review');
    const view = await (await signedIn(ctx.app, reviewer)).get(`/backoffice/applications/${id}`);
    expect(view.text).to.contain('renewed-lease.pdf').and.not.contain('old-lease.pdf');
    expect(storedFiles()).to.have.length(4);
  });
});
