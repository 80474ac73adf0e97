import { expect } from 'chai';
import { createTestContext, dbLabel, type TestContext } from '../support/context.js';
import { agentFor, cookieValue, signIn, signUpResident, tokenFor, VALID_PASSWORD } from '../support/http.js';
import request from 'supertest';

describe(`Signing in and out (${dbLabel})`, () => {
  let ctx: TestContext;
  beforeEach(async () => {
    ctx = await createTestContext();
    await signUpResident(agentFor(ctx.app));
  });
  afterEach(() => ctx.close());

  it('when a person signs in, then the session id changes', async () => {
    const agent = agentFor(ctx.app);
    const before = await agent.get('/signin');
    const oldSid = cookieValue(before.headers['set-cookie'], 'sid');
    expect(oldSid).to.be.a('string');
    const token = /name="_csrf" value="([^"]+)"/.exec(before.text)?.[1];
    const res = await agent
      .post('/signin')
      .type('form')
      .send({ _csrf: token, identifier: '850101234', password: VALID_PASSWORD });
    expect(res.status).to.equal(303);
    const newSid = cookieValue(res.headers['set-cookie'], 'sid');
    expect(newSid).to.be.a('string').and.not.equal(oldSid);
  });

  it('when the session cookie is set, then it is HttpOnly and SameSite with a 30-minute idle lifetime', async () => {
    const res = await signIn(agentFor(ctx.app), 'fatima@example.bh', VALID_PASSWORD);
    const cookie = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('sid='));
    expect(cookie)
      .to.match(/HttpOnly/i)
      .and.match(/SameSite=Lax/i)
      .and.match(/Path=\//);
    const expires = new Date(/Expires=([^;]+)/.exec(cookie ?? '')?.[1] ?? '').getTime();
    expect(expires - Date.now()).to.be.within(29 * 60_000, 30 * 60_000 + 5_000);
  });

  it('when a signed-in person opens a page, then the browser is told not to keep it; a visitor’s public page may be kept', async () => {
    const agent = agentFor(ctx.app);
    await signIn(agent, 'fatima@example.bh', VALID_PASSWORD);
    for (const path of ['/account', '/applications', '/services']) {
      const res = await agent.get(path);
      expect(res.status, path).to.equal(200);
      expect(res.headers['cache-control'], path).to.equal('no-store');
    }
    const visitor = await request(ctx.app).get('/services');
    expect(visitor.status).to.equal(200);
    expect(visitor.headers['cache-control'] ?? '').to.not.contain('no-store');
  });

  it('when a person signs out, then the old session cookie no longer opens their account', async () => {
    const agent = agentFor(ctx.app);
    const res = await signIn(agent, 'fatima@example.bh', VALID_PASSWORD);
    const cookie = ([] as string[])
      .concat(res.headers['set-cookie'] ?? [])
      .find((c) => c.startsWith('sid='))!
      .split(';')[0]!;
    expect((await request(ctx.app).get('/account').set('Cookie', cookie)).status).to.equal(200);
    const token = await tokenFor(agent, '/account');
    const out = await agent.post('/signout').type('form').send({ _csrf: token });
    expect(out.status).to.equal(303);
    const replay = await request(ctx.app).get('/account').set('Cookie', cookie);
    expect(replay.status).to.equal(303);
    expect(replay.headers.location).to.match(/^\/signin/);
    const sid = decodeURIComponent(cookie.split('=')[1]!).slice(2).split('.')[0];
    expect(await ctx.db('sessions').where({ sid }).first()).to.equal(undefined);
  });

  it('when a signed-in person keeps clicking, then the session expiry is written once a minute at most, and a session idle past it ends', async () => {
    const agent = agentFor(ctx.app);
    const signedIn = await signIn(agent, 'fatima@example.bh', VALID_PASSWORD);
    const cookie = cookieValue(signedIn.headers['set-cookie'], 'sid')!;
    const sid = decodeURIComponent(cookie).slice(2).split('.')[0]!;
    const only = async () =>
      (await ctx.db('sessions').where({ sid }).first<{ expired: string | Date } | undefined>())!;
    const { expired } = await only();
    for (let i = 0; i < 3; i++) expect((await agent.get('/account')).status).to.equal(200);
    expect(new Date((await only()).expired).getTime()).to.equal(new Date(expired).getTime());
    // Idle for longer than the timeout: the store's expiry is what counts.
    await ctx
      .db('sessions')
      .where({ sid })
      .update({ expired: new Date(Date.now() - 1000).toISOString() });
    const res = await agent.get('/account');
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.match(/^\/signin/);
  });

  it('when twelve hours have passed since sign-in, then the session ends even if it was used all along', async () => {
    const agent = agentFor(ctx.app);
    await signIn(agent, 'fatima@example.bh', VALID_PASSWORD);
    ctx.clock.advance(11 * 60 * 60 * 1000);
    expect((await agent.get('/account')).status).to.equal(200);
    ctx.clock.advance(61 * 60 * 1000);
    const res = await agent.get('/account');
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.match(/^\/signin/);
  });

  it('when the sign-in details are wrong, then the form says so without telling which part was wrong', async () => {
    const res = await signIn(agentFor(ctx.app), 'fatima@example.bh', 'not the password at all');
    expect(res.status).to.equal(401);
    expect(res.text).to.contain('بيانات الدخول غير صحيحة');
    const unknown = await signIn(agentFor(ctx.app), 'nobody@example.bh', 'not the password at all');
    expect(unknown.text).to.contain('بيانات الدخول غير صحيحة');
  });

  it('when a sign-in fails, then a structured security event is logged without the password', async () => {
    await signIn(agentFor(ctx.app), 'fatima@example.bh', 'secret-typed-wrong');
    const event = ctx.logs.find((l) => l.security === 'signin_failed');
    expect(event).to.include({ level: 40 });
    expect(JSON.stringify(ctx.logs)).not.to.contain('secret-typed-wrong');
  });

  it('when the next address points to another site, then sign-in lands on the portal instead', async () => {
    const agent = agentFor(ctx.app);
    const token = await tokenFor(agent, '/signin');
    const res = await agent.post('/signin').type('form').send({
      _csrf: token,
      identifier: 'fatima@example.bh',
      password: VALID_PASSWORD,
      next: '//evil.example/x',
    });
    expect(res.headers.location).to.equal('/account');
  });
});
