import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomInt } from 'node:crypto';
import { expect } from 'chai';
import { createClient } from 'redis';
import { createTestContext, PG_URL, type TestContext } from '../support/context.js';
import { makeResident, makeStaff, type Person } from '../support/people.js';
import { csrfFrom, VALID_PASSWORD } from '../support/http.js';
import {
  freePort,
  startScript,
  stopProcess,
  waitHealthy,
  type PortalProcess,
} from '../../bench/support/server-process.js';
import { Browser, databaseUrlOf, eventually, reachableRedis, setPassword } from './support.js';
import { submitted as submittedFor } from '../support/applications.js';

/**
 * Two real portal processes (server/main.ts, as `npm start` runs one) on one PostgreSQL database,
 * each with its own background loop; requests alternate between them as a load balancer would
 * send them. Run once with sessions and counters in the database and, when Redis answers, once
 * more with them in Redis (REDIS_URL).
 */
const redisUrl = await reachableRedis();
const variants: { name: string; redisUrl?: string }[] = [
  { name: 'sessions and counters in the database' },
  ...(redisUrl ? [{ name: 'sessions and counters in Redis', redisUrl }] : []),
];

const APPLICATIONS = 40;
/** Shown in the titles when the suite cannot run here, so the report says why it was skipped. */
const SKIP_NOTE = PG_URL
  ? ''
  : ' [skipped: needs DATABASE_URL=postgres://…; on SQLite (one writer) the portal runs as one process]';

for (const variant of variants) {
  describe(`Two portal processes on one PostgreSQL database (${variant.name})${SKIP_NOTE}`, function () {
    this.timeout(60_000);
    let ctx: TestContext;
    let a: PortalProcess;
    let b: PortalProcess;
    let resident: Person;
    let reviewer: Person;
    let dir: string;
    const applicationIds: number[] = [];

    before(async function () {
      if (!PG_URL) {
        this.skip(); // several processes share one database only on PostgreSQL (SQLite has one writer)
      }
      this.timeout(120_000);
      ctx = await createTestContext();
      resident = await makeResident(ctx, 'Maryam Multi');
      await setPassword(ctx, resident.id, VALID_PASSWORD);
      reviewer = await makeStaff(ctx, 'reviewer', 'capital');
      await makeStaff(ctx, 'supervisor', 'capital');
      // Applications whose outbox rows and service-level deadlines are parked until the last test.
      for (let i = 0; i < APPLICATIONS; i++) applicationIds.push(await submitted());
      await ctx.db('outbox').update({ next_attempt_at: Date.now() + 3_600_000 });

      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-scale-'));
      const uploadDir = path.join(dir, 'uploads');
      const env = (port: number): Record<string, string> => ({
        PORT: String(port),
        NODE_ENV: 'test',
        LOG_LEVEL: 'warn',
        DATABASE_URL: databaseUrlOf(ctx.db),
        UPLOAD_DIR: uploadDir,
        SEED_DEMO: 'false',
        RUN_WORKER: 'true',
        WEB_CONCURRENCY: '1',
        // The rate-limit test names its own client address (a fresh one every run).
        TRUST_PROXY: '1',
        ...(variant.redisUrl ? { REDIS_URL: variant.redisUrl } : { REDIS_URL: '' }),
      });
      const [portA, portB] = [await freePort(), await freePort()];
      a = startScript('server/main.ts', env(portA), dir);
      b = startScript('server/main.ts', env(portB), dir);
      await Promise.all([waitHealthy(a, 90_000), waitHealthy(b, 90_000)]);
    });

    after(async () => {
      await Promise.all([a && stopProcess(a, 'SIGTERM'), b && stopProcess(b, 'SIGTERM')]);
      await ctx?.close();
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    const submitted = async () => (await submittedFor(ctx, resident)).id;

    it('when a person signs in on one process, then the other knows them, and signing out on it ends the session on both', async () => {
      const browser = new Browser();
      const signedIn = await browser.signIn(a.baseUrl, resident.email, VALID_PASSWORD);
      expect(signedIn.status).to.equal(303);
      for (const server of [b, a, b]) {
        const page = await browser.get(server.baseUrl, '/account');
        expect(page.status, `GET /account on ${server.baseUrl.port}`).to.equal(200);
        expect(page.text).to.contain('Maryam Multi');
      }
      const account = await browser.get(b.baseUrl, '/account');
      const out = await browser.post(b.baseUrl, '/signout', { _csrf: csrfFrom(account.text) });
      expect(out.status).to.equal(303);
      const after = await browser.get(a.baseUrl, '/account');
      expect(after.status).to.equal(303);
      expect(after.location).to.match(/^\/signin/);
      if (variant.redisUrl) {
        // The session was in Redis: the database's table was never used.
        expect(await ctx.db('sessions').count({ n: '*' }).first()).to.deep.equal({ n: '0' });
      }
    });

    it('when two decisions on one application arrive at the same moment through different processes, then exactly one is taken and the other gets 409', async () => {
      const id = await submitted();
      const started = await ctx.services.applyEvent({
        applicationId: id,
        event: { type: 'START_REVIEW' },
        actor: { role: 'reviewer', userId: reviewer.id },
      });
      expect(started.ok).to.equal(true);
      // The same reviewer in two browsers: each decision alone would be allowed.
      const [first, second] = [new Browser(), new Browser()];
      expect((await first.signIn(a.baseUrl, reviewer.email, VALID_PASSWORD)).status).to.equal(303);
      expect((await second.signIn(b.baseUrl, reviewer.email, VALID_PASSWORD)).status).to.equal(303);
      const pageA = await first.get(a.baseUrl, `/backoffice/applications/${id}`);
      const pageB = await second.get(b.baseUrl, `/backoffice/applications/${id}`);
      const version = /name="version" value="(\d+)"/.exec(pageA.text)?.[1];
      expect(version).to.be.a('string');
      const answers = await Promise.all([
        first.post(a.baseUrl, `/backoffice/applications/${id}/events/ACCEPT`, {
          _csrf: csrfFrom(pageA.text),
          version: version!,
          confirmed: 'yes',
        }),
        second.post(b.baseUrl, `/backoffice/applications/${id}/events/REJECT`, {
          _csrf: csrfFrom(pageB.text),
          version: version!,
          comment: 'The address is outside the municipality.',
          confirmed: 'yes',
        }),
      ]);
      expect(answers.map((r) => r.status).sort()).to.deep.equal([303, 409]);
      const decisions = await ctx
        .db('application_events')
        .where({ application_id: id })
        .whereIn('event', ['ACCEPT', 'REJECT']);
      expect(decisions).to.have.length(1);
      const row = await ctx.services.applications.findById(id);
      expect(row!.status).to.equal(decisions[0].event === 'ACCEPT' ? 'accepted' : 'rejected');
    });

    it('when failed sign-ins alternate between the processes, then they add up and the sixth is refused with 429', async () => {
      const address = `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;
      const browser = new Browser({ 'x-forwarded-for': address });
      for (let i = 0; i < 5; i++) {
        const server = i % 2 === 0 ? a : b;
        const res = await browser.signIn(server.baseUrl, resident.email, `wrong password ${i}`);
        expect(res.status, `failed sign-in ${i + 1}`).to.equal(401);
      }
      const sixth = await browser.signIn(b.baseUrl, resident.email, VALID_PASSWORD);
      expect(sixth.status).to.equal(429);
      expect(sixth.text).to.contain('محاولات كثيرة');
      // Failed sign-ins are counted per address and account asked for (server/http/security.ts).
      const key = `${address}|${resident.email.toLowerCase()}`;
      const row = await ctx
        .db('rate_limits')
        .where({ key: `signin:${key}` })
        .first();
      if (variant.redisUrl) {
        expect(row).to.equal(undefined);
        const redis = createClient({ url: variant.redisUrl });
        await redis.connect();
        try {
          expect(Number(await redis.get(`portal:rl:signin:${key}`))).to.be.at.least(5);
        } finally {
          await redis.quit();
        }
      } else {
        expect(Number(row.hits)).to.be.at.least(5);
      }
    });

    it('when both background loops run, then every outbox row is delivered exactly once and every deadline fires once', async () => {
      const parked = await ctx.db('deadlines').whereIn('application_id', applicationIds);
      expect(parked).to.have.length(APPLICATIONS);
      // Released at once, so that both processes' loops go for the same rows.
      await ctx.db.transaction(async (trx) => {
        await trx('outbox').where({ status: 'pending' }).update({ next_attempt_at: 0 });
        await trx('deadlines').whereIn('application_id', applicationIds).update({ due_at: 0 });
      });
      const settled = await eventually(async () => {
        const deadlines = await ctx
          .db('deadlines')
          .whereIn('application_id', applicationIds)
          .count({ n: '*' });
        const pending = await ctx.db('outbox').where({ status: 'pending' }).count({ n: '*' });
        return Number(deadlines[0]!.n) === 0 && Number(pending[0]!.n) === 0;
      }, 30_000);
      expect(settled, 'deadlines fired and outbox drained within 30 s').to.equal(true);

      const rows = await ctx.db('outbox').select('id', 'status', 'attempts');
      expect(rows.length).to.be.greaterThan(APPLICATIONS * 2);
      // A row claimed twice would show attempts = 2 (the claim counts it), failed rows a status.
      expect(rows.filter((r: { status: string }) => r.status !== 'done')).to.deep.equal([]);
      expect(rows.filter((r: { attempts: number }) => Number(r.attempts) !== 1)).to.deep.equal([]);

      const escalations = await ctx
        .db('application_events')
        .whereIn('application_id', applicationIds)
        .andWhere({ event: 'SLA_ESCALATE' })
        .select('application_id');
      expect(escalations).to.have.length(APPLICATIONS);
      expect(new Set(escalations.map((e: { application_id: number }) => e.application_id)).size).to.equal(
        APPLICATIONS,
      );
    });
  });
}
