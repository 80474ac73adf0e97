import { expect } from 'chai';
import request from 'supertest';
import { createTestContext, dbLabel, type TestContext } from '../support/context.js';
import { agentFor, signIn, VALID_PASSWORD } from '../support/http.js';
import { makeResident, makeStaff } from '../support/people.js';
import { newReference } from '../../server/services/reference.js';

describe(`Report pages, CSV, the stats API and open data (${dbLabel})`, () => {
  let ctx: TestContext;
  const references: string[] = [];
  before(async () => {
    ctx = await createTestContext();
    const applicant = await makeResident(ctx, 'Maryam Secret-Name');
    for (const [slug, municipality] of [
      ['residence-certificate', 'capital'],
      ['residence-certificate', 'capital'],
      ['excavation-permit', 'muharraq'],
    ] as const) {
      const draft = await ctx.services.applications.createDraft({
        serviceSlug: slug,
        applicantId: applicant.id,
        municipality,
      });
      const reference = newReference(slug, 2026);
      references.push(reference);
      await ctx.services.applyEvent({
        applicationId: draft.id,
        event: { type: 'SUBMIT' },
        actor: { role: 'applicant', userId: applicant.id },
        extra: { reference },
      });
    }
  });
  after(() => ctx.close());

  async function supervisorOf(municipality: string) {
    const s = await makeStaff(ctx, 'supervisor', municipality);
    const agent = agentFor(ctx.app);
    await signIn(agent, s.email, VALID_PASSWORD);
    return agent;
  }

  it('when a supervisor opens the dashboard, then it shows only their municipality, whatever the address asks', async () => {
    const agent = await supervisorOf('capital');
    const res = await agent.get('/reports?municipality=muharraq');
    expect(res.status).to.equal(200);
    expect(res.text).to.contain('شهادة إثبات السكن').and.not.contain('رخصة حفريات');
    expect(res.text).to.match(/قُدّم 2 طلبًا/);
  });

  it('when the table is exported, then the CSV starts with a BOM and keeps the Arabic names', async () => {
    const agent = await supervisorOf('capital');
    const res = await agent
      .get('/reports.csv')
      .buffer(true)
      .parse((r, done) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => done(null, Buffer.concat(chunks)));
      });
    const body = res.body as Buffer;
    expect(res.headers['content-type']).to.contain('text/csv');
    expect([...body.subarray(0, 3)]).to.deep.equal([0xef, 0xbb, 0xbf]);
    const text = body.toString('utf8');
    expect(text).to.contain('شهادة إثبات السكن,2,100');
    // The page's column headings, in its words, with the overdue count staff see on it.
    const page = await agent.get('/reports');
    const headings = [...page.text.matchAll(/<th scope="col">([^<]+)<\/th>/g)].map((m) => m[1]);
    const csvHeadings = text.slice(1).split('\r\n')[0]!.split(',');
    expect(csvHeadings).to.deep.equal(headings.slice(0, csvHeadings.length));
    expect(csvHeadings.at(-1)).to.equal('المتأخرة الآن');
  });

  it('when anyone opens the open-data page, the CSV or the stats API, then they see counts and no personal data', async () => {
    const page = await request(ctx.app).get('/open-data');
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('رخصة حفريات').and.contain('شهادة إثبات السكن');
    const api = await request(ctx.app).get('/api/v1/stats');
    expect(api.body.total).to.equal(3);
    for (const body of [page.text, JSON.stringify(api.body)]) {
      expect(body).not.to.contain('Maryam').and.not.contain('Secret-Name');
      for (const reference of references) expect(body).not.to.contain(reference);
    }
    const muharraq = await request(ctx.app).get('/api/v1/stats?municipality=muharraq');
    expect(muharraq.body.total).to.equal(1);
  });

  it('when a period is reversed or a date is malformed, then the answer is a clear 400 or the default period', async () => {
    expect((await request(ctx.app).get('/api/v1/stats?from=2026-12-01&to=2026-11-01')).status).to.equal(400);
    expect((await request(ctx.app).get('/api/v1/stats?from=yesterday')).status).to.equal(200);
  });

  it('when a reviewer or a resident opens the dashboard, then it is refused with 403', async () => {
    const reviewer = await makeStaff(ctx, 'reviewer', 'capital');
    const agent = agentFor(ctx.app);
    await signIn(agent, reviewer.email, VALID_PASSWORD);
    expect((await agent.get('/reports')).status).to.equal(403);
  });
});
