import { expect } from 'chai';
import { createTestContext, dbLabel, type TestContext } from '../support/context.js';
import { agentFor, signUpResident, type Agent } from '../support/http.js';
import { makeStaff, type Person } from '../support/people.js';
import { submitted } from '../support/applications.js';

/** The cells of the row of "My applications" that holds `reference`. */
function rowOf(html: string, reference: string): string[] {
  const row = html.split('<tr>').find((r) => r.includes(reference));
  if (!row) throw new Error(`no row for ${reference}`);
  return [...row.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((m) => m[1]!.replace(/<[^>]+>/g, '').trim());
}

describe(`My applications (${dbLabel})`, () => {
  let ctx: TestContext;
  let resident: Person;
  let agent: Agent;
  beforeEach(async () => {
    ctx = await createTestContext();
    agent = agentFor(ctx.app);
    await signUpResident(agent, { email: 'list@example.bh' });
    const { id } = await ctx.db('users').where({ email: 'list@example.bh' }).first('id');
    resident = { id: Number(id), role: 'applicant', email: 'list@example.bh' };
  });
  afterEach(() => ctx.close());

  it('when an application waits for its decision, then the list gives its expected decision day, as its own page does, and a decided one gives none', async () => {
    const waiting = await submitted(ctx, resident);
    const decided = await submitted(ctx, resident);
    const reviewer = await makeStaff(ctx, 'reviewer');
    for (const type of ['START_REVIEW', 'ACCEPT']) {
      const r = await ctx.services.applyEvent({
        applicationId: decided.id,
        event: { type },
        actor: { role: 'reviewer', userId: reviewer.id },
      });
      expect(r.ok, JSON.stringify(r)).to.equal(true);
    }
    await agent.get('/lang/en');
    const list = (await agent.get('/applications')).text;
    expect(list).to.contain('<th scope="col">Expected decision by</th>');
    const due = /Expected decision by ([^<]+)\./.exec(
      (await agent.get(`/applications/${waiting.id}`)).text,
    )?.[1];
    expect(due).to.be.a('string');
    expect(rowOf(list, waiting.reference)).to.include(due);
    expect(rowOf(list, decided.reference)).to.include('—').and.not.include(due);

    await agent.get('/lang/ar');
    const arabic = (await agent.get('/applications')).text;
    expect(arabic).to.contain('<th scope="col">القرار متوقع بحلول</th>');
    const dueAr = /الموعد المتوقع للقرار: ([^<]+)\./.exec(
      (await agent.get(`/applications/${waiting.id}`)).text,
    )?.[1];
    expect(rowOf(arabic, waiting.reference)).to.include(dueAr);
  });
});
