import { expect } from 'chai';
import { createTestContext, dbLabel, type TestContext } from '../support/context.js';
import { makeResident, makeStaff, type Person } from '../support/people.js';
import { outboxWorker, type OutboxHandler } from '../../server/services/outbox-worker.js';
import { outboxRepository } from '../../db/repositories/outbox.js';
import { submitted as submittedFor } from '../support/applications.js';

describe(`The outbox (${dbLabel})`, () => {
  let ctx: TestContext;
  let applicant: Person;

  beforeEach(async () => {
    ctx = await createTestContext();
    applicant = await makeResident(ctx);
    await makeStaff(ctx, 'reviewer');
    await makeStaff(ctx, 'supervisor');
  });
  afterEach(() => ctx.close());

  const submitted = async () => (await submittedFor(ctx, applicant)).id;

  it('when an application is submitted and the worker runs, then the applicant gets an in-app notice and an e-mail in their language', async () => {
    const id = await submitted();
    const delivered = await ctx.services.outbox.runOnce();
    expect(delivered).to.be.greaterThan(0);
    const notices = await ctx.db('notifications').where({ user_id: applicant.id, application_id: id });
    expect(notices.map((n: { template: string }) => n.template)).to.include('submitted');
    expect(ctx.mail.map((m) => m.to)).to.include(applicant.email);
    expect(ctx.mail[0]?.lang).to.equal('ar');
    expect(ctx.mail[0]?.subject).to.contain('تم استلام الطلب');
    const pending = await ctx.db('outbox').whereNot({ status: 'done' });
    expect(pending).to.deep.equal([]);
  });

  it('when an application is submitted, then its outbox rows are in the order the engine wrote them: the notices, then the registry check', async () => {
    for (let i = 0; i < 5; i++) {
      const id = await submitted();
      const rows: { kind: string; payload: string }[] = await ctx
        .db('outbox')
        .where({ application_id: id })
        .orderBy('id');
      const to = (payload: string) => (JSON.parse(payload) as { to?: string }).to ?? null;
      expect(rows.map((r) => [r.kind, to(r.payload)])).to.deep.equal([
        ['notify', 'applicant'],
        ['notify', 'department'],
        ['registryCheck', null],
      ]);
    }
  });

  it('when a delivery fails, then it is retried later with backoff and delivered once it works', async () => {
    await submitted();
    let failNext = true;
    const calls: number[] = [];
    const flaky: OutboxHandler = (_payload, row) => {
      calls.push(row.id);
      if (failNext) {
        failNext = false;
        return Promise.reject(new Error('SMTP unavailable'));
      }
      return Promise.resolve();
    };
    const worker = outboxWorker({
      db: ctx.db,
      clock: ctx.clock,
      logger: ctx.logger,
      handlers: { notify: flaky },
      batchSize: 1,
    });
    expect(await worker.runOnce()).to.equal(0);
    const failed = await ctx.db('outbox').where({ id: calls[0] }).first();
    expect(failed).to.include({ status: 'pending', attempts: 1, last_error: 'SMTP unavailable' });
    expect(Number(failed.next_attempt_at)).to.be.greaterThan(ctx.clock.now().getTime());
    // Before the backoff passes, the failed row waits while the others go out.
    while ((await worker.runOnce()) > 0);
    expect(calls.filter((id) => id === calls[0])).to.have.length(1);
    ctx.clock.advance(60_000);
    expect(await worker.runOnce()).to.equal(1);
    expect(await ctx.db('outbox').where({ id: calls[0] }).first()).to.include({
      status: 'done',
      attempts: 2,
    });
  });

  it('when a delivery keeps failing, then it is marked failed after the last attempt and no longer retried', async () => {
    await submitted();
    const worker = outboxWorker({
      db: ctx.db,
      clock: ctx.clock,
      logger: ctx.logger,
      handlers: { notify: () => Promise.reject(new Error('mailbox does not exist')) },
      maxAttempts: 3,
    });
    for (let i = 0; i < 5; i++) {
      await worker.runOnce();
      ctx.clock.advance(2 * 60 * 60 * 1000);
    }
    const rows = await ctx.db('outbox').where({ kind: 'notify' });
    expect(
      rows.every((r: { status: string; attempts: number }) => r.status === 'failed' && r.attempts === 3),
    ).to.equal(true);
  });

  it('when two workers run at the same time, then every row is delivered exactly once', async () => {
    for (let i = 0; i < 20; i++) await submitted();
    const total = Number((await ctx.db('outbox').where({ kind: 'notify' }).count({ n: '*' }))[0]?.n);
    const deliveries = new Map<number, number>();
    const handler: OutboxHandler = async (_payload, row) => {
      deliveries.set(row.id, (deliveries.get(row.id) ?? 0) + 1);
      await new Promise((resolve) => setTimeout(resolve, 1));
    };
    const make = () =>
      outboxWorker({
        db: ctx.db,
        clock: ctx.clock,
        logger: ctx.logger,
        handlers: { notify: handler },
        batchSize: 5,
      });
    const [a, b] = [make(), make()];
    const drain = async (w: ReturnType<typeof make>) => {
      while ((await w.runOnce()) > 0);
    };
    await Promise.all([drain(a), drain(b)]);
    expect(deliveries.size).to.equal(total);
    expect([...deliveries.values()].every((n) => n === 1)).to.equal(true);
  });

  it('when a row is delivered again after a crash, then the person still has one notice, not two', async () => {
    await submitted();
    await ctx.services.outbox.runOnce();
    const before = Number((await ctx.db('notifications').count({ n: '*' }))[0]?.n);
    // A worker that died after delivering but before marking the row done: the lease runs out.
    await ctx.db('outbox').update({ status: 'pending', locked_until: null });
    await ctx.services.outbox.runOnce();
    expect(Number((await ctx.db('notifications').count({ n: '*' }))[0]?.n)).to.equal(before);
  });

  it('when rows are written, then they are pending until a worker claims them', async () => {
    await outboxRepository(ctx.db).add(
      ctx.db,
      [{ applicationId: null, kind: 'notify', payload: { x: 1 } }],
      ctx.clock.now(),
    );
    const rows = await ctx.db('outbox').where({ application_id: null });
    expect(rows).to.have.length(1);
    expect(rows[0]).to.include({ status: 'pending', attempts: 0 });
  });
});
