import { expect } from 'chai';
import request from 'supertest';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { createTestContext, dbLabel, type TestContext } from '../support/context.js';
import { makeResident, makeStaff, type Person } from '../support/people.js';
import type { Agent } from '../support/http.js';
import { act, issueToken, nationalAdmin, signedIn, submitted } from './partner-support.js';

// ajv-formats is CommonJS: its default export arrives wrapped once more under ESM.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
  addFormatsModule) as unknown as (ajv: Ajv2020) => void;

type Doc = {
  openapi: string;
  paths: Record<
    string,
    Record<
      string,
      {
        operationId: string;
        responses: Record<string, { content?: Record<string, { schema: { $ref?: string } }> }>;
      }
    >
  >;
  components: { schemas: Record<string, unknown> };
  webhooks: Record<string, unknown>;
};

const DOC_ID = 'https://portal.test/openapi.json';

describe(`The OpenAPI document (${dbLabel})`, () => {
  let ctx: TestContext;
  let doc: Doc;
  let ajv: Ajv2020;
  let admin: Agent;
  let applicant: Person;

  beforeEach(async () => {
    ctx = await createTestContext({ limits: { api: { windowMs: 60_000, limit: 40 } } });
    const res = await request(ctx.app).get('/api/v1/openapi.json');
    expect(res.status).to.equal(200);
    doc = res.body as Doc;
    ajv = new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true });
    addFormats(ajv);
    ajv.addKeyword('components');
    ajv.addSchema({ $id: DOC_ID, components: doc.components });
    admin = await signedIn(ctx, await nationalAdmin(ctx));
    applicant = await makeResident(ctx, 'Maryam Hasan Ali');
  });
  afterEach(() => ctx.close());

  /** Validates a real response against what the document says for that path, method and status. */
  function expectMatches(path: string, method: string, res: request.Response) {
    const operation = doc.paths[path]?.[method];
    expect(operation, `${method} ${path} is documented`).to.not.equal(undefined);
    const response = operation!.responses[String(res.status)];
    expect(response, `${method} ${path} documents status ${res.status}`).to.not.equal(undefined);
    const ref = response!.content?.['application/json']?.schema.$ref;
    if (!ref) {
      expect(res.text ?? '').to.equal('');
      return;
    }
    const validate = ajv.compile({ $ref: `${DOC_ID}${ref}` });
    const ok = validate(res.body);
    expect(ok, `${method} ${path} ${res.status}: ${ajv.errorsText(validate.errors)}`).to.equal(true);
  }

  it('when the document is read, then it is OpenAPI 3.1 describing every endpoint and webhook, and every schema compiles', () => {
    expect(doc.openapi).to.equal('3.1.0');
    expect(Object.keys(doc.paths).sort()).to.deep.equal([
      '/api/v1/applications/{reference}',
      '/api/v1/certificates/{code}',
      '/api/v1/openapi.json',
      '/api/v1/services',
      '/api/v1/services/{slug}',
      '/api/v1/stats',
      '/api/v1/webhooks',
      '/api/v1/webhooks/{id}',
    ]);
    expect(Object.keys(doc.webhooks)).to.have.members([
      'application.submitted',
      'application.decided',
      'certificate.issued',
      'certificate.revoked',
    ]);
    for (const name of Object.keys(doc.components.schemas)) {
      expect(() => ajv.compile({ $ref: `${DOC_ID}#/components/schemas/${name}` }), name).not.to.throw();
    }
    const ids = Object.values(doc.paths).flatMap((item) => Object.values(item).map((op) => op.operationId));
    expect(new Set(ids).size).to.equal(ids.length);
  });

  it('when each endpoint is called for real, then its responses, successes and errors, match the document', async () => {
    const reviewer = await makeStaff(ctx, 'reviewer', 'capital');
    const all = await issueToken(admin, { scopes: ['applications:read', 'certificates:read', 'webhooks'] });
    const narrow = await issueToken(admin, {
      scopes: ['applications:read'],
      services: ['zoning-certificate'],
    });
    const { id, reference } = await submitted(ctx, applicant);
    const other = await submitted(ctx, applicant);
    const staff = await signedIn(ctx, reviewer);
    await act(staff, id, 'START_REVIEW');
    expect((await act(staff, id, 'ACCEPT')).status).to.equal(303);
    await act(staff, other.id, 'START_REVIEW');
    await act(staff, other.id, 'REQUEST_INFO', { comment: 'Please upload a clearer lease.' });
    while ((await ctx.services.outbox.runOnce()) > 0);
    const get = (path: string, token?: string) => {
      const r = request(ctx.app).get(path);
      return token ? r.set('Authorization', `Bearer ${token}`) : r;
    };

    expectMatches('/api/v1/services', 'get', await get('/api/v1/services'));
    expectMatches('/api/v1/services', 'get', await get('/api/v1/services', all));
    expectMatches('/api/v1/services/{slug}', 'get', await get('/api/v1/services/residence-certificate'));
    expectMatches('/api/v1/services/{slug}', 'get', await get('/api/v1/services/nope'));
    expectMatches('/api/v1/stats', 'get', await get('/api/v1/stats'));
    expectMatches(
      '/api/v1/stats',
      'get',
      await get('/api/v1/stats?municipality=capital&from=2026-11-01&to=2026-11-30', all),
    );
    expectMatches('/api/v1/stats', 'get', await get('/api/v1/stats?from=2026-12-01&to=2026-11-01'));
    expectMatches('/api/v1/stats', 'get', await get('/api/v1/stats', 'mep_forged'));

    const accepted = await get(`/api/v1/applications/${reference}`, all);
    expect(accepted.body.status.code).to.equal('accepted');
    expect(accepted.body.decidedAt).to.be.a('string');
    expectMatches('/api/v1/applications/{reference}', 'get', accepted);
    const waiting = await get(`/api/v1/applications/${other.reference}`, all);
    expect(waiting.body.status.label.en).to.equal('Waiting on the applicant');
    expect(JSON.stringify(waiting.body)).not.to.contain('clearer lease');
    expectMatches('/api/v1/applications/{reference}', 'get', waiting);
    for (const res of [
      await get(`/api/v1/applications/${reference}`),
      await get(`/api/v1/applications/${reference}`, narrow),
      await get('/api/v1/applications/RC-2026-ZZZZZZ', all),
    ]) {
      expectMatches('/api/v1/applications/{reference}', 'get', res);
    }

    const unknown = await get('/api/v1/certificates/tampered-code-000000000', all);
    expect(unknown.body).to.deep.equal({ status: 'unknown' });
    expectMatches('/api/v1/certificates/{code}', 'get', unknown);
    expectMatches('/api/v1/certificates/{code}', 'get', await get('/api/v1/certificates/x', narrow));
    const issued = await ctx.db('certificates').where({ application_id: id }).first();
    expect(issued, 'accepting the residence certificate issued one').to.not.equal(undefined);
    const valid = await get(`/api/v1/certificates/${issued.code as string}`, all);
    expect(valid.body).to.include({ status: 'valid' });
    expect(valid.body.holderMasked).to.be.a('string').and.not.equal('Maryam Hasan Ali');
    expectMatches('/api/v1/certificates/{code}', 'get', valid);

    const created = await request(ctx.app)
      .post('/api/v1/webhooks')
      .set('Authorization', `Bearer ${all}`)
      .send({ url: 'https://partner.example/hooks', events: ['application.decided', 'certificate.issued'] });
    expectMatches('/api/v1/webhooks', 'post', created);
    expectMatches(
      '/api/v1/webhooks',
      'post',
      await request(ctx.app)
        .post('/api/v1/webhooks')
        .set('Authorization', `Bearer ${all}`)
        .send({ url: 'x' }),
    );
    expectMatches(
      '/api/v1/webhooks',
      'post',
      await request(ctx.app).post('/api/v1/webhooks').set('Authorization', `Bearer ${narrow}`).send({}),
    );
    expectMatches('/api/v1/webhooks', 'get', await get('/api/v1/webhooks', all));
    expectMatches(
      '/api/v1/webhooks/{id}',
      'delete',
      await request(ctx.app)
        .delete(`/api/v1/webhooks/${created.body.id as number}`)
        .set('Authorization', `Bearer ${all}`),
    );
    expectMatches(
      '/api/v1/webhooks/{id}',
      'delete',
      await request(ctx.app).delete('/api/v1/webhooks/424242').set('Authorization', `Bearer ${all}`),
    );
  });

  it('when a token runs past its limit, then the 429 matches the document too', async () => {
    const token = await issueToken(admin, { scopes: ['certificates:read'] });
    let res: request.Response | undefined;
    for (let i = 0; i < 41; i++)
      res = await request(ctx.app)
        .get('/api/v1/services/residence-certificate')
        .set('Authorization', `Bearer ${token}`);
    expect(res!.status).to.equal(429);
    expectMatches('/api/v1/services/{slug}', 'get', res!);
  });

  it('when the API page is opened, then it is rendered from the same document in Arabic and in English', async () => {
    const page = await request(ctx.app).get('/api');
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('واجهة برمجة الخدمات البلدية الإلكترونية').and.contain('حالة الطلب وسجله');
    for (const item of Object.values(doc.paths)) {
      for (const op of Object.values(item)) expect(page.text).to.contain(`id="op-${op.operationId}"`);
    }
    const en = await request(ctx.app).get('/api').set('Cookie', 'lang=en');
    expect(en.text)
      .to.contain('Municipal e-services API')
      .and.contain('An application’s status and timeline');
    expect(en.text).to.contain('X-Webhook-Signature').and.contain('<html lang="en" dir="ltr">');
  });
});
