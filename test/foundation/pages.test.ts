import { expect } from 'chai';
import request from 'supertest';
import { createTestContext, dbLabel, type TestContext } from '../support/context.js';
import { agentFor, signIn, signUpResident, tokenFor, VALID_PASSWORD } from '../support/http.js';
import { createApp } from '../../server/app.js';
import { createDb } from '../../db/connection.js';

describe(`Pages, languages, headers and errors (${dbLabel})`, () => {
  let ctx: TestContext;
  beforeEach(async () => {
    ctx = await createTestContext();
  });
  afterEach(() => ctx.close());

  it('when a visitor arrives, then the page is Arabic and right-to-left with the RTL Bootstrap build', async () => {
    const res = await request(ctx.app).get('/');
    expect(res.status).to.equal(200);
    expect(res.text).to.contain('<html lang="ar" dir="rtl">');
    expect(res.text).to.contain('bootstrap.rtl.min.css');
    expect(res.text).to.contain('href="#main"');
  });

  it('when a page names its icon, then the icon is served from the portal as SVG (no 404 for a missing favicon)', async () => {
    const page = await request(ctx.app).get('/');
    const href = /<link rel="icon" href="([^"]+)" type="image\/svg\+xml">/.exec(page.text)?.[1];
    expect(href).to.equal('/static/favicon.svg');
    const icon = await request(ctx.app).get(href!);
    expect(icon.status).to.equal(200);
    expect(icon.headers['content-type']).to.match(/^image\/svg\+xml/);
  });

  it('when the language switch is followed, then lang and dir change and the choice is remembered', async () => {
    const agent = agentFor(ctx.app);
    const sw = await agent.get('/lang/en?next=/signin');
    expect(sw.status).to.equal(303);
    expect(sw.headers.location).to.equal('/signin');
    const page = await agent.get('/signin');
    expect(page.text).to.contain('<html lang="en" dir="ltr">');
    expect(page.text).to.contain('bootstrap.min.css');
    expect(page.text).to.contain('Sign in');
    const back = await agent.get('/lang/ar?next=/');
    expect(back.status).to.equal(303);
    expect((await agent.get('/')).text).to.contain('<html lang="ar" dir="rtl">');
  });

  it('when the language switch is given another site to return to, then it returns home instead', async () => {
    const res = await request(ctx.app).get('/lang/en?next=https://evil.example');
    expect(res.headers.location).to.equal('/');
  });

  for (const path of ['/', '/signin', '/signup/resident', '/healthz', '/no-such-page', '/static/app.css']) {
    it(`when ${path} is requested, then the security headers are present`, async () => {
      const res = await request(ctx.app).get(path);
      const csp = String(res.headers['content-security-policy']);
      expect(csp).to.contain("default-src 'self'");
      expect(csp).to.contain("script-src 'self'");
      expect(csp).to.contain("object-src 'none'");
      expect(csp).to.contain("frame-ancestors 'none'");
      expect(csp).not.to.contain('unsafe-inline');
      expect(res.headers['x-content-type-options']).to.equal('nosniff');
      expect(res.headers['referrer-policy']).to.equal('same-origin');
      expect(res.headers['x-powered-by']).to.equal(undefined);
    });
  }

  it('when the portal runs in production, then HSTS is sent and the session cookie is __Host- and Secure', async () => {
    const prod = await createTestContext({
      env: {
        NODE_ENV: 'production',
        SESSION_SECRET: 'x'.repeat(40),
        BASE_URL: 'https://eservices.example.bh',
        TRUST_PROXY: '1',
      },
    });
    try {
      // Behind the TLS-terminating proxy the operations guide describes.
      const res = await request(prod.app).get('/signin').set('X-Forwarded-Proto', 'https');
      expect(res.headers['strict-transport-security']).to.contain('max-age=31536000');
      const cookie = ([] as string[]).concat(res.headers['set-cookie'] ?? []).join(';');
      expect(cookie).to.contain('__Host-sid=').and.contain('Secure');
    } finally {
      await prod.close();
    }
  });

  it('when a page does not exist, then a translated 404 page is shown', async () => {
    const res = await request(ctx.app).get('/nowhere');
    expect(res.status).to.equal(404);
    expect(res.text).to.contain('الصفحة غير موجودة');
  });

  it('when something fails inside, then a 500 page is shown without a stack or the internal message', async () => {
    const agent = agentFor(ctx.app);
    await signUpResident(agent);
    ctx.services.applications.listForApplicant = () =>
      Promise.reject(new Error('SECRET internal detail at db.ts:42'));
    const res = await agent.get('/applications');
    expect(res.status).to.equal(500);
    expect(res.text).to.contain('عذرًا، حدث خطأ');
    expect(res.text).not.to.contain('SECRET');
    expect(res.text).not.to.match(/at .*\.ts:\d+/);
    expect(ctx.logs.some((l) => l.level === 50)).to.equal(true);
  });

  it('when the database answers, then /healthz says ok', async () => {
    const res = await request(ctx.app).get('/healthz');
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.equal({ status: 'ok', db: 'ok' });
  });

  it('when the database cannot be reached, then /healthz answers 503', async () => {
    const broken = createDb('postgres://nobody@127.0.0.1:1/none');
    const app = createApp({ ...ctx, db: broken });
    const res = await request(app).get('/healthz');
    expect(res.status).to.equal(503);
    expect(res.body.db).to.not.equal('ok');
    await broken.destroy();
  });

  it('when a staff member signs in, then they land on a page showing their role and municipality', async () => {
    await ctx.services.accounts.createStaff({
      name: 'Maryam Reviewer',
      email: 'maryam@muharraq.bh',
      password: VALID_PASSWORD,
      role: 'reviewer',
      municipality: 'muharraq',
      department: 'customer-services',
    });
    const agent = agentFor(ctx.app);
    const res = await signIn(agent, 'maryam@muharraq.bh', VALID_PASSWORD);
    expect(res.headers.location).to.equal('/staff');
    const page = await agent.get('/staff');
    expect(page.text).to.contain('مراجع طلبات').and.contain('بلدية المحرق');
    // The portal's name leads staff back here; the menu has no separate entry for it.
    expect(page.text).to.contain('<a class="navbar-brand fw-bold" href="/staff">');
    expect(page.text).not.to.contain('class="nav-link" href="/staff"');
  });

  it('when a person picks Arabic before signing in, then signing in keeps Arabic although the account prefers English; without a choice the account’s language is used', async () => {
    const first = agentFor(ctx.app);
    await signUpResident(first);
    await ctx.db('users').update({ preferred_lang: 'en' });
    const chosen = agentFor(ctx.app);
    await chosen.get('/lang/ar');
    await signIn(chosen, 'fatima@example.bh', VALID_PASSWORD);
    expect((await chosen.get('/account')).text).to.contain('<html lang="ar" dir="rtl">');
    const unchosen = agentFor(ctx.app);
    await signIn(unchosen, 'fatima@example.bh', VALID_PASSWORD);
    expect((await unchosen.get('/account')).text).to.contain('<html lang="en" dir="ltr">');
  });

  it('when a person saves their profile with English as preferred language, then the portal switches to English', async () => {
    const agent = agentFor(ctx.app);
    await signUpResident(agent);
    const token = await tokenFor(agent, '/account');
    const res = await agent
      .post('/account/profile')
      .type('form')
      .send({ _csrf: token, name: 'Fatima A. Hasan', mobile: '36001235', preferredLang: 'en' });
    expect(res.status).to.equal(303);
    const page = await agent.get('/account');
    expect(page.text).to.contain('<html lang="en" dir="ltr">').and.contain('Your details have been saved.');
    expect(await ctx.db('users').first()).to.include({
      name: 'Fatima A. Hasan',
      preferred_lang: 'en',
      mobile: '+97336001235',
    });
    // Shown back as it is typed (8 digits, as the hint asks), the numbers aligned with the page.
    expect(page.text).to.match(/id="mobile" name="mobile"[^>]*value="36001235"/);
    expect(page.text).to.contain('<dd class="col-sm-7"><span dir="ltr">fatima@example.bh</span></dd>');
  });

  it('when a person changes their password, then the old one stops working', async () => {
    const agent = agentFor(ctx.app);
    await signUpResident(agent);
    const token = await tokenFor(agent, '/account');
    const next = 'a brand new pass phrase';
    const res = await agent
      .post('/account/password')
      .type('form')
      .send({ _csrf: token, currentPassword: VALID_PASSWORD, newPassword: next, newPasswordConfirm: next });
    expect(res.status).to.equal(303);
    expect((await signIn(agentFor(ctx.app), 'fatima@example.bh', VALID_PASSWORD)).status).to.equal(401);
    expect((await signIn(agentFor(ctx.app), 'fatima@example.bh', next)).status).to.equal(303);
  });
});
