import { expect } from 'chai';
import { createTestContext, dbLabel, type TestContext } from '../support/context.js';
import { makeResident } from '../support/people.js';
import { percentile } from '../../server/services/stats.js';
import { counterSpans } from '../../server/services/stats-counters.js';

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

  it('when a period is split into counter rows, then whole months come from month rows and the edges from day rows', () => {
    expect(counterSpans('2026-09-22', '2026-11-22')).to.deep.equal({
      months: ['2026-10'],
      days: [
        ['2026-09-22', '2026-09-30'],
        ['2026-11-01', '2026-11-22'],
      ],
    });
    expect(counterSpans('2028-02-01', '2028-02-29')).to.deep.equal({ months: ['2028-02'], days: [] });
    expect(counterSpans('2026-12-31', '2027-01-01')).to.deep.equal({
      months: [],
      days: [
        ['2026-12-31', '2026-12-31'],
        ['2027-01-01', '2027-01-01'],
      ],
    });
    expect(counterSpans('2026-11-05', '2026-11-05')).to.deep.equal({
      months: [],
      days: [['2026-11-05', '2026-11-05']],
    });
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
