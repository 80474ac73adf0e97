import { expect } from 'chai';
import type { Knex } from 'knex';
import { freshDatabase, dbLabel, sharedRegistry } from '../support/context.js';
import { loadConfig } from '../../server/config.js';
import { createLogger } from '../../server/logger.js';
import { fixedClock } from '../../server/clock.js';
import { createServices } from '../../server/services/index.js';
import { seedDemoAccounts, seedDemoApplications } from '../../server/services/demo-seed.js';
import type { StatsReport } from '../../server/services/stats.js';

/** SERVICES.md: the published two months, as the ministry reported them. */
const PUBLISHED: Record<string, number> = {
  'residence-certificate': 1751,
  'municipal-account-opening': 550,
  'insurance-refund': 453,
  'excavation-permit': 284,
  'building-completion-certificate': 250,
};

describe(`Demo data on a fresh install (${dbLabel})`, function () {
  this.timeout(180_000);
  let db: Knex;
  let cleanup: () => void;
  let report: StatsReport;
  let created: number;
  let services: ReturnType<typeof createServices>;

  before(async () => {
    const fresh = await freshDatabase();
    db = fresh.db;
    cleanup = fresh.cleanup;
    const clock = fixedClock(new Date('2026-11-22T09:00:00Z'));
    const logger = createLogger('silent');
    services = createServices({
      db,
      config: loadConfig({ NODE_ENV: 'test' }),
      clock,
      logger,
      registry: await sharedRegistry(),
    });
    const period = services.stats.defaultPeriod();
    created = await seedDemoApplications({
      db,
      databaseUrl: fresh.url,
      period,
      now: new Date(`${period.to}T00:00:00+03:00`),
      logger,
      issueCertificate: (id, options) => services.certificates.issueFor(id, options),
    });
    report = await services.stats.report({ ...period, municipality: null });
  });
  after(async () => {
    await db.destroy();
    cleanup();
  });

  it('when the dashboard opens on its default period, then it shows the published 4,028 e-transactions with the five published services exactly', () => {
    expect(created).to.equal(4028);
    expect(report.total).to.equal(4028);
    const counts = Object.fromEntries(report.services.map((s) => [s.slug, s.count]));
    for (const [slug, n] of Object.entries(PUBLISHED)) expect(counts[slug], slug).to.equal(n);
    expect(report.services.slice(0, 5).map((s) => s.slug)).to.deep.equal(Object.keys(PUBLISHED));
    const others = report.services.filter((s) => !(s.slug in PUBLISHED));
    expect(others.reduce((n, s) => n + s.count, 0)).to.equal(740);
    expect(others.length).to.equal(18);
  });

  it('when the demo figures are broken down, then statuses, channels, months and decision times look like a working portal', () => {
    expect(report.byStatus.accepted).to.be.greaterThan(report.byStatus.rejected!);
    expect(report.byStatus.rejected).to.be.greaterThan(0);
    expect(report.byStatus.in_review! + report.byStatus.submitted!).to.be.greaterThan(0);
    expect(report.byStatus.withdrawn).to.be.greaterThan(0);
    expect(report.byChannel.web).to.be.greaterThan(report.byChannel.counter!);
    expect(report.byChannel.counter).to.be.greaterThan(0);
    expect(report.byMonth.length).to.be.within(2, 3);
    const residence = report.services[0]!;
    expect(residence.medianDays).to.be.a('number');
    expect(residence.p90Days!).to.be.at.least(residence.medianDays!);
    expect(residence.withinSla).to.be.within(0.5, 1);
  });

  it('when a demo certificate application was accepted, then its certificate exists and verifies', async () => {
    const accepted = await db('applications')
      .where({ status: 'accepted', service_slug: 'residence-certificate' })
      .pluck<number[]>('id');
    expect(accepted.length).to.be.greaterThan(100);
    const issued = await db('certificates')
      .whereIn('application_id', accepted)
      .select('application_id', 'code');
    expect(issued).to.have.length(accepted.length);
    const verified = await services.certificates.verify(String((issued[0] as { code: string }).code));
    expect(verified.status).to.be.oneOf(['valid', 'expired']);
  });

  it('when a demo certificate is read, then it is dated moments after its application was accepted, weeks before the seed, and numbered as its outcome says', async () => {
    type Dated = Date | string | number;
    const rows = await db('certificates as c')
      .join('applications as a', 'a.id', 'c.application_id')
      .select<{ issued_at: Dated; number: string; decided_at: Dated; outcome: string }[]>(
        'c.issued_at',
        'c.number',
        'a.decided_at',
        'a.outcome',
      );
    expect(rows.length).to.be.greaterThan(100);
    const seededAt = new Date(`${services.stats.defaultPeriod().to}T00:00:00+03:00`).getTime();
    const ages = new Set<number>();
    for (const row of rows) {
      const issued = new Date(row.issued_at).getTime();
      const decided = new Date(row.decided_at).getTime();
      const { certificate } = JSON.parse(row.outcome) as {
        certificate: { number: string; issuedAt: string };
      };
      expect(issued - decided, row.number).to.equal(30_000);
      expect(issued).to.equal(new Date(certificate.issuedAt).getTime());
      expect(row.number).to.equal(certificate.number);
      ages.add(Math.floor((seededAt - issued) / (7 * 24 * 3600 * 1000)));
    }
    // Spread over the demo's weeks, as the decisions were: not all on the day of the seed.
    expect(ages.size).to.be.greaterThan(4);
  });

  it('when a demo application of each service is opened, then its one-line answers read as real ones (permit numbers, names), not the same filler everywhere', async () => {
    const registry = await sharedRegistry();
    const fillers = new Set<string>();
    let textAnswers = 0;
    for (const slug of await db('applications').distinct().pluck<string[]>('service_slug')) {
      const row = await db('applications')
        .where({ service_slug: slug })
        .whereNot({ status: 'draft' })
        .first<{ form_data: string; service_version: number }>('form_data', 'service_version');
      const definition = registry.get(slug, Number(row.service_version))!;
      const answers = JSON.parse(row.form_data) as Record<string, unknown>;
      for (const field of definition.fields) {
        if (field.type !== 'text' || typeof answers[field.key] !== 'string') continue;
        textAnswers++;
        if (answers[field.key] === 'Municipal services request') fillers.add(`${slug}.${field.key}`);
      }
    }
    expect(textAnswers).to.be.greaterThan(10);
    expect([...fillers]).to.deep.equal([]);
    const road = await db('applications')
      .where({ service_slug: 'road-occupancy-permit' })
      .first<{ form_data: string }>('form_data');
    const relatedPermit = (JSON.parse(road.form_data) as Record<string, unknown>).relatedPermit;
    if (relatedPermit !== undefined) expect(relatedPermit).to.match(/\d/);
  });

  it('when a demo application’s timeline is read, then it has every event that brought it to its status, by whom and with the rejection’s reason', async () => {
    let holder: unknown;
    /** The audit trail of the first demo application with `status`; `holder` is who holds it. */
    const timeline = async (status: string) => {
      const row = await db('applications')
        .where({ status })
        .orderBy('id')
        .first<{ id: number; assigned_to: unknown }>('id', 'assigned_to');
      holder = row.assigned_to;
      return services.applications.events(Number(row.id));
    };
    const accepted = await timeline('accepted');
    expect(accepted.map((e) => e.event)).to.include.members(['SUBMIT', 'START_REVIEW', 'ACCEPT']);
    const acceptance = accepted.find((e) => e.event === 'ACCEPT')!;
    expect(acceptance).to.include({ to_status: 'accepted', actor_role: 'reviewer' });
    // The reviewer who decided is the one who holds the application.
    expect(Number(acceptance.actor_id)).to.equal(Number(holder));
    const rejected = await timeline('rejected');
    const rejection = rejected.find((e) => e.event === 'REJECT');
    expect(rejection).to.include({ from_state: 'under_review', to_status: 'rejected' });
    expect(rejection?.comment).to.be.a('string').that.is.not.empty;
    // In time order, each event starting where the one before it ended.
    for (const events of [accepted, rejected]) {
      for (let i = 1; i < events.length; i++) {
        expect(new Date(events[i]!.created_at as string).getTime()).to.be.at.least(
          new Date(events[i - 1]!.created_at as string).getTime(),
        );
        expect(events[i]!.from_status).to.equal(events[i - 1]!.to_status);
      }
    }
    const inReview = await timeline('in_review');
    expect(inReview.map((e) => e.event)).to.include('START_REVIEW');
  });

  it('when demo staff ask for more information or reject, or an applicant raises a query, then it is written in the language the applicant reads', async () => {
    const written = await db('application_events as e')
      .join('applications as a', 'a.id', 'e.application_id')
      .join('users as u', 'u.id', 'a.applicant_id')
      .whereIn('e.event', ['REQUEST_INFO', 'REJECT', 'RAISE_QUERY', 'UPHOLD'])
      .select<{ event: string; comment: string; lang: string }[]>(
        'e.event',
        'e.comment',
        'u.preferred_lang as lang',
      );
    const arabic = /[\u0600-\u06ff]/;
    for (const lang of ['ar', 'en']) {
      const mine = written.filter((w) => w.lang === lang);
      expect(new Set(mine.map((w) => w.event)), lang)
        .to.include('REJECT')
        .and.include('REQUEST_INFO');
      for (const w of mine)
        expect(arabic.test(w.comment), `${w.event} to a reader of ${lang}`).to.equal(lang === 'ar');
    }
  });

  it('when the portal starts again on a database with applications, then no more demo data is added', async () => {
    const period = services.stats.defaultPeriod();
    const again = await seedDemoApplications({
      db,
      databaseUrl: 'unused://not-opened',
      period,
      now: new Date(`${period.to}T00:00:00+03:00`),
      logger: createLogger('silent'),
    });
    expect(again).to.equal(0);
    expect((await services.stats.report({ ...period, municipality: null })).total).to.equal(4028);
  });
});

describe(`Demo staff accounts (${dbLabel})`, () => {
  it('when the demo staff accounts are made, then each has a person’s name, not its role and municipality', async () => {
    // On an install of its own: staff made with the demo applications would stop it, as on a real start.
    // (Its own describe: on PostgreSQL a fresh database replaces the one the tests above share.)
    const own = await freshDatabase();
    const ownServices = createServices({
      db: own.db,
      config: loadConfig({ NODE_ENV: 'test' }),
      clock: fixedClock(new Date('2026-11-22T09:00:00Z')),
      logger: createLogger('silent'),
      registry: await sharedRegistry(),
    });
    const accounts = await seedDemoAccounts(own.db, ownServices.accounts, createLogger('silent'));
    expect(accounts).to.have.length(17);
    const names = (
      await own.db('users').whereIn(
        'email',
        accounts.map((a) => a.email),
      )
    ).map((u: { name: string }) => u.name);
    expect(names).to.have.length(17);
    for (const name of names) {
      expect(name).to.match(/^\S+( \S+){1,2}$/);
      expect(name).not.to.match(
        /reviewer|supervisor|counter|admin|capital|muharraq|northern|southern|national/,
      );
    }
    expect(new Set(names).size).to.be.greaterThan(12);
    await own.db.destroy();
    own.cleanup();
  });
});
