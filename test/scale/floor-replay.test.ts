import { expect } from 'chai';
import { createTestContext, dbLabel, type TestContext } from '../support/context.js';
import { makeResident, makeStaff, type Person } from '../support/people.js';
import { newReference } from '../../server/services/reference.js';
import {
  knexSql,
  periodsOf,
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

  async function submitted(municipality: string, slug: string): Promise<number> {
    const draft = await ctx.services.applications.createDraft({
      serviceSlug: slug,
      applicantId: applicant.id,
      municipality,
    });
    const r = await ctx.services.applyEvent({
      applicationId: draft.id,
      event: { type: 'SUBMIT' },
      actor: { role: 'applicant', userId: applicant.id },
      extra: { reference: newReference(slug, 2026) },
    });
    expect(r.ok).to.equal(true);
    return draft.id;
  }
  const keyOf = async (id: number): Promise<ApplicationKey> => {
    const row = (await ctx
      .db('applications')
      .where({ id })
      .first<
        { version: number; municipality: string; service_slug: string; submitted_at: unknown } | undefined
      >('version', 'municipality', 'service_slug', 'submitted_at'))!;
    return {
      id,
      version: Number(row.version),
      municipality: row.municipality,
      service_slug: row.service_slug,
      periods: periodsOf(row.submitted_at),
    };
  };

  it('when the writes of one START_REVIEW are replayed for another submitted application, then that one is left as the portal leaves it: in review, its version up by one, its own audit, outbox and counter rows', async () => {
    const sampleId = await submitted('capital', 'residence-certificate');
    const otherId = await submitted('muharraq', 'excavation-permit');
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
