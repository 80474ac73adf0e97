import { expect } from 'chai';
import { createTestContext, dbLabel, type TestContext } from '../support/context.js';
import { agentFor, signUpResident, type Agent } from '../support/http.js';

describe(`The signed-in person is read afresh on every request (${dbLabel})`, () => {
  let ctx: TestContext;
  let agent: Agent;
  beforeEach(async () => {
    ctx = await createTestContext();
    agent = agentFor(ctx.app);
    await signUpResident(agent);
  });
  afterEach(() => ctx.close());

  it('when the account is disabled between two requests, then the next request ends the session', async () => {
    expect((await agent.get('/account')).status).to.equal(200);
    await ctx.db('users').where({ email: 'fatima@example.bh' }).update({ disabled_at: ctx.clock.now() });
    const res = await agent.get('/account');
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.match(/^\/signin/);
    expect((await agent.get('/account')).status).to.equal(303);
  });

  it('when the person is renamed between two requests, then the next page shows the new name', async () => {
    await agent.get('/account');
    await ctx.db('users').where({ email: 'fatima@example.bh' }).update({ name: 'Fatima A. Hasan' });
    expect((await agent.get('/account')).text).to.contain('Fatima A. Hasan');
  });
});
