import { createHash } from 'node:crypto';
import { expect } from 'chai';
import request from 'supertest';
import { createTestContext, dbLabel, type TestContext } from '../support/context.js';
import { csrfFrom, type Agent } from '../support/http.js';
import { makeResident, makeStaff, type Person } from '../support/people.js';
import { act, issueToken, nationalAdmin, signedIn, submitted } from './partner-support.js';

describe(`Partner API tokens (${dbLabel})`, () => {
  let ctx: TestContext;
  let admin: Agent;
  let applicant: Person;
  let reviewer: Person;

  beforeEach(async () => {
    ctx = await createTestContext({ limits: { api: { windowMs: 60_000, limit: 3 } } });
    admin = await signedIn(ctx, await nationalAdmin(ctx));
    applicant = await makeResident(ctx);
    reviewer = await makeStaff(ctx, 'reviewer', 'capital');
  });
  afterEach(() => ctx.close());

  const get = (path: string, token?: string) => {
    const r = request(ctx.app).get(path);
    return token === undefined ? r : r.set('Authorization', `Bearer ${token}`);
  };

  it('when an administrator issues a token, then it is shown once, not cached, and only its SHA-256 is stored', async () => {
    const page = await admin.get('/admin/api');
    const res = await admin
      .post('/admin/api/tokens')
      .type('form')
      .send(
        new URLSearchParams([
          ['_csrf', csrfFrom(page.text)],
          ['name', 'Ministry of Justice'],
          ['scopes', 'applications:read'],
          ['scopes', 'certificates:read'],
          ['allServices', 'yes'],
          ['lifetime', '90'],
        ]).toString(),
      );
    expect(res.status).to.equal(200);
    expect(res.headers['cache-control']).to.equal('no-store');
    const token = /id="new-token">([^<]+)</.exec(res.text)![1]!;
    expect(token).to.match(/^mep_[A-Za-z0-9_-]{43}$/);
    const rows = await ctx.db('api_tokens');
    expect(rows).to.have.length(1);
    expect(rows[0].token_hash).to.equal(createHash('sha256').update(token).digest('hex'));
    expect(JSON.stringify(rows)).not.to.contain(token);
    const again = await admin.get('/admin/api');
    expect(again.text).to.contain('Ministry of Justice').and.contain(token.slice(0, 10));
    expect(again.text).not.to.contain(token);
    expect(again.text).to.contain('قراءة الطلبات').and.contain('لم يُستخدم');
  });

  it('when the token form is posted without its CSRF token, then it is refused with 403 and no token is issued', async () => {
    const res = await admin
      .post('/admin/api/tokens')
      .type('form')
      .send({ name: 'Forged', scopes: 'webhooks', allServices: 'yes', lifetime: '30' });
    expect(res.status).to.equal(403);
    expect(await ctx.db('api_tokens')).to.deep.equal([]);
  });

  it('when someone who is not an administrator opens the API page, then they get 403', async () => {
    const agent = await signedIn(ctx, reviewer);
    expect((await agent.get('/admin/api')).status).to.equal(403);
    expect((await request(ctx.app).get('/admin/api')).status).to.equal(303);
  });

  it('when the token form lacks a name, a scope and a known lifetime, then it says so in Arabic and English and issues nothing', async () => {
    const page = await admin.get('/admin/api');
    const body = { _csrf: csrfFrom(page.text), name: ' ', allServices: 'yes', lifetime: '9999' };
    const res = await admin.post('/admin/api/tokens').type('form').send(body);
    expect(res.status).to.equal(400);
    expect(res.text).to.contain('أدخل اسماً من 2 إلى 120 حرفاً').and.contain('اختر صلاحية واحدة على الأقل');
    await admin.get('/lang/en');
    const en = await admin
      .post('/admin/api/tokens')
      .type('form')
      .send({ ...body, _csrf: csrfFrom((await admin.get('/admin/api')).text) });
    expect(en.text).to.contain('Choose at least one scope').and.contain('Choose how long the token is valid');
    expect(await ctx.db('api_tokens')).to.deep.equal([]);
  });

  it('when a partner reads an application, then it gets its status in plain words in both languages, its dates and a timeline without staff names, and the token’s last use is shown', async () => {
    const token = await issueToken(admin, { scopes: ['applications:read'] });
    const { id, reference } = await submitted(ctx, applicant);
    const staff = await signedIn(ctx, reviewer);
    expect((await act(staff, id, 'START_REVIEW')).status).to.equal(303);

    const res = await get(`/api/v1/applications/${reference.toLowerCase().replace(/-/g, ' ')}`, token);
    expect(res.status).to.equal(200);
    expect(res.body).to.include({ reference, channel: 'web' });
    expect(res.body.status).to.deep.include({
      code: 'in_review',
      label: { ar: 'قيد المراجعة', en: 'In review' },
    });
    expect(res.body.service).to.deep.include({ slug: 'residence-certificate' });
    expect(res.body.municipality.code).to.equal('capital');
    expect(res.body.submittedAt).to.equal('2026-11-22T08:00:00.000Z');
    expect(res.body.decidedAt).to.equal(null);
    expect(res.body.timeline.map((e: { event: string }) => e.event)).to.deep.equal([
      'SUBMIT',
      'START_REVIEW',
    ]);
    expect(res.body.timeline[1].actor).to.deep.equal({
      role: 'reviewer',
      label: { ar: 'مراجع طلبات', en: 'Reviewer' },
    });
    const text = JSON.stringify(res.body);
    const reviewerName = (await ctx.db('users').where({ id: reviewer.id }).first()).name as string;
    expect(text).not.to.contain(reviewerName);
    expect(text).not.to.contain('actor_id');

    const listed = await admin.get('/admin/api');
    expect(listed.text).not.to.contain('لم يُستخدم');
  });

  it('when a request carries no token, a forged one or a malformed header, then it gets 401 with a stable code', async () => {
    const { reference } = await submitted(ctx, applicant);
    const none = await get(`/api/v1/applications/${reference}`);
    expect(none.status).to.equal(401);
    expect(none.body.error).to.include({ code: 'token_missing', status: 401 });
    expect(none.headers['www-authenticate']).to.match(/^Bearer/);
    const forged = await get(`/api/v1/applications/${reference}`, `mep_${'A'.repeat(43)}`);
    expect(forged.status).to.equal(401);
    expect(forged.body.error.code).to.equal('token_invalid');
    const malformed = await request(ctx.app)
      .get(`/api/v1/applications/${reference}`)
      .set('Authorization', 'Basic abc');
    expect(malformed.status).to.equal(401);
    expect(malformed.body.error.code).to.equal('token_invalid');
    expect(ctx.logs.some((l) => l.security === 'api_token_refused')).to.equal(true);
  });

  it('when a token is revoked, then it is refused with 401 token_revoked, and revoking again is 404', async () => {
    const token = await issueToken(admin, { scopes: ['applications:read'] });
    const { reference } = await submitted(ctx, applicant);
    expect((await get(`/api/v1/applications/${reference}`, token)).status).to.equal(200);
    const row = await ctx.db('api_tokens').first();
    const page = await admin.get('/admin/api');
    const res = await admin
      .post(`/admin/api/tokens/${row.id}/revoke`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text) });
    expect(res.status).to.equal(303);
    const after = await get(`/api/v1/applications/${reference}`, token);
    expect(after.status).to.equal(401);
    expect(after.body.error.code).to.equal('token_revoked');
    expect((await admin.get('/admin/api')).text).to.contain('ملغى');
    const twice = await admin
      .post(`/admin/api/tokens/${row.id}/revoke`)
      .type('form')
      .send({ _csrf: csrfFrom((await admin.get('/admin/api')).text) });
    expect(twice.status).to.equal(404);
  });

  it('when a token has expired, then it is refused with 401 token_expired', async () => {
    const token = await issueToken(admin, { scopes: ['applications:read'], lifetime: '30' });
    const { reference } = await submitted(ctx, applicant);
    ctx.clock.advance(29 * 24 * 60 * 60 * 1000);
    expect((await get(`/api/v1/applications/${reference}`, token)).status).to.equal(200);
    ctx.clock.advance(2 * 24 * 60 * 60 * 1000);
    const res = await get(`/api/v1/applications/${reference}`, token);
    expect(res.status).to.equal(401);
    expect(res.body.error.code).to.equal('token_expired');
  });

  it('when a token is used outside its scopes, then it gets 403: without the scope, for another service, or another municipality', async () => {
    const certificatesOnly = await issueToken(admin, { scopes: ['certificates:read'] });
    const zoningOnly = await issueToken(admin, {
      scopes: ['applications:read'],
      services: ['zoning-certificate'],
    });
    const { reference } = await submitted(ctx, applicant);
    const noScope = await get(`/api/v1/applications/${reference}`, certificatesOnly);
    expect(noScope.status).to.equal(403);
    expect(noScope.body.error.code).to.equal('insufficient_scope');
    const otherService = await get(`/api/v1/applications/${reference}`, zoningOnly);
    expect(otherService.status).to.equal(403);
    expect(otherService.body.error.code).to.equal('out_of_scope');
    expect((await get('/api/v1/webhooks', zoningOnly)).status).to.equal(403);

    const muharraqAdmin = await signedIn(ctx, await makeStaff(ctx, 'admin', 'muharraq'));
    const muharraqToken = await issueToken(muharraqAdmin, { scopes: ['applications:read'] });
    const capital = await get(`/api/v1/applications/${reference}`, muharraqToken);
    expect(capital.status).to.equal(403);
    expect(capital.body.error.code).to.equal('out_of_scope');
    const own = await submitted(ctx, applicant, { municipality: 'muharraq' });
    expect((await get(`/api/v1/applications/${own.reference}`, muharraqToken)).status).to.equal(200);
    // A municipal administrator sees only their municipality's tokens.
    const theirPage = await muharraqAdmin.get('/admin/api');
    expect(theirPage.text.match(/class="api-token"/g)).to.have.length(1);
  });

  it('when a reference is unknown or mistyped, then the answer is 404 not_found', async () => {
    const token = await issueToken(admin, { scopes: ['applications:read'] });
    for (const ref of ['RC-2026-ZZZZZZ', 'not-a-reference', '%00']) {
      const res = await get(`/api/v1/applications/${encodeURIComponent(ref)}`, token);
      expect(res.status, ref).to.equal(404);
      expect(res.body.error.code).to.equal('not_found');
    }
  });

  it('when a token goes past its rate limit, then it gets 429 rate_limited while another token still works', async () => {
    const first = await issueToken(admin, { scopes: ['applications:read'] });
    const second = await issueToken(admin, { scopes: ['applications:read'] });
    const { reference } = await submitted(ctx, applicant);
    for (let i = 0; i < 3; i++)
      expect((await get(`/api/v1/applications/${reference}`, first)).status).to.equal(200);
    const limited = await get(`/api/v1/applications/${reference}`, first);
    expect(limited.status).to.equal(429);
    expect(limited.body.error.code).to.equal('rate_limited');
    expect(limited.headers).to.have.property('ratelimit');
    // The public endpoints count against the token too, and without a token they stay open.
    expect((await get('/api/v1/services', first)).status).to.equal(429);
    expect((await get(`/api/v1/applications/${reference}`, second)).status).to.equal(200);
    expect((await get('/api/v1/services')).status).to.equal(200);
  });

  it('when the open-data endpoints are called, then they need no token, accept a valid one and refuse a forged one', async () => {
    const token = await issueToken(admin, { scopes: ['certificates:read'] });
    expect((await get('/api/v1/services')).status).to.equal(200);
    expect((await get('/api/v1/stats')).status).to.equal(200);
    expect((await get('/api/v1/services', token)).status).to.equal(200);
    expect((await get('/api/v1/stats', token)).status).to.equal(200);
    const forged = await get('/api/v1/stats', `${token.slice(0, -1)}x`);
    expect(forged.status).to.equal(401);
    expect(forged.body.error.code).to.equal('token_invalid');
  });

  it('when a bearer token comes with a page form instead of the API, then the CSRF check still applies; and the API never reads the session', async () => {
    const token = await issueToken(admin, { scopes: ['webhooks'] });
    // A page route: a bearer header does not stand in for the CSRF token.
    const page = await admin
      .post('/account/profile')
      .set('Authorization', `Bearer ${token}`)
      .type('form')
      .send({ name: 'Changed', mobile: '36001234', preferredLang: 'ar' });
    expect(page.status).to.equal(403);
    // The API with only a session cookie: the session is no credential there.
    const withSession = await admin.get('/api/v1/webhooks');
    expect(withSession.status).to.equal(401);
    expect(withSession.body.error.code).to.equal('token_missing');
    const posted = await admin
      .post('/api/v1/webhooks')
      .send({ url: 'https://partner.example/hook', events: ['application.submitted'] });
    expect(posted.status).to.equal(401);
    expect(await ctx.db('webhook_subscriptions')).to.deep.equal([]);
  });
});
