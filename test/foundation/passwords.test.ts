import { expect } from 'chai';
import { createTestContext, dbLabel, type TestContext } from '../support/context.js';
import { agentFor, signIn, signUpResident } from '../support/http.js';

describe(`Password storage (${dbLabel})`, () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await createTestContext();
  });
  after(() => ctx.close());

  it('when an account is created, then its password is stored as argon2id with m=19456 KiB, t=2, p=1', async () => {
    await signUpResident(agentFor(ctx.app));
    const user = await ctx.db('users').where({ cpr: '850101234' }).first();
    const [, algorithm, version, params] = String(user.password_hash).split('$');
    expect(algorithm).to.equal('argon2id');
    expect(version).to.equal('v=19');
    expect(Object.fromEntries((params ?? '').split(',').map((kv) => kv.split('=')))).to.deep.equal({
      m: '19456',
      t: '2',
      p: '1',
    });
    expect(user.password_hash).not.to.contain('correct horse');
  });

  it('when two long passwords differ only after byte 72, then the second one does not sign in', async () => {
    const base = 'a-very-long-pass-phrase-that-goes-on-and-on-past-seventy-two-bytes-easily-';
    expect(Buffer.byteLength(base)).to.be.greaterThan(72);
    await signUpResident(agentFor(ctx.app), {
      cpr: '900202345',
      email: 'long@example.bh',
      password: base + 'ONE',
      passwordConfirm: base + 'ONE',
    });
    const wrong = await signIn(agentFor(ctx.app), 'long@example.bh', base + 'TWO');
    expect(wrong.status).to.equal(401);
    const right = await signIn(agentFor(ctx.app), 'long@example.bh', base + 'ONE');
    expect(right.status).to.equal(303);
  });
});
