import { expect } from 'chai';
import { createTestContext, dbLabel, type TestContext } from '../support/context.js';
import { csrfFrom, type Agent } from '../support/http.js';
import { makeResident, makeStaff, type Person } from '../support/people.js';
import { createServices, type Services } from '../../server/services/index.js';
import { createRegistry } from '../../workflows/registry.js';
import { sampleService } from '../workflows/support/workflow-fixtures.js';
import { nationalAdmin, signedIn } from './support.js';

const SLUG = 'sample-permit';

describe(`Moving applications in flight onto a new version (${dbLabel})`, () => {
  // Version 1 inspects the site; version 2 does not, and says where inspected applications go.
  // Applications waiting on more information stay on version 1 (`stay`).
  const v1 = sampleService({ siteInspection: true });
  const v2 = sampleService(
    {},
    {
      version: 2,
      migrateFrom: { version: 1, states: { inspection_scheduled: 'under_review' }, stay: ['info_requested'] },
    },
  );
  let ctx: TestContext;
  let before: Services;
  let admin: { person: Person; agent: Agent };
  let reviewer: Person;
  const ids = { submitted: 0, inspection: 0, info: 0, accepted: 0 };

  beforeEach(async () => {
    ctx = await createTestContext({ registry: createRegistry([v1, v2]) });
    // The portal as it was before version 2 shipped, on the same database.
    before = createServices({
      db: ctx.db,
      config: ctx.config,
      clock: ctx.clock,
      logger: ctx.logger,
      registry: createRegistry([v1]),
    });
    admin = await nationalAdmin(ctx);
    reviewer = await makeStaff(ctx, 'reviewer', 'capital', 'engineering');
    const act = async (id: number, type: string, who: { role: Person['role']; id: number }, extra = {}) => {
      const result = await before.applyEvent({
        applicationId: id,
        event: { type, ...extra },
        actor: { role: who.role, userId: who.id },
      });
      expect(result.ok, `${type}: ${JSON.stringify(result)}`).to.equal(true);
    };
    const start = async (steps: [string, Record<string, unknown>?][]) => {
      const resident = await makeResident(ctx);
      const draft = await before.applications.createDraft({
        serviceSlug: SLUG,
        applicantId: resident.id,
        municipality: 'capital',
      });
      for (const [type, extra] of steps) {
        await act(draft.id, type, ['SUBMIT', 'RESUBMIT'].includes(type) ? resident : reviewer, extra);
      }
      return draft.id;
    };
    ids.submitted = await start([['SUBMIT']]);
    ids.inspection = await start([
      ['SUBMIT'],
      ['START_REVIEW'],
      ['SCHEDULE_INSPECTION', { date: '2026-12-01', inspector: 'Eng. Ali Hasan' }],
    ]);
    ids.info = await start([
      ['SUBMIT'],
      ['START_REVIEW'],
      ['REQUEST_INFO', { comment: 'Please attach the lease.' }],
    ]);
    ids.accepted = await start([
      ['SUBMIT'],
      ['START_REVIEW'],
      ['SCHEDULE_INSPECTION', { date: '2026-12-01', inspector: 'Eng. Ali Hasan' }],
      ['INSPECTION_PASSED'],
      ['ACCEPT'],
    ]);
  });
  afterEach(() => ctx.close());

  const row = async (id: number) => (await ctx.services.applications.findById(id))!;

  it('when an administrator asks for a dry run, then it lists what would move and what stays, and changes nothing', async () => {
    const page = await admin.agent.get(`/admin/services/${SLUG}/migration`);
    expect(page.status).to.equal(200);
    const plan = (await ctx.services.serviceAdmin.plan(SLUG))!;
    expect(plan.move.map((m) => [m.id, m.from, m.to])).to.deep.equal([
      [ids.submitted, 'submitted', 'submitted'],
      [ids.inspection, 'inspection_scheduled', 'under_review'],
    ]);
    expect(plan.stay.map((m) => [m.id, m.from, m.reason])).to.deep.equal([
      [ids.info, 'info_requested', 'stays'],
    ]);
    expect(page.text).to.match(
      /class="migration-move">[\s\S]*inspection_scheduled<\/code> → <code dir="ltr">under_review/,
    );
    expect(page.text).to.match(/class="migration-stay">[\s\S]*info_requested/);
    for (const id of Object.values(ids)) expect((await row(id)).service_version).to.equal(1);
    expect(await ctx.db('application_events').where({ event: 'MIGRATE_VERSION' })).to.have.length(0);
  });

  it('when the migration is run, then each application moves in its own transaction with an audit row, the one the mapping leaves stays on its version and is reported, and finished ones are untouched', async () => {
    const dry = await admin.agent.get(`/admin/services/${SLUG}/migration`);
    const res = await admin.agent
      .post(`/admin/services/${SLUG}/migration`)
      .type('form')
      .send({ _csrf: csrfFrom(dry.text) });
    expect(res.status).to.equal(200);
    expect(res.text).to.contain('id="migration-result"');
    expect(res.text).to.match(/class="migration-stay">[\s\S]*info_requested/);

    const moved = await row(ids.inspection);
    expect(moved).to.include({ service_version: 2, state: 'under_review', status: 'in_review' });
    expect(await row(ids.submitted)).to.include({ service_version: 2, state: 'submitted' });
    expect(await row(ids.info)).to.include({ service_version: 1, state: 'info_requested' });
    expect(await row(ids.accepted)).to.include({ service_version: 1, state: 'accepted' });

    const audit = await ctx
      .db('application_events')
      .where({ event: 'MIGRATE_VERSION' })
      .orderBy('application_id');
    expect(audit).to.have.length(2);
    const inspected = audit.find((a: { application_id: number }) => a.application_id === ids.inspection);
    expect(inspected).to.include({
      actor_id: admin.person.id,
      actor_role: 'admin',
      from_state: 'inspection_scheduled',
      to_state: 'under_review',
    });
    expect(JSON.parse(inspected.payload as string)).to.deep.equal({ fromVersion: 1, toVersion: 2 });

    // The moved application follows version 2 (no inspection needed to approve)…
    const accept = await ctx.services.applyEvent({
      applicationId: ids.inspection,
      event: { type: 'ACCEPT' },
      actor: { role: 'reviewer', userId: reviewer.id },
    });
    expect(accept.ok, JSON.stringify(accept)).to.equal(true);
    // …and the one that stayed finishes on version 1.
    const resident = (await row(ids.info)).applicant_id;
    const resubmit = await ctx.services.applyEvent({
      applicationId: ids.info,
      event: { type: 'RESUBMIT' },
      actor: { role: 'applicant', userId: resident },
    });
    expect(resubmit.ok).to.equal(true);
    expect((await row(ids.info)).service_version).to.equal(1);

    // Once it has left the state that stays, a later run moves it; nothing else moves twice.
    const again = await ctx.services.serviceAdmin.migrate(SLUG, admin.person.id);
    expect(again.ok && again.moved.map((m) => [m.id, m.from, m.to])).to.deep.equal([
      [ids.info, 'under_review', 'under_review'],
    ]);
    expect(await ctx.db('application_events').where({ event: 'MIGRATE_VERSION' })).to.have.length(3);
    const list = await admin.agent.get('/admin/services');
    expect(list.text).to.match(/data-slug="sample-permit"[\s\S]*?data-version="1">/);
  });

  it('when a municipal administrator tries to run it, then it is refused and nothing moves', async () => {
    const municipal = await makeStaff(ctx, 'admin', 'capital');
    const agent = await signedIn(ctx, municipal);
    const page = await agent.get(`/admin/services/${SLUG}/migration`);
    expect(page.text).to.not.contain('id="run-migration"');
    const res = await agent
      .post(`/admin/services/${SLUG}/migration`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text) });
    expect(res.status).to.equal(403);
    expect((await row(ids.inspection)).service_version).to.equal(1);
  });
});
