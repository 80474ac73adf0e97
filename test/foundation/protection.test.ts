import { expect } from 'chai';
import request from 'supertest';
import { createTestContext, dbLabel, type TestContext } from '../support/context.js';
import { agentFor, signIn, signUpResident, tokenFor, VALID_PASSWORD } from '../support/http.js';

describe(`Protection against forged requests and brute force (${dbLabel})`, () => {
  let ctx: TestContext;
  beforeEach(async () => {
    ctx = await createTestContext({
      limits: { signIn: { windowMs: 15 * 60_000, limit: 5 }, signUp: { windowMs: 60 * 60_000, limit: 10 } },
    });
  });
  afterEach(() => ctx.close());

  it('when a form is posted without a CSRF token, then it is refused with 403 and logged', async () => {
    const agent = agentFor(ctx.app);
    await agent.get('/signup/resident');
    const res = await agent.post('/signup/resident').type('form').send({ name: 'X Y', cpr: '850101234' });
    expect(res.status).to.equal(403);
    expect(res.text).to.contain('لا يمكنك القيام بذلك');
    expect(ctx.logs.some((l) => l.security === 'csrf_failure')).to.equal(true);
    expect(Number((await ctx.db('users').count({ n: '*' }))[0]?.n)).to.equal(0);
  });

  it('when a form is posted with a wrong CSRF token, then it is refused with 403', async () => {
    const agent = agentFor(ctx.app);
    await agent.get('/signin');
    const res = await agent
      .post('/signin')
      .type('form')
      .send({ _csrf: 'forged', identifier: 'a', password: 'b' });
    expect(res.status).to.equal(403);
  });

  it('when a multipart form arrives at a route that takes no uploads, then it is refused with 403', async () => {
    const agent = agentFor(ctx.app);
    await signUpResident(agent);
    const token = await tokenFor(agent, '/account');
    const res = await agent.post('/account/profile').field('_csrf', token).field('name', 'Changed Name');
    expect(res.status).to.equal(403);
    expect((await ctx.db('users').first()).name).to.equal('Fatima Ali Hasan');
  });

  it('when the sixth quick failed sign-in arrives, then it gets 429 with a translated page', async () => {
    await signUpResident(agentFor(ctx.app));
    const agent = agentFor(ctx.app);
    for (let i = 0; i < 5; i++) {
      expect((await signIn(agent, 'fatima@example.bh', 'wrong password ' + i)).status).to.equal(401);
    }
    const sixth = await signIn(agent, 'fatima@example.bh', VALID_PASSWORD);
    expect(sixth.status).to.equal(429);
    expect(sixth.text).to.contain('محاولات كثيرة');
    expect(ctx.logs.some((l) => l.security === 'rate_limited')).to.equal(true);
  });

  it('when six colleagues behind one address sign in at the same moment, then all of them get in', async () => {
    const people = Array.from({ length: 6 }, (_, i) => ({
      cpr: `85010${i}234`,
      email: `colleague${i}@example.bh`,
    }));
    for (const p of people) await signUpResident(agentFor(ctx.app), p);
    const agents = people.map(() => agentFor(ctx.app));
    const tokens = await Promise.all(agents.map((a) => tokenFor(a, '/signin')));
    const answers = await Promise.all(
      agents.map((a, i) =>
        a
          .post('/signin')
          .type('form')
          .send({ _csrf: tokens[i], identifier: people[i]!.email, password: VALID_PASSWORD }),
      ),
    );
    expect(answers.map((r) => r.status)).to.deep.equal([303, 303, 303, 303, 303, 303]);
  });

  it('when one address tries many accounts, then its failed sign-ins add up across them', async () => {
    const agent = agentFor(ctx.app);
    for (let i = 0; i < 50; i++) {
      expect((await signIn(agent, `nobody${i}@example.bh`, 'wrong password')).status).to.equal(401);
    }
    expect((await signIn(agent, 'nobody50@example.bh', 'wrong password')).status).to.equal(429);
  });

  it('when a client forges X-Forwarded-For, then its failed sign-ins still add up', async () => {
    const agent = agentFor(ctx.app);
    for (let i = 0; i < 5; i++) {
      const token = await tokenFor(agent, '/signin');
      await agent
        .post('/signin')
        .set('X-Forwarded-For', `10.0.0.${i}`)
        .type('form')
        .send({ _csrf: token, identifier: 'x@y.bh', password: 'nope' });
    }
    const token = await tokenFor(agent, '/signin');
    const res = await agent
      .post('/signin')
      .set('X-Forwarded-For', '10.9.9.9')
      .type('form')
      .send({ _csrf: token, identifier: 'x@y.bh', password: 'nope' });
    expect(res.status).to.equal(429);
  });

  it('when a body is larger than allowed, then it is refused with 413', async () => {
    const agent = agentFor(ctx.app);
    const token = await tokenFor(agent, '/signin');
    const res = await agent
      .post('/signin')
      .type('form')
      .send({ _csrf: token, identifier: 'x'.repeat(200_000), password: 'p' });
    expect(res.status).to.equal(413);
    expect(res.text).to.contain('الحجم كبير جدًا');
  });

  it('when a resident opens the staff workspace, then it is refused with 403', async () => {
    const agent = agentFor(ctx.app);
    await signUpResident(agent);
    const res = await agent.get('/staff');
    expect(res.status).to.equal(403);
    expect(ctx.logs.some((l) => l.security === 'access_denied')).to.equal(true);
  });

  it('when an anonymous visitor opens the account page, then they are sent to sign in and brought back', async () => {
    const res = await request(ctx.app).get('/account');
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.equal('/signin?next=%2Faccount');
  });
});
