import fs from 'node:fs/promises';
import { expect } from 'chai';
import { createTestContext, dbLabel, type TestContext } from '../support/context.js';
import {
  agentFor,
  csrfFrom,
  signedIn,
  signIn,
  signUpResident,
  VALID_PASSWORD,
  type Agent,
} from '../support/http.js';
import { makeStaff, type Person } from '../support/people.js';
import { submitted } from '../support/applications.js';
import { EICAR, PDF, PNG, fakeExecutable } from '../support/clamav.js';
import { QUERY_FILES } from '../../server/services/query-files.js';

describe(`Documents sent with a query on a rejection (${dbLabel})`, () => {
  let ctx: TestContext;
  let agent: Agent;
  let resident: Person;
  let reviewer: Person;

  beforeEach(async () => {
    ctx = await createTestContext();
    agent = agentFor(ctx.app);
    await signUpResident(agent);
    const me = await ctx.db('users').where({ cpr: '850101234' }).first();
    resident = { id: Number(me.id), role: 'applicant', email: String(me.email) };
    reviewer = await makeStaff(ctx, 'reviewer');
  });
  afterEach(() => ctx.close());

  async function rejected(): Promise<number> {
    const { id } = await submitted(ctx, resident);
    for (const [type, comment] of [['START_REVIEW'], ['REJECT', 'The lease has expired.']] as const) {
      const result = await ctx.services.applyEvent({
        applicationId: id,
        event: { type, ...(comment ? { comment } : {}) },
        actor: { role: 'reviewer', userId: reviewer.id },
      });
      expect(result.ok, JSON.stringify(result)).to.equal(true);
    }
    return id;
  }

  async function raise(id: number, message: string, files: { name: string; buffer: Buffer }[]) {
    const page = await agent.get(`/applications/${id}`);
    let req = agent
      .post(`/applications/${id}/actions/RAISE_QUERY`)
      .field('_csrf', csrfFrom(page.text))
      .field('message', message);
    for (const f of files) req = req.attach('files', f.buffer, f.name);
    return req;
  }

  const queryDocuments = (id: number) =>
    ctx
      .db('documents')
      .where({ application_id: id, requirement_key: QUERY_FILES.key })
      .orderBy('id')
      .select<{ id: number; original_name: string }[]>('id', 'original_name');
  const filesOnDisk = async () => (await fs.readdir(ctx.services.documents.uploadDir).catch(() => [])).length;
  const statusOf = async (id: number) => (await ctx.services.applications.findById(id))!.status;

  it('when a query is raised with a PDF and a photo, then both are kept with it, listed for the resident and shown to the supervisor who answers', async () => {
    const id = await rejected();
    const form = await agent.get(`/applications/${id}`);
    expect(form.text)
      .to.contain('enctype="multipart/form-data"')
      .and.contain('id="query-files"')
      .and.contain('مستندات تدعم استفسارك');
    const res = await raise(id, 'Here is the renewed lease.', [
      { name: 'عقد-جديد.pdf', buffer: PDF },
      { name: 'receipt.png', buffer: PNG },
    ]);
    expect(res.status).to.equal(303);
    expect(await statusOf(id)).to.equal('queried');
    const rows = await queryDocuments(id);
    expect(rows.map((r) => r.original_name)).to.deep.equal(['عقد-جديد.pdf', 'receipt.png']);
    expect(await filesOnDisk()).to.equal(2);

    const page = await agent.get(`/applications/${id}`);
    expect(page.text).to.contain('المستندات التي أرسلتها مع استفسارك').and.contain('عقد-جديد.pdf');
    const download = await agent.get(`/applications/${id}/documents/${rows[0]!.id}`);
    expect(download.status).to.equal(200);
    expect(download.headers['content-disposition']).to.match(/^attachment;/);

    const supervisor = await signedIn(ctx.app, await makeStaff(ctx, 'supervisor'));
    await supervisor.get('/lang/en');
    const view = await supervisor.get(`/backoffice/applications/${id}`);
    expect(view.text).to.contain('Sent with the query').and.contain('receipt.png');
    expect((await supervisor.get(`/backoffice/applications/${id}/documents/${rows[1]!.id}`)).status).to.equal(
      200,
    );
  });

  for (const [what, file, status, words] of [
    ['the EICAR test file', { name: 'lease.pdf', buffer: EICAR }, 422, 'برمجية خبيثة'],
    ['a renamed executable', { name: 'lease.pdf', buffer: fakeExecutable() }, 415, 'PDF, JPEG, PNG'],
    [
      'a file over the size limit',
      { name: 'big.pdf', buffer: Buffer.concat([PDF, Buffer.alloc(11 * 1024 * 1024, 32)]) },
      413,
      'ميغابايت',
    ],
  ] as const) {
    it(`when ${what} is sent with a query, then it is refused with ${status}, the message is kept and nothing is stored`, async () => {
      const id = await rejected();
      const res = await raise(id, 'Please look again.', [file]);
      expect(res.status).to.equal(status);
      expect(res.text).to.contain(words).and.contain('Please look again.').and.contain('href="#query-files"');
      expect(await statusOf(id)).to.equal('rejected');
      expect(await queryDocuments(id)).to.have.length(0);
      expect(await filesOnDisk()).to.equal(0);
    });
  }

  it('when more files are sent than a query may carry, then it is refused with 413 and the query is not raised', async () => {
    const id = await rejected();
    const files = Array.from({ length: QUERY_FILES.maxFiles + 1 }, (_, i) => ({
      name: `p${i}.pdf`,
      buffer: PDF,
    }));
    const res = await raise(id, 'All of these.', files);
    expect(res.status).to.equal(413);
    expect(res.text).to.contain(`لا يحمل الاستفسار أكثر من ${QUERY_FILES.maxFiles} ملفات`);
    expect(await statusOf(id)).to.equal('rejected');
    expect(await filesOnDisk()).to.equal(0);
  });

  it('when the message is empty but a file is chosen, then the message is asked for, the file must be chosen again and nothing is stored', async () => {
    const id = await rejected();
    const res = await raise(id, '  ', [{ name: 'lease.pdf', buffer: PDF }]);
    expect(res.status).to.equal(400);
    expect(res.text).to.contain('اكتب استفسارك قبل إرساله').and.contain('اختر الملفات مرة أخرى');
    expect(await statusOf(id)).to.equal('rejected');
    expect(await filesOnDisk()).to.equal(0);
  });

  it('when the query window has closed, then a query with a file is refused and the file is not kept', async () => {
    const id = await rejected();
    ctx.clock.advance(40 * 24 * 60 * 60 * 1000);
    await signIn(agent, '850101234', VALID_PASSWORD);
    const page = await agent.get(`/applications/${id}`);
    expect(page.text).not.to.contain('id="query-files"');
    const res = await agent
      .post(`/applications/${id}/actions/RAISE_QUERY`)
      .field('_csrf', csrfFrom(page.text))
      .field('message', 'Late, sorry.')
      .attach('files', PDF, 'lease.pdf');
    expect(res.status).to.equal(303);
    expect((await agent.get(`/applications/${id}`)).text).to.contain('هذا الإجراء غير ممكن');
    expect(await statusOf(id)).to.equal('rejected');
    expect(await filesOnDisk()).to.equal(0);
  });

  it('when a query on an application that was not rejected carries a file, then it is refused and nothing is kept', async () => {
    const { id } = await submitted(ctx, resident);
    const res = await raise(id, 'Why?', [{ name: 'lease.pdf', buffer: PDF }]);
    expect(res.status).to.equal(303);
    expect(await statusOf(id)).to.equal('submitted');
    expect(await filesOnDisk()).to.equal(0);
  });

  it('when a file is sent in a field the query form does not have, then the request is refused with 400', async () => {
    const id = await rejected();
    const page = await agent.get(`/applications/${id}`);
    const res = await agent
      .post(`/applications/${id}/actions/RAISE_QUERY`)
      .field('_csrf', csrfFrom(page.text))
      .field('message', 'See attached.')
      .attach('cprCopy', PDF, 'id.pdf');
    expect(res.status).to.equal(400);
    expect(await statusOf(id)).to.equal('rejected');
  });
});
