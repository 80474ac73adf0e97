import { expect } from 'chai';
import { createTestContext, dbLabel, type TestContext } from '../support/context.js';
import { agentFor, signUpResident, tokenFor, type Agent } from '../support/http.js';
import { makeStaff, type Person } from '../support/people.js';
import { completedThroughServices, staffAct as actAsStaff } from '../support/applications.js';
import type { UserRow } from '../../db/repositories/users.js';

// /track: a reference and the applicant's CPR or CR show the status and timeline without signing in.
describe(`Public tracking (${dbLabel})`, () => {
  let ctx: TestContext;
  let agent: Agent;
  let resident: UserRow;
  let reviewer: Person;

  beforeEach(async () => {
    ctx = await createTestContext({ limits: { track: { windowMs: 15 * 60_000, limit: 10 } } });
    agent = agentFor(ctx.app);
    await signUpResident(agent);
    resident = (await ctx.db<UserRow>('users').where({ cpr: '850101234' }).first())!;
    reviewer = await makeStaff(ctx, 'reviewer');
  });
  afterEach(() => ctx.close());

  async function submitComplete(): Promise<number> {
    const definition = ctx.services.registry.latest('residence-certificate')!;
    return (await completedThroughServices(ctx, definition, resident)).id;
  }
  const staffAct = (id: number, type: string, who: Person, comment?: string) =>
    actAsStaff(ctx, id, type, who, comment);

  /** Someone who is not signed in, with the tracking form's token: each look-up sends a reference and a number. */
  async function visitor() {
    const anon = agentFor(ctx.app);
    const token = await tokenFor(anon, '/track');
    return (reference: string, identifier = '850101234') =>
      anon.post('/track').type('form').send({ _csrf: token, reference, identifier });
  }

  it('when the reference and the CPR match, then the status and timeline show without signing in, without messages', async () => {
    const id = await submitComplete();
    await staffAct(id, 'START_REVIEW', reviewer);
    await staffAct(id, 'REQUEST_INFO', reviewer, 'Private message for the applicant');
    const reference = (await ctx.services.applications.findById(id))!.reference!;
    const res = await (await visitor())(reference.toLowerCase());
    expect(res.status).to.equal(200);
    expect(res.text).to.contain(reference).and.contain('بانتظار ردك');
    expect(res.text).not.to.contain('Private message');
    // It says where the message is, not that it is below.
    expect(res.text).to.contain('سجّل الدخول لقراءة رسالتها').and.not.contain('آخر رسالة أدناه');
  });

  it('when a rejected application is tracked, then the page says to sign in for the reason, which it does not show', async () => {
    const id = await submitComplete();
    await staffAct(id, 'START_REVIEW', reviewer);
    await staffAct(id, 'REJECT', reviewer, 'Private reason for the applicant');
    const reference = (await ctx.services.applications.findById(id))!.reference!;
    const res = await (await visitor())(reference);
    // Someone's application shown without signing in: the browser does not keep it.
    expect(res.headers['cache-control']).to.equal('no-store');
    expect(res.text)
      .to.contain('سجّل الدخول لقراءة السبب')
      .and.not.contain('السبب مبيّن أدناه')
      .and.not.contain('Private reason');
  });

  it('when an application waits for its decision, then tracking gives the expected decision day, as the resident’s own page does', async () => {
    const id = await submitComplete();
    const reference = (await ctx.services.applications.findById(id))!.reference!;
    const res = await (await visitor())(reference);
    const own = await agent.get(`/applications/${id}`);
    const due = (html: string) => /الموعد المتوقع للقرار: ([^<]+)\./.exec(html)?.[1];
    expect(due(res.text)).to.be.a('string').and.equal(due(own.text));
  });

  it('when the reference does not exist or the CPR is wrong, then the answer is the same', async () => {
    const id = await submitComplete();
    const reference = (await ctx.services.applications.findById(id))!.reference!;
    const look = await visitor();
    const wrongNumber = await look(reference, '900202345');
    const noSuch = await look('RC-2026-ZZZZZZ');
    expect(wrongNumber.status).to.equal(noSuch.status);
    const message = (html: string) => /<ul class="mb-0">([\s\S]*?)<\/ul>/.exec(html)?.[1];
    expect(message(wrongNumber.text)).to.equal(message(noSuch.text));
  });

  it('when someone keeps guessing, then the eleventh look-up in the window gets 429', async () => {
    const look = await visitor();
    for (let i = 0; i < 10; i++) await look('RC-2026-ABCDEF', `85010${1000 + i}`);
    const res = await look('RC-2026-ABCDEF');
    expect(res.status).to.equal(429);
  });
});
