import { expect } from 'chai';
import { createTestContext, dbLabel, type TestContext } from '../support/context.js';
import {
  agentFor,
  csrfFrom,
  signUpResident,
  startApplication,
  tokenFor,
  uploadDocuments,
  type Agent,
} from '../support/http.js';
import { EICAR, PDF, PNG, fakeExecutable } from '../support/clamav.js';
import type { ServiceDefinition } from '../../workflows/types.js';

// A resident's documents through the application's documents page: stored, downloaded, removed, and
// every way a file is refused (size, count, type from its bytes, malware, someone else's application).
describe(`A resident's documents over HTTP (${dbLabel})`, () => {
  let ctx: TestContext;
  let agent: Agent;
  let definition: ServiceDefinition;

  beforeEach(async () => {
    ctx = await createTestContext();
    agent = agentFor(ctx.app);
    await signUpResident(agent);
    definition = ctx.services.registry.latest('residence-certificate')!;
  });
  afterEach(() => ctx.close());

  const start = (slug = definition.slug) => startApplication(agent, slug);
  const upload = (id: number, requirement: string, files: { name: string; buffer: Buffer }[]) =>
    uploadDocuments(agent, id, requirement, files);
  const storedCount = async (id: number) =>
    Number((await ctx.db('documents').where({ application_id: id }).count({ n: '*' }))[0]?.n);

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
