import { expect } from 'chai';
import { createTestContext, dbLabel, type TestContext } from '../support/context.js';
import { makeResident, makeStaff, type Person } from '../support/people.js';
import { submitted } from '../support/applications.js';
import {
  applicationRow,
  knexSql,
  placeholders,
  rebind,
  type ApplicationKey,
  type Statement,
} from '../../bench/support/floor-replay.js';

/** The load benchmark's floor replays a decision's writes on applications of its own (decision 0016). */
describe(`The load floor's replay of a decision (${dbLabel})`, () => {
  let ctx: TestContext;
  let applicant: Person;
  let reviewer: Person;
  beforeEach(async () => {
    ctx = await createTestContext();
    applicant = await makeResident(ctx);
    reviewer = await makeStaff(ctx, 'reviewer', 'capital');
  });
  afterEach(() => ctx.close());

  // The application's key as the floor takes it from its row (select *).
  const keyOf = async (id: number): Promise<ApplicationKey> =>
    applicationRow(await ctx.db('applications').where({ id }).select('*'), id)!;

  it('when the writes of one START_REVIEW are replayed for another submitted application, then that one is left as the portal leaves it: in review, its version up by one, its own audit, outbox and counter rows', async () => {
    const { id: sampleId } = await submitted(ctx, applicant);
    const { id: otherId } = await submitted(ctx, applicant, {
      slug: 'excavation-permit',
      municipality: 'muharraq',
    });
    // Another version than the sample's, as the generated applications have (4, 5 or 6), and
    // submitted on another day, whose report-counter rows are its own.
    const otherDay = new Date(ctx.clock.now().getTime() - 20 * 86_400_000);
    await ctx
      .db('applications')
      .where({ id: otherId })
      .increment('version', 3)
      .update({ submitted_at: otherDay });
    const sample = await keyOf(sampleId);
    const other = await keyOf(otherId);

    const writes: Statement[] = [];
    const record = (q: { sql: string; bindings?: unknown[] }) => {
      if (/^\s*(insert|update|delete)\b/i.test(q.sql))
        writes.push({ sql: knexSql(q.sql), bindings: q.bindings ?? [] });
    };
    ctx.db.on('query', record);
    const decided = await ctx.services.applyEvent({
      applicationId: sampleId,
      event: { type: 'START_REVIEW' },
      actor: { role: 'reviewer', userId: reviewer.id },
    });
    ctx.db.off('query', record);
    expect(decided.ok).to.equal(true);
    expect(writes.map((w) => /^\s*\w+\s+(?:into\s+)?[`"]?(\w+)/i.exec(w.sql)?.[1])).to.include.members([
      'applications',
      'application_events',
      'outbox',
      'stats_daily',
    ]);
    const update = writes.find((w) => /^\s*update\s+[`"]?applications\b/i.test(w.sql))!;
    expect(
      placeholders(update.sql)
        .filter((p) => p.inWhere)
        .map((p) => p.column),
    ).to.deep.equal(['id', 'version']);

    await ctx.db.transaction(async (trx) => {
      for (const write of writes) await trx.raw(write.sql, rebind(write, sample, other) as never[]);
    });

    const row = (await ctx
      .db('applications')
      .where({ id: otherId })
      .first<{ status: string; state: string; version: number } | undefined>('status', 'state', 'version'))!;
    expect(row).to.deep.include({ status: 'in_review', state: 'under_review' });
    expect(Number(row.version)).to.equal(other.version + 1);
    const events = await ctx
      .db('application_events')
      .where({ application_id: otherId, event: 'START_REVIEW' });
    expect(events).to.have.length(1);
    const outbox = await ctx
      .db('outbox')
      .where({ application_id: otherId })
      .select<{ payload: string }[]>('payload');
    expect(
      outbox.filter(
        (o) => o.payload.includes(`"applicationId":${otherId}`) && o.payload.includes('review_started'),
      ),
    ).to.have.length(1);
    // Its counters moved on its own day, slice and month rows, not on the sample's.
    expect(other.periods).to.have.length(3);
    // Bahrain's day (UTC+3), its slice of the month (days 1–7 'a', 8–14 'b', …) and the month.
    const localDay = new Date(otherDay.getTime() + 3 * 3_600_000).toISOString().slice(0, 10);
    const slice = 'abcde'[Math.min(Math.floor((Number(localDay.slice(8)) - 1) / 7), 4)];
    expect(other.periods).to.deep.equal([localDay, `${localDay.slice(0, 7)}-${slice}`, localDay.slice(0, 7)]);
    expect(other.periods[0]).not.to.equal(sample.periods[0]);
    const counted = await ctx
      .db('stats_daily')
      .where({ municipality: 'muharraq', service_slug: 'excavation-permit' })
      .whereIn('day', other.periods)
      .select<{ day: string; s_in_review: number }[]>('day', 's_in_review');
    expect(counted.map((c) => [c.day, Number(c.s_in_review)]).sort()).to.deep.equal(
      other.periods.map((p) => [p, 1]).sort(),
    );
    // The sample itself was decided once, by the portal's own event, and not again.
    expect(
      await ctx.db('application_events').where({ application_id: sampleId, event: 'START_REVIEW' }),
    ).to.have.length(1);
  });
});
