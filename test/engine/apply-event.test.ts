import { expect } from 'chai';
import { createTestContext, dbLabel, type TestContext } from '../support/context.js';
import { makeResident, makeStaff, type Person } from '../support/people.js';
import { applyEventService } from '../../server/services/apply-event.js';
import { outboxRepository } from '../../db/repositories/outbox.js';

describe(`Applying workflow events through the database (${dbLabel})`, () => {
  let ctx: TestContext;
  let applicant: Person;
  let reviewer: Person;
  let otherReviewer: Person;

  beforeEach(async () => {
    ctx = await createTestContext();
    applicant = await makeResident(ctx);
    reviewer = await makeStaff(ctx, 'reviewer');
    otherReviewer = await makeStaff(ctx, 'reviewer');
  });
  afterEach(() => ctx.close());

  const as = (p: Person) => ({ role: p.role, userId: p.id });

  async function underReview(): Promise<number> {
    const draft = await ctx.services.applications.createDraft({
      serviceSlug: 'residence-certificate',
      applicantId: applicant.id,
      municipality: 'capital',
    });
    expect(
      (
        await ctx.services.applyEvent({
          applicationId: draft.id,
          event: { type: 'SUBMIT' },
          actor: as(applicant),
        })
      ).ok,
    ).to.equal(true);
    const started = await ctx.services.applyEvent({
      applicationId: draft.id,
      event: { type: 'START_REVIEW' },
      actor: as(reviewer),
    });
    expect(started.ok, JSON.stringify(started)).to.equal(true);
    return draft.id;
  }

  const count = async (table: string, applicationId: number) =>
    Number((await ctx.db(table).where({ application_id: applicationId }).count({ n: '*' }))[0]?.n);

  it('when an application is submitted, then its status, audit row, outbox rows and SLA deadline are stored together', async () => {
    const draft = await ctx.services.applications.createDraft({
      serviceSlug: 'residence-certificate',
      applicantId: applicant.id,
      municipality: 'capital',
    });
    const result = await ctx.services.applyEvent({
      applicationId: draft.id,
      event: { type: 'SUBMIT' },
      actor: as(applicant),
    });
    expect(result.ok).to.equal(true);
    const row = await ctx.services.applications.findById(draft.id);
    expect(row).to.include({ status: 'submitted', state: 'submitted', version: 2 });
    expect(row?.submitted_at).to.not.equal(null);
    expect(row?.sla_due_at).to.not.equal(null);
    const events = await ctx.services.applications.events(draft.id);
    expect(events).to.have.length(1);
    expect(events[0]).to.include({
      event: 'SUBMIT',
      from_state: 'draft',
      to_state: 'submitted',
      actor_role: 'applicant',
      actor_id: applicant.id,
    });
    expect(await count('outbox', draft.id)).to.be.greaterThan(0);
    const deadlines = await ctx.db('deadlines').where({ application_id: draft.id });
    expect(deadlines.map((d: { key: string }) => d.key)).to.include('sla');
  });

  it('when a role that may not take an event sends it, then it gets 403 and nothing is written', async () => {
    const id = await underReview();
    const before = await ctx.services.applications.findById(id);
    const eventsBefore = await count('application_events', id);
    const result = await ctx.services.applyEvent({
      applicationId: id,
      event: { type: 'ACCEPT' },
      actor: as(applicant),
    });
    expect(result).to.include({ ok: false, status: 403, code: 'forbidden' });
    expect(await ctx.services.applications.findById(id)).to.deep.equal(before);
    expect(await count('application_events', id)).to.equal(eventsBefore);
  });

  it('when an event is impossible in the current state, then it gets 409 and nothing is written', async () => {
    const draft = await ctx.services.applications.createDraft({
      serviceSlug: 'residence-certificate',
      applicantId: applicant.id,
      municipality: 'capital',
    });
    const result = await ctx.services.applyEvent({
      applicationId: draft.id,
      event: { type: 'ACCEPT' },
      actor: as(reviewer),
    });
    expect(result).to.include({ ok: false, status: 409, code: 'not_possible' });
    expect(await count('application_events', draft.id)).to.equal(0);
  });

  for (const [label, comment] of [
    ['no', undefined],
    ['an empty', ''],
    ['a whitespace-only', '   \n\t '],
  ] as const) {
    it(`when a reviewer rejects with ${label} comment, then it is refused and nothing changes`, async () => {
      const id = await underReview();
      const result = await ctx.services.applyEvent({
        applicationId: id,
        event: { type: 'REJECT', ...(comment === undefined ? {} : { comment }) },
        actor: as(reviewer),
      });
      expect(result).to.include({ ok: false, code: 'comment_required' });
      expect((await ctx.services.applications.findById(id))?.status).to.equal('in_review');
    });
  }

  it('when a reviewer rejects with a reason, then the reason is in the audit trail and the query window opens', async () => {
    const id = await underReview();
    const result = await ctx.services.applyEvent({
      applicationId: id,
      event: { type: 'REJECT', comment: 'The lease has expired.' },
      actor: as(reviewer),
    });
    expect(result.ok).to.equal(true);
    const last = (await ctx.services.applications.events(id)).at(-1);
    expect(last).to.include({ event: 'REJECT', comment: 'The lease has expired.', to_status: 'rejected' });
    const keys = (await ctx.db('deadlines').where({ application_id: id })).map((d: { key: string }) => d.key);
    expect(keys).to.deep.equal(['queryWindow']);
    expect((await ctx.services.applications.findById(id))?.decided_at).to.not.equal(null);
  });

  it('when two reviewers decide at the same moment, then exactly one succeeds and the other gets 409', async () => {
    const id = await underReview();
    const results = await Promise.all([
      ctx.services.applyEvent({ applicationId: id, event: { type: 'ACCEPT' }, actor: as(reviewer) }),
      ctx.services.applyEvent({
        applicationId: id,
        event: { type: 'REJECT', comment: 'Incomplete documents.' },
        actor: as(otherReviewer),
      }),
    ]);
    const ok = results.filter((r) => r.ok);
    const refused = results.filter((r) => !r.ok);
    expect(ok).to.have.length(1);
    expect(refused).to.have.length(1);
    expect(refused[0]).to.include({ status: 409 });
    const events = await ctx.services.applications.events(id);
    expect(events.filter((e) => e.event === 'ACCEPT' || e.event === 'REJECT')).to.have.length(1);
  });

  it('when the person acted on an older version of the application, then the event gets 409', async () => {
    const id = await underReview();
    const seen = (await ctx.services.applications.findById(id))!.version;
    await ctx.services.applyEvent({
      applicationId: id,
      event: { type: 'REQUEST_INFO', comment: 'Please add the lease.' },
      actor: as(reviewer),
    });
    const late = await ctx.services.applyEvent({
      applicationId: id,
      event: { type: 'ACCEPT' },
      actor: as(otherReviewer),
      expectedVersion: seen,
    });
    expect(late).to.include({ ok: false, status: 409, code: 'conflict' });
  });

  // One write fails: the outbox at once (before the writes sent with it are answered), or a hook after
  // all the others have been answered. Either way the transaction keeps none of them.
  const failures = {
    'the outbox fails at once': () => ({
      outbox: { ...outboxRepository(ctx.db), add: () => Promise.reject(new Error('disk full')) },
    }),
    'a hook fails after the other writes are done': () => ({
      inTransaction: [
        async () => {
          await new Promise((resolve) => setTimeout(resolve, 200));
          throw new Error('disk full');
        },
      ],
    }),
  };
  for (const [failure, wiring] of Object.entries(failures)) {
    it(`when ${failure}, then the application, audit trail, outbox, deadlines and counters stay exactly as before`, async () => {
      const id = await underReview();
      const applyEvent = applyEventService({
        db: ctx.db,
        registry: ctx.services.registry,
        clock: ctx.clock,
        calendar: ctx.services.calendar,
        ...wiring(),
      });
      const tables = ['application_events', 'outbox', 'deadlines'];
      const rowsOf = () =>
        Promise.all(tables.map((t) => ctx.db(t).where({ application_id: id }).orderBy('id')));
      const countersNow = () => ctx.db('stats_daily').orderBy(['day', 'service_slug', 'municipality']);
      const [row, before, counters] = [
        await ctx.services.applications.findById(id),
        await rowsOf(),
        await countersNow(),
      ];
      let error: unknown;
      try {
        await applyEvent({
          applicationId: id,
          event: { type: 'REJECT', comment: 'The lease has expired.' },
          actor: as(reviewer),
        });
      } catch (err) {
        error = err;
      }
      expect(String(error)).to.contain('disk full');
      expect(await ctx.services.applications.findById(id)).to.deep.equal(row);
      expect(await rowsOf()).to.deep.equal(before);
      expect(await countersNow()).to.deep.equal(counters);
    });
  }

  it('when an unknown event type is sent, then it is refused without touching the application', async () => {
    const id = await underReview();
    const result = await ctx.services.applyEvent({
      applicationId: id,
      event: { type: 'xstate.init' },
      actor: as(reviewer),
    });
    expect(result.ok).to.equal(false);
    expect(await count('application_events', id)).to.equal(2);
  });

  it('when an application waits on its applicant and comes back, then the working time it waited is added up and left out of its decision time', async () => {
    // Sunday 22 Nov 2026, 11:00 in Bahrain.
    ctx.clock.set(new Date('2026-11-22T08:00:00Z'));
    const id = await underReview();
    const requested = await ctx.services.applyEvent({
      applicationId: id,
      event: { type: 'REQUEST_INFO', comment: 'Please add the lease.' },
      actor: as(reviewer),
    });
    expect(requested.ok, JSON.stringify(requested)).to.equal(true);
    expect(new Date(requested.ok ? requested.application.waiting_since! : 0).toISOString()).to.equal(
      '2026-11-22T08:00:00.000Z',
    );
    // Back on Tuesday at the same hour: two working days later.
    ctx.clock.set(new Date('2026-11-24T08:00:00Z'));
    const resubmitted = await ctx.services.applyEvent({
      applicationId: id,
      event: { type: 'RESUBMIT' },
      actor: as(applicant),
    });
    expect(resubmitted.ok, JSON.stringify(resubmitted)).to.equal(true);
    const row = (await ctx.services.applications.findById(id))!;
    expect(row.waiting_since).to.equal(null);
    expect(Number(row.waited_ms)).to.equal(2 * 24 * 60 * 60 * 1000);
    // Decided on Wednesday at the same hour: 3 working days since submission, 1 of them the council's.
    ctx.clock.set(new Date('2026-11-25T08:00:00Z'));
    await ctx.services.applyEvent({
      applicationId: id,
      event: { type: 'START_REVIEW' },
      actor: as(reviewer),
    });
    const accepted = await ctx.services.applyEvent({
      applicationId: id,
      event: { type: 'ACCEPT' },
      actor: as(reviewer),
    });
    expect(accepted.ok, JSON.stringify(accepted)).to.equal(true);
    const report = await ctx.services.stats.report({
      from: '2026-11-01',
      to: '2026-11-30',
      municipality: 'capital',
    });
    expect(report.services[0]).to.include({
      slug: 'residence-certificate',
      count: 1,
      decided: 1,
      medianDays: 1,
    });
  });
});
