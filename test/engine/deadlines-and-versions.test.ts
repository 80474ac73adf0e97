import { expect } from 'chai';
import { createTestContext, dbLabel, type TestContext } from '../support/context.js';
import { makeResident, makeStaff, type Person } from '../support/people.js';
import { createServices } from '../../server/services/index.js';
import { createRegistry } from '../../workflows/registry.js';
import { defineService } from '../../workflows/define-service.js';
import { standardReview } from '../../workflows/standard-review.js';
import residenceCertificate from '../../workflows/services/residence-certificate.js';
import { applicationsRepository } from '../../db/repositories/applications.js';

/** Bahrain is UTC+3: 10:00 local is 07:00Z. */
const local = (day: string, hhmm = '10:00') => new Date(`${day}T${hhmm}:00+03:00`);
const iso = (d: unknown) => new Date(d as string).toISOString();

describe(`Deadlines and service-level times (${dbLabel})`, () => {
  let ctx: TestContext;
  let applicant: Person;
  let reviewer: Person;
  let supervisor: Person;

  beforeEach(async () => {
    ctx = await createTestContext();
    applicant = await makeResident(ctx);
    reviewer = await makeStaff(ctx, 'reviewer');
    supervisor = await makeStaff(ctx, 'supervisor');
  });
  afterEach(() => ctx.close());

  const as = (p: Person) => ({ role: p.role, userId: p.id });
  async function send(id: number, type: string, actor: Person, extra: Record<string, unknown> = {}) {
    const result = await ctx.services.applyEvent({
      applicationId: id,
      event: { type, ...extra },
      actor: as(actor),
    });
    expect(result.ok, `${type}: ${JSON.stringify(result)}`).to.equal(true);
  }
  async function submitAt(when: Date): Promise<number> {
    ctx.clock.set(when);
    const draft = await ctx.services.applications.createDraft({
      serviceSlug: 'residence-certificate',
      applicantId: applicant.id,
      municipality: 'capital',
    });
    await send(draft.id, 'SUBMIT', applicant);
    return draft.id;
  }
  const row = async (id: number) => (await ctx.services.applications.findById(id))!;

  it('when a 3-working-day service is submitted on a Wednesday, then it is due on Monday (Friday and Saturday do not count)', async () => {
    const id = await submitAt(local('2026-12-09'));
    expect(iso((await row(id)).sla_due_at)).to.equal(local('2026-12-14').toISOString());
  });

  it('when the service-level time crosses the National Day holidays and a week-end, then those days do not count', async () => {
    const id = await submitAt(local('2026-12-14'));
    expect(iso((await row(id)).sla_due_at)).to.equal(local('2026-12-21').toISOString());
  });

  it('when more information is requested, then the clock pauses and resumes with only the time that was left', async () => {
    const id = await submitAt(local('2026-12-14'));
    await send(id, 'START_REVIEW', reviewer);
    ctx.clock.set(local('2026-12-15'));
    await send(id, 'REQUEST_INFO', reviewer, { comment: 'Please attach the lease.' });
    const paused = await row(id);
    expect(paused.status).to.equal('waiting_on_applicant');
    expect(paused.sla_due_at).to.equal(null);
    expect(await ctx.db('deadlines').where({ application_id: id, key: 'sla' })).to.have.length(0);
    ctx.clock.set(local('2026-12-20'));
    await send(id, 'RESUBMIT', applicant);
    // One working day was used (Mon 14 → Tue 15), two remain from Sunday 20: due Tuesday 22.
    expect(iso((await row(id)).sla_due_at)).to.equal(local('2026-12-22').toISOString());
  });

  it('when the service-level time passes, then the sweeper escalates once and the supervisors are told', async () => {
    const id = await submitAt(local('2026-12-09'));
    await send(id, 'START_REVIEW', reviewer);
    ctx.clock.set(local('2026-12-14', '10:01'));
    const [a, b] = await Promise.all([ctx.services.deadlines.runOnce(), ctx.services.deadlines.runOnce()]);
    expect(a + b).to.equal(1);
    expect(await ctx.services.deadlines.runOnce()).to.equal(0);
    const escalated = await row(id);
    expect(Boolean(escalated.escalated)).to.equal(true);
    expect(escalated.status).to.equal('in_review');
    const events = await ctx.services.applications.events(id);
    expect(events.filter((e) => e.event === 'SLA_ESCALATE')).to.have.length(1);
    expect(events.at(-1)).to.include({ actor_role: 'system', actor_id: null });
    await ctx.services.outbox.runOnce();
    const notices = await ctx
      .db('notifications')
      .where({ user_id: supervisor.id, template: 'sla_escalated' });
    expect(notices).to.have.length(1);
  });

  it('when a deadline read by a sweeper is re-armed before it fires, then the sweeper cannot fire it and the later due time stands', async () => {
    const id = await submitAt(local('2026-12-09'));
    await send(id, 'START_REVIEW', reviewer);
    ctx.clock.set(local('2026-12-14', '10:01'));
    const [due] = await ctx.db('deadlines').where({ application_id: id, key: 'sla' });
    // Re-armed in the meantime (the row keeps its id; one upsert): due again a week later.
    const later = local('2026-12-21');
    await ctx.db.transaction((trx) =>
      applicationsRepository(ctx.db).replaceDeadlines(
        trx,
        id,
        { cancelAll: false, cancel: [], arm: [{ key: 'sla', event: 'SLA_ESCALATE', dueAt: later }] },
        ctx.clock.now(),
      ),
    );
    const rows = await ctx.db('deadlines').where({ application_id: id });
    expect(rows.map((r) => [Number(r.id), Number(r.due_at)])).to.deep.equal([
      [Number(due.id), later.getTime()],
    ]);
    const fired = await ctx.services.applyEvent({
      applicationId: id,
      event: { type: 'SLA_ESCALATE' },
      actor: { role: 'system', userId: null },
      deadlineId: Number(due.id),
    });
    expect(fired.ok ? 'fired' : fired.code).to.equal('conflict');
    expect(Boolean((await row(id)).escalated)).to.equal(false);
    expect(await ctx.db('deadlines').where({ application_id: id })).to.have.length(1);
  });

  it('when the query window closes, then the rejection becomes final and a late query is refused', async () => {
    const id = await submitAt(local('2026-12-01'));
    await send(id, 'START_REVIEW', reviewer);
    await send(id, 'REJECT', reviewer, { comment: 'The address is outside the municipality.' });
    ctx.clock.set(local('2027-01-15'));
    const late = await ctx.services.applyEvent({
      applicationId: id,
      event: { type: 'RAISE_QUERY', comment: 'Why?' },
      actor: as(applicant),
    });
    expect(late.ok).to.equal(false);
    expect(await ctx.services.deadlines.runOnce()).to.equal(1);
    expect(await row(id)).to.include({ state: 'rejection_final', status: 'rejected' });
    expect(await ctx.db('deadlines').where({ application_id: id })).to.have.length(0);
  });

  it('when a query is raised within the window, then a supervisor other than the one who rejected can reopen it', async () => {
    const id = await submitAt(local('2026-12-01'));
    await send(id, 'START_REVIEW', supervisor);
    await send(id, 'REJECT', supervisor, { comment: 'Missing lease.' });
    ctx.clock.set(local('2026-12-03'));
    await send(id, 'RAISE_QUERY', applicant, { comment: 'The lease was attached as page 2.' });
    const same = await ctx.services.applyEvent({
      applicationId: id,
      event: { type: 'REOPEN' },
      actor: as(supervisor),
    });
    expect(same).to.include({ ok: false, status: 403, code: 'same_person' });
    const other = await makeStaff(ctx, 'supervisor');
    await send(id, 'REOPEN', other);
    expect((await row(id)).status).to.equal('in_review');
  });
});

describe(`Workflow versions (${dbLabel})`, () => {
  let ctx: TestContext;
  afterEach(() => ctx.close());

  it('when version 2 of a service ships while a version 1 application is under review, then new applications use v2 and the old one finishes on v1', async () => {
    const v1 = residenceCertificate;
    const { workflow: _workflow, ...data } = v1;
    const v2 = defineService({
      ...data,
      version: 2,
      guide: { ...data.guide, slaDays: 5 },
      workflow: standardReview({ siteInspection: true }),
    });
    ctx = await createTestContext({ registry: createRegistry([v1]) });
    const applicant = await makeResident(ctx);
    const reviewer = await makeStaff(ctx, 'reviewer');
    const actor = (p: Person) => ({ role: p.role, userId: p.id });
    const old = await ctx.services.applications.createDraft({
      serviceSlug: 'residence-certificate',
      applicantId: applicant.id,
      municipality: 'capital',
    });
    await ctx.services.applyEvent({
      applicationId: old.id,
      event: { type: 'SUBMIT' },
      actor: actor(applicant),
    });
    await ctx.services.applyEvent({
      applicationId: old.id,
      event: { type: 'START_REVIEW' },
      actor: actor(reviewer),
    });

    // Release v2: the running portal restarts with both versions registered.
    const services = createServices({
      db: ctx.db,
      config: ctx.config,
      clock: ctx.clock,
      logger: ctx.logger,
      registry: createRegistry([v1, v2]),
    });
    const fresh = await services.applications.createDraft({
      serviceSlug: 'residence-certificate',
      applicantId: applicant.id,
      municipality: 'capital',
    });
    expect(fresh.service_version).to.equal(2);
    await services.applyEvent({
      applicationId: fresh.id,
      event: { type: 'SUBMIT' },
      actor: actor(applicant),
    });
    await services.applyEvent({
      applicationId: fresh.id,
      event: { type: 'START_REVIEW' },
      actor: actor(reviewer),
    });
    // v2 needs a site inspection before it can be accepted; v1 does not.
    const v2Accept = await services.applyEvent({
      applicationId: fresh.id,
      event: { type: 'ACCEPT' },
      actor: actor(reviewer),
    });
    expect(v2Accept.ok).to.equal(false);
    const v1Accept = await services.applyEvent({
      applicationId: old.id,
      event: { type: 'ACCEPT' },
      actor: actor(reviewer),
    });
    expect(v1Accept.ok, JSON.stringify(v1Accept)).to.equal(true);
    expect(await services.applications.findById(old.id)).to.include({
      service_version: 1,
      status: 'accepted',
    });
  });
});
