import { expect } from 'chai';
import { createTestContext, dbLabel, type TestContext } from '../support/context.js';
import { makeResident } from '../support/people.js';
import { percentile } from '../../server/services/stats.js';
import { counterSpans, sliceOf } from '../../server/services/stats-counters.js';
import * as slicesMigration from '../../db/migrations/20261123000011_report_reads.js';

const at = (local: string) => new Date(`${local}+03:00`);

describe(`Statistics per service (${dbLabel})`, () => {
  let ctx: TestContext;
  let applicantId: number;
  before(async () => {
    ctx = await createTestContext();
    applicantId = (await makeResident(ctx)).id;
    ctx.clock.set(at('2026-11-20T12:00:00'));
    const rows: [string, string, string, string, string | null, string | null, string, boolean, number][] = [
      // service, status, channel, submitted, decided, sla due, municipality, in queue, queue due
      [
        'residence-certificate',
        'accepted',
        'web',
        '2026-11-01T10:00:00',
        '2026-11-03T10:00:00',
        '2026-11-04T10:00:00',
        'capital',
        false,
        0,
      ],
      [
        'residence-certificate',
        'rejected',
        'counter',
        '2026-11-02T09:00:00',
        '2026-11-09T09:00:00',
        '2026-11-05T09:00:00',
        'capital',
        false,
        0,
      ],
      [
        'residence-certificate',
        'withdrawn',
        'web',
        '2026-11-04T09:00:00',
        null,
        '2026-11-09T09:00:00',
        'capital',
        false,
        0,
      ],
      [
        'residence-certificate',
        'in_review',
        'phone',
        '2026-11-10T09:00:00',
        null,
        '2026-11-13T09:00:00',
        'capital',
        true,
        at('2026-11-13T09:00:00').getTime(),
      ],
      [
        'residence-certificate',
        'waiting_on_applicant',
        'email',
        '2026-11-11T09:00:00',
        null,
        null,
        'capital',
        true,
        9e12,
      ],
      [
        'excavation-permit',
        'accepted',
        'web',
        '2026-11-30T23:00:00',
        '2026-12-01T08:00:00',
        '2026-12-20T09:00:00',
        'capital',
        false,
        0,
      ],
      // outside the period (one minute before it starts), and another municipality
      [
        'excavation-permit',
        'accepted',
        'web',
        '2026-10-31T23:59:00',
        '2026-11-02T08:00:00',
        '2026-11-20T09:00:00',
        'capital',
        false,
        0,
      ],
      [
        'residence-certificate',
        'accepted',
        'web',
        '2026-11-05T09:00:00',
        '2026-11-06T09:00:00',
        '2026-11-10T09:00:00',
        'muharraq',
        false,
        0,
      ],
    ];
    for (const [slug, status, channel, submitted, decided, due, municipality, inQueue, queueDue] of rows) {
      await ctx.db('applications').insert({
        service_slug: slug,
        service_version: 1,
        applicant_id: applicantId,
        channel,
        municipality,
        department: 'customer-services',
        state: status,
        status,
        snapshot: '{}',
        form_data: '{}',
        submitted_at: at(submitted),
        decided_at: decided ? at(decided) : null,
        sla_due_at: due ? at(due) : null,
        in_queue: inQueue,
        queue_due_at: queueDue || 9e12,
        created_at: at(submitted),
        updated_at: at(submitted),
      });
    }
    // Waited on its applicant 3 working days (Mon 16 → Thu 19 Nov) of the 4 from Sun 15 to Thu 19 Nov.
    await ctx.db('applications').insert({
      service_slug: 'insurance-refund',
      service_version: 1,
      applicant_id: applicantId,
      channel: 'web',
      municipality: 'muharraq',
      department: 'customer-services',
      state: 'accepted',
      status: 'accepted',
      snapshot: '{}',
      form_data: '{}',
      submitted_at: at('2026-11-15T09:00:00'),
      decided_at: at('2026-11-19T09:00:00'),
      sla_due_at: at('2026-11-26T09:00:00'),
      waited_ms: 3 * 24 * 60 * 60 * 1000,
      created_at: at('2026-11-15T09:00:00'),
      updated_at: at('2026-11-19T09:00:00'),
    });
    // Rows written behind the workflow's back: the counters are recomputed from them.
    await ctx.services.stats.rebuild();
  });
  after(() => ctx.close());

  const capitalNovember = () =>
    ctx.services.stats.report({ from: '2026-11-01', to: '2026-11-30', municipality: 'capital' });

  it('when a period is chosen, then only applications submitted within it (local time, both ends included) are counted', async () => {
    const r = await capitalNovember();
    expect(r.total).to.equal(6);
    expect(r.services.map((s) => [s.slug, s.count])).to.deep.equal([
      ['residence-certificate', 5],
      ['excavation-permit', 1],
    ]);
    expect(r.services[0]!.share).to.be.closeTo(5 / 6, 1e-9);
  });

  it('when applications are open, withdrawn or waiting, then they count by status but not in decision times', async () => {
    const rc = (await capitalNovember()).services[0]!;
    expect(rc.byStatus).to.include({
      accepted: 1,
      rejected: 1,
      withdrawn: 1,
      in_review: 1,
      waiting_on_applicant: 1,
    });
    expect(rc.decided).to.equal(2);
  });

  it('when decision times are computed, then they are in working days (week-ends do not count) with median and 90th percentile', async () => {
    const rc = (await capitalNovember()).services[0]!;
    // Sun 1 Nov 10:00 → Tue 3 Nov 10:00: 2 working days. Mon 2 Nov → Mon 9 Nov: 5 working days.
    expect(rc.medianDays).to.equal(2);
    expect(rc.p90Days).to.equal(5);
    expect(rc.withinSla).to.equal(0.5);
  });

  it('when figures are asked per channel and month, then every channel is listed and months are local', async () => {
    const r = await capitalNovember();
    expect(r.byChannel).to.deep.equal({ web: 3, counter: 1, phone: 1, email: 1, partner: 0 });
    // 30 Nov 23:00 in Bahrain is still November, though it is 20:00 UTC.
    expect(r.byMonth).to.deep.equal([{ month: '2026-11', count: 6 }]);
  });

  it('when an open application is past its due time, then it shows as overdue now', async () => {
    const r = await capitalNovember();
    expect(r.overdueNow).to.deep.equal({ 'residence-certificate': 1 });
    expect(r.overdueTotal).to.equal(1);
  });

  it('when no municipality is chosen, then all four are counted', async () => {
    const r = await ctx.services.stats.report({ from: '2026-11-01', to: '2026-11-30', municipality: null });
    expect(r.total).to.equal(8);
  });

  it('when an application waited on its applicant, then the waiting is left out of its decision time', async () => {
    const r = await ctx.services.stats.report({
      from: '2026-11-01',
      to: '2026-11-30',
      municipality: 'muharraq',
    });
    const refund = r.services.find((s) => s.slug === 'insurance-refund')!;
    expect(refund.medianDays).to.equal(1);
    expect(refund.withinSla).to.equal(1);
  });

  it('when percentiles are taken, then the nearest-rank value is returned', () => {
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9)).to.equal(9);
    expect(percentile([4], 0.5)).to.equal(4);
    expect(percentile([], 0.5)).to.equal(null);
  });

  it('when a period is split into counter rows, then whole months and whole slices of a month come from their own rows and at most six days at each edge from day rows', () => {
    expect(counterSpans('2026-09-22', '2026-11-22')).to.deep.equal({
      keys: ['2026-09-d', '2026-09-e', '2026-10', '2026-11-a', '2026-11-b', '2026-11-c'],
      days: [['2026-11-22', '2026-11-22']],
    });
    expect(counterSpans('2026-09-23', '2026-11-21')).to.deep.equal({
      keys: ['2026-09-e', '2026-10', '2026-11-a', '2026-11-b', '2026-11-c'],
      days: [['2026-09-23', '2026-09-28']],
    });
    expect(counterSpans('2028-02-01', '2028-02-29')).to.deep.equal({ keys: ['2028-02'], days: [] });
    expect(counterSpans('2028-02-03', '2028-02-28')).to.deep.equal({
      keys: ['2028-02-b', '2028-02-c', '2028-02-d'],
      days: [['2028-02-03', '2028-02-07']],
    });
    expect(counterSpans('2026-12-31', '2027-01-01')).to.deep.equal({
      keys: [],
      days: [
        ['2026-12-31', '2026-12-31'],
        ['2027-01-01', '2027-01-01'],
      ],
    });
    expect(counterSpans('2026-11-05', '2026-11-05')).to.deep.equal({
      keys: [],
      days: [['2026-11-05', '2026-11-05']],
    });
    expect(counterSpans('2026-11-10', '2026-11-20')).to.deep.equal({
      keys: [],
      days: [['2026-11-10', '2026-11-20']],
    });
  });

  it('when every period of a year is counted from the rows, then each day is covered exactly once', () => {
    const dayKey = (d: Date) => d.toISOString().slice(0, 10);
    const start = Date.UTC(2027, 0, 1);
    // Periods within the first 400 days; the days after them are there to tell whole slices.
    const days = Array.from({ length: 440 }, (_, i) => dayKey(new Date(start + i * 86_400_000)));
    for (let i = 0; i < 400; i += 37) {
      for (let j = i; j < Math.min(400, i + 75); j += 11) {
        const { keys, days: ranges } = counterSpans(days[i]!, days[j]!);
        const covered = days.filter(
          (d) =>
            keys.some((k) => k === d.slice(0, 7) || k === sliceOf(d)) ||
            ranges.some(([first, last]) => first <= d && d <= last),
        );
        expect(covered, `${days[i]}…${days[j]}`).to.deep.equal(days.slice(i, j + 1));
        const twice = days.filter(
          (d) =>
            Number(keys.includes(d.slice(0, 7))) +
              Number(keys.includes(sliceOf(d))) +
              Number(ranges.some(([first, last]) => first <= d && d <= last)) >
            1,
        );
        expect(twice, `${days[i]}…${days[j]}`).to.deep.equal([]);
        // A day is read from its own row only when its slice is not wholly inside the period.
        const inPeriod = new Set(days.slice(i, j + 1));
        for (const [first, last] of ranges) {
          for (const d of days.filter((x) => first <= x && x <= last)) {
            const slice = days.filter((x) => sliceOf(x) === sliceOf(d));
            expect(
              slice.every((x) => inPeriod.has(x)),
              d,
            ).to.equal(false);
          }
        }
      }
    }
  });

  it('when an existing database is upgraded, then the migration makes the slice rows from the day rows and reports read the same figures', async () => {
    const sorted = async () =>
      (await ctx.db<Record<string, unknown>>('stats_daily').select()).sort((x, y) =>
        `${String(x.day)}|${String(x.municipality)}|${String(x.service_slug)}`.localeCompare(
          `${String(y.day)}|${String(y.municipality)}|${String(y.service_slug)}`,
        ),
      );
    const kept = await sorted();
    expect(kept.some((r) => String(r.day).endsWith('-a'))).to.equal(true);
    const period = { from: '2026-10-25', to: '2026-11-20', municipality: null };
    const before = await ctx.services.stats.report(period);
    await slicesMigration.down(ctx.db);
    expect((await sorted()).some((r) => String(r.day).length === 9)).to.equal(false);
    await slicesMigration.up(ctx.db);
    expect(await sorted()).to.deep.equal(kept);
    expect(await ctx.services.stats.report(period)).to.deep.equal(before);
  });

  it('when the period cuts a month, then only its days inside the period are counted', async () => {
    const r = await ctx.services.stats.report({
      from: '2026-11-02',
      to: '2026-11-10',
      municipality: 'capital',
    });
    // 2 Nov (rejected), 4 Nov (withdrawn) and 10 Nov (in review); not 1 Nov, 11 Nov or 30 Nov.
    expect(r.total).to.equal(3);
    expect(r.byMonth).to.deep.equal([{ month: '2026-11', count: 3 }]);
  });
});
