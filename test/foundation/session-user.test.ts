import { expect } from 'chai';
import { createTestContext, dbLabel, type TestContext } from '../support/context.js';
import { agentFor, signUpResident, type Agent } from '../support/http.js';
import { SessionWithUserStore } from '../../server/http/session-store.js';
import type { UserRow } from '../../db/repositories/users.js';

describe(`The signed-in person is read with the session (${dbLabel})`, () => {
  let ctx: TestContext;
  let agent: Agent;
  beforeEach(async () => {
    ctx = await createTestContext();
    agent = agentFor(ctx.app);
    await signUpResident(agent);
  });
  afterEach(() => ctx.close());

  /** The SQL a request sends. */
  async function statementsOf(path: string): Promise<{ status: number; text: string; sql: string[] }> {
    const sql: string[] = [];
    const listen = (q: { sql: string }) => sql.push(q.sql);
    ctx.db.on('query', listen);
    try {
      const res = await agent.get(path);
      return { status: res.status, text: res.text, sql };
    } finally {
      ctx.db.off('query', listen);
    }
  }

  it('when a signed-in person opens a page, then one statement reads the session and the person, and the page is theirs', async () => {
    const { status, text, sql } = await statementsOf('/account');
    expect(status).to.equal(200);
    expect(text).to.contain('Fatima Ali Hasan');
    expect(sql.filter((s) => /from [`"]?sessions/i.test(s))).to.have.length(1);
    expect(sql.filter((s) => /from [`"]?users[`"]? where/i.test(s))).to.have.length(0);
  });

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

  it('when a row read with a session is asked for by another person or too late, then it is not handed out', async () => {
    const store = new SessionWithUserStore(ctx.db, { tableName: 'sessions', cleanupInterval: 0 });
    const user = (await ctx.db<UserRow>('users').first())!;
    const sid = 'test-session-id';
    await store.set(sid, {
      cookie: { originalMaxAge: 60_000, expires: new Date(Date.now() + 60_000) },
      userId: user.id,
    });
    const read = await store.get(sid, () => undefined);
    expect(read).to.include({ userId: user.id });
    expect(store.takeUser(sid, user.id + 1)).to.equal(undefined);
    await store.get(sid, () => undefined);
    expect(store.takeUser(sid, user.id)).to.include({ id: user.id, email: user.email });
    // Taken once: a second look goes to the database.
    expect(store.takeUser(sid, user.id)).to.equal(undefined);
    // A session without a person hands out nothing.
    await store.set('anonymous', {
      cookie: { originalMaxAge: 60_000, expires: new Date(Date.now() + 60_000) },
    });
    expect(await store.get('anonymous', () => undefined)).to.not.equal(null);
    expect(store.takeUser('anonymous', user.id)).to.equal(undefined);
  });
});
