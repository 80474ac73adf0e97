import { expect } from 'chai';
import request from 'supertest';
import { createTestContext, dbLabel, type TestContext } from '../support/context.js';
import { agentFor, csrfFrom, signUpResident, tokenFor, type Agent } from '../support/http.js';
import { pageBody } from '../support/answers.js';
import { makeStaff } from '../support/people.js';
import { loadRegistry } from '../../server/boot.js';
import { formSteps } from '../../workflows/form/form.js';
import type { Registry } from '../../workflows/registry.js';
import { servicesDirWith, shopSignPermit, signedIn, workflowsImport } from './support.js';

describe(`One file adds a service (${dbLabel})`, () => {
  let ctx: TestContext;
  let registry: Registry;
  let cleanup: () => void;

  before(async () => {
    // The new file is written into a services directory that holds every released service.
    const withNew = servicesDirWith((dir) => ({
      'shop-sign-permit.ts': shopSignPermit(workflowsImport(dir)),
    }));
    cleanup = withNew.cleanup;
    registry = await loadRegistry(withNew.dir);
  });
  after(() => cleanup());

  beforeEach(async () => {
    ctx = await createTestContext({ registry });
  });
  afterEach(() => ctx.close());

  it('when a definition file is added to the services directory, then it loads beside the released services', () => {
    expect(registry.latest('shop-sign-permit')?.version).to.equal(1);
    expect(registry.latest('residence-certificate')).to.not.equal(undefined);
  });

  it('when the file is added, then the catalogue, the guide and the open API list the service', async () => {
    const catalogue = await request(ctx.app).get('/services?q=sign');
    expect(catalogue.text).to.contain('href="/services/shop-sign-permit"');
    const guide = await request(ctx.app).get('/services/shop-sign-permit').set('Cookie', 'lang=en');
    expect(guide.status).to.equal(200);
    expect(guide.text).to.contain('Shop sign permit');
    const api = await request(ctx.app).get('/api/v1/services');
    expect(api.status).to.equal(200);
    const listed = (api.body as { services: { slug: string; fee: { amount: number } }[] }).services;
    expect(listed.find((s) => s.slug === 'shop-sign-permit')?.fee.amount).to.equal(15);
    expect((await request(ctx.app).get('/api/v1/services/shop-sign-permit')).body).to.include({
      slug: 'shop-sign-permit',
      slaDays: 4,
    });
  });

  it('when a resident applies over HTTP, then the application reaches the back-office queue with the workflow’s actions, and shows in the reports', async () => {
    const definition = registry.latest('shop-sign-permit')!;
    const agent: Agent = agentFor(ctx.app);
    await signUpResident(agent);
    const token = await tokenFor(agent, '/services/shop-sign-permit');
    const started = await agent.post('/services/shop-sign-permit/apply').type('form').send({ _csrf: token });
    expect(started.status).to.equal(303);
    const id = Number(/\/applications\/(\d+)\//.exec(started.headers.location as string)?.[1]);
    for (let page = 0; page < formSteps(definition).length; page++) {
      const form = await agent.get(`/applications/${id}/form/${page}`);
      expect(form.status, `page ${page}`).to.equal(200);
      const saved = await agent
        .post(`/applications/${id}/form/${page}`)
        .type('form')
        .send(pageBody(definition, page, csrfFrom(form.text)));
      expect(saved.status, `page ${page}`).to.equal(303);
    }
    const check = await agent.get(`/applications/${id}/check`);
    const submitted = await agent
      .post(`/applications/${id}/submit`)
      .type('form')
      .send({ _csrf: csrfFrom(check.text) });
    expect(submitted.status).to.equal(303);
    const row = (await ctx.services.applications.findById(id))!;
    expect(row.status).to.equal('submitted');
    expect(row.reference).to.be.a('string');
    expect(row.municipality).to.equal('capital');

    const reviewer = await makeStaff(ctx, 'reviewer');
    const staff = await signedIn(ctx, reviewer);
    const queue = await staff.get('/backoffice');
    expect(queue.text).to.contain(row.reference!);
    const claim = await staff
      .post(`/backoffice/applications/${id}/claim`)
      .type('form')
      .send({ _csrf: csrfFrom(queue.text) });
    expect(claim.status).to.equal(303);
    const page = await staff.get(`/backoffice/applications/${id}`);
    for (const action of ['ACCEPT', 'REJECT', 'REQUEST_INFO'])
      expect(page.text).to.contain(`id="action-${action}"`);
    const accepted = await staff
      .post(`/backoffice/applications/${id}/events/ACCEPT`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text) });
    expect(accepted.status).to.equal(303);
    // The workflow's fee option: approval waits for the fee.
    expect((await ctx.services.applications.findById(id))!.state).to.equal('awaiting_payment');

    const report = await ctx.services.stats.report({
      ...ctx.services.stats.defaultPeriod(),
      municipality: null,
    });
    const line = report.services.find((s) => s.slug === 'shop-sign-permit');
    expect(line?.count).to.equal(1);
    expect(line?.name.en).to.equal('Shop sign permit');
  });
});
