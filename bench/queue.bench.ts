/**
 * The back-office queue with 10,000 and with 1,000,000 applications, on SQLite and PostgreSQL
 * (`npx tsx bench/queue.bench.ts`; bench/queue.md has the figures and their reading).
 *
 * Target: the queue page's p95 at 1,000,000 applications is at most twice its p95 at 10,000.
 *
 * Per engine and size the generator (server/cli/generate-applications.ts, same seed, same --now)
 * fills a database of its own: a SQLite file in a temporary directory, a PostgreSQL database
 * portal_bench_queue_<size> created beside PG_URL's and dropped at the end. Then
 * `services.backoffice.queuePage(user, input)` (what GET /backoffice renders) is timed for a
 * capital reviewer (front office: every service), a capital supervisor and a capital finance
 * reviewer (department scope: five services), with the inputs a reviewer uses: the default view,
 * view=mine, due=overdue, service=residence-certificate, status=queried, q=<a CPR>, and pages 2
 * and 5 through the `after` cursor. Calls alternate between the sizes, so whatever else runs on
 * the machine weighs on both alike. The supervisors' team page (backoffice.load) is timed too,
 * outside the target. Then GET /backoffice through the real app, signed in as the supervisor.
 * Finally every statement of every queue call at the largest size is timed and explained
 * (EXPLAIN QUERY PLAN / EXPLAIN (ANALYZE, BUFFERS)), slowest first, into EXPLAIN_OUT.
 *
 * All of that once per variant (VARIANTS): `current` (what ships: the schema as migrated, SQLite
 * without planner statistics as the portal leaves it, db/repositories/queue.ts as it is),
 * `statistics` (SQLite only: the same with full planner statistics) and `before` (the queue
 * before migration 20261122000006 and the queue.ts changes; bench/queue/variants.ts), each taken
 * off again afterwards. Databases kept from an earlier run are migrated to the latest schema and
 * any SQLite statistics left in them are dropped.
 *
 * Environment: DATABASES (sqlite,pg), SIZES (10000,1000000), N (calls per query and size; 200),
 * WARMUP (20), HTTP_N (50), PG_URL (postgres://postgres@127.0.0.1:5432/test), SQLITE_DIR (a new
 * temporary directory), KEEP=1 (keep the databases), REUSE=1 (reuse kept databases of the right
 * size), VARIANTS (current,statistics,before), EXPLAIN_OUT (/tmp/portal-queue-plans.txt).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type request from 'supertest';
import type { Knex } from 'knex';
import { createDb, migrateLatest } from '../db/connection.js';
import type { UserRow } from '../db/repositories/users.js';
import { loadRegistry } from '../server/boot.js';
import { fixedClock } from '../server/clock.js';
import { loadConfig } from '../server/config.js';
import { createLogger } from '../server/logger.js';
import { createServices, type Services } from '../server/services/index.js';
import type { QueueInput } from '../server/services/backoffice.js';
import { DEFAULT_PASSWORD } from '../server/cli/generate-applications.js';
import { percentile, table } from './support/stats.js';
import { signedInAgent, startApp, type RunningApp } from './support/app-server.js';
import { drop, prepare, redact, type BenchDatabase, type Engine, type Setup } from './queue/databases.js';
import { inlined, kindOf, planOf, statementsOf, type Statement } from './queue/explain.js';
import {
  beforeQueries,
  collectStatistics,
  dropQueueIndexes,
  dropStatistics,
  restoreQueueIndexes,
} from './queue/variants.js';

const ENGINES = (process.env.DATABASES ?? 'sqlite,pg')
  .split(',')
  .filter((e): e is Engine => e === 'sqlite' || e === 'pg');
const SIZES = (process.env.SIZES ?? '10000,1000000')
  .split(',')
  .map(Number)
  .sort((a, b) => a - b);
const N = Number(process.env.N ?? 200);
const WARMUP = Number(process.env.WARMUP ?? 20);
const HTTP_N = Number(process.env.HTTP_N ?? 50);
const KEEP = process.env.KEEP === '1';
/** 09:00 on a Sunday (a working day) in Bahrain: the generated year ends here and the clock stands here. */
const NOW = new Date('2026-11-22T06:00:00Z');
const SEED = 42;
const PASSWORD = process.env.GENERATED_PASSWORD ?? DEFAULT_PASSWORD;

const sqliteDir = process.env.SQLITE_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), 'portal-queue-bench-'));
fs.mkdirSync(sqliteDir, { recursive: true });
const explainOut = process.env.EXPLAIN_OUT ?? path.join(os.tmpdir(), 'portal-queue-plans.txt');
const setup: Setup = {
  sqliteDir,
  pgAdminUrl: process.env.PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
  seed: SEED,
  now: NOW,
  reuse: process.env.REUSE === '1',
};

const STAFF = [
  { label: 'reviewer (front office)', email: 'reviewer1.capital@staff.example.bh' },
  { label: 'supervisor', email: 'supervisor1.capital@staff.example.bh' },
  { label: 'reviewer (finance)', email: 'reviewer.finance1.capital@staff.example.bh' },
] as const;

interface Target {
  database: BenchDatabase;
  db: Knex;
  services: Services;
  users: Map<string, UserRow>;
  /** Per staff e-mail: the cursors of pages 2 and 5 of the default view. */
  cursors: Map<string, Record<2 | 5, string | undefined>>;
}

interface Query {
  name: string;
  input: (target: Target, email: string) => QueueInput;
}

function queries(cpr: string): Query[] {
  return [
    { name: 'default', input: () => ({}) },
    { name: 'view=mine', input: () => ({ view: 'mine' }) },
    { name: 'due=overdue', input: () => ({ due: 'overdue' }) },
    { name: 'service=residence-certificate', input: () => ({ service: 'residence-certificate' }) },
    { name: 'status=queried', input: () => ({ status: 'queried' }) },
    { name: `q=${cpr} (CPR)`, input: () => ({ q: cpr }) },
    { name: 'page 2 (after)', input: (t, email) => ({ after: t.cursors.get(email)?.[2] }) },
    { name: 'page 5 (after)', input: (t, email) => ({ after: t.cursors.get(email)?.[5] }) },
  ];
}

interface Result {
  user: string;
  query: string;
  /** Per target: latencies (ms), rows on the page, the "all" count. */
  samples: Float64Array[];
  rows: number[];
  all: number[];
}

const ms = (x: number) => (x < 10 ? x.toFixed(2) : x < 100 ? x.toFixed(1) : x.toFixed(0));

/** Runs `call` WARMUP times then `n` times per target, alternating targets call by call. */
async function timeAlternating(
  targets: Target[],
  call: (t: Target) => Promise<unknown>,
  n = N,
): Promise<Float64Array[]> {
  for (let i = 0; i < WARMUP; i++) for (const t of targets) await call(t);
  const samples = targets.map(() => new Float64Array(n));
  for (let i = 0; i < n; i++) {
    const order = i % 2 === 0 ? targets.map((_, k) => k) : targets.map((_, k) => targets.length - 1 - k);
    for (const k of order) {
      const started = performance.now();
      await call(targets[k]!);
      samples[k]![i] = performance.now() - started;
    }
  }
  return samples;
}

async function openTarget(database: BenchDatabase): Promise<Target> {
  const registry = await loadRegistry();
  const config = loadConfig({
    ...process.env,
    NODE_ENV: 'test',
    DATABASE_URL: database.url,
    LOG_LEVEL: 'silent',
  });
  const db = createDb(database.url);
  const started = Date.now();
  await migrateLatest(db);
  await dropStatistics(db);
  const took = (Date.now() - started) / 1000;
  if (took > 1) console.log(`${redact(database.url)}: migrated to the latest schema in ${took.toFixed(0)} s`);
  const services = createServices({
    db,
    config,
    clock: fixedClock(NOW),
    logger: createLogger('silent'),
    registry,
  });
  const users = new Map<string, UserRow>();
  for (const { email } of STAFF) {
    const user = await db<UserRow>('users').where({ email }).first();
    if (!user) throw new Error(`${email} is not in ${redact(database.url)}`);
    users.set(email, user);
  }
  const cursors = new Map<string, Record<2 | 5, string | undefined>>();
  for (const [email, user] of users) {
    const pages: Record<2 | 5, string | undefined> = { 2: undefined, 5: undefined };
    let after: string | undefined;
    for (let page = 2; page <= 5; page++) {
      const result = await services.backoffice.queuePage(user, after ? { after } : {});
      if (!result.next) break;
      after = `${result.next.due}_${result.next.id}`;
      if (page === 2 || page === 5) pages[page] = after;
    }
    cursors.set(email, pages);
  }
  return { database, db, services, users, cursors };
}

/** A resident with open applications in the capital in the smallest database (the same people are in every size). */
async function someCpr(db: Knex): Promise<string> {
  const row = await db('applications as a')
    .join('users as u', 'u.id', 'a.applicant_id')
    .where({ 'a.municipality': 'capital', 'a.in_queue': true, 'u.kind': 'resident' })
    .orderBy('a.id')
    .first<{ cpr: string }>('u.cpr');
  if (!row) throw new Error('no resident with a queued application in the capital');
  return row.cpr;
}

async function measureQueue(targets: Target[], label: string): Promise<Result[]> {
  const results: Result[] = [];
  const cpr = await someCpr(targets[0]!.db);
  for (const staff of STAFF) {
    for (const q of queries(cpr)) {
      const call = (t: Target) =>
        t.services.backoffice.queuePage(t.users.get(staff.email)!, q.input(t, staff.email));
      const first = await Promise.all(targets.map(call));
      const samples = await timeAlternating(targets, call);
      results.push({
        user: staff.label,
        query: q.name,
        samples,
        rows: first.map((p) => p.rows.length),
        all: first.map((p) => p.counts.all),
      });
      progress(`${label}: ${staff.label}, ${q.name}`);
    }
  }
  const supervisor = STAFF[1].email;
  const team = (t: Target) => t.services.backoffice.load(t.users.get(supervisor)!.municipality);
  results.push({
    user: 'supervisor',
    query: 'team page: backoffice.load (not in the target)',
    samples: await timeAlternating(targets, team, Math.min(N, 50)),
    rows: (await Promise.all(targets.map(team))).map((r) => r.length),
    all: targets.map(() => Number.NaN),
  });
  return results;
}

function progress(line: string): void {
  if (process.stderr.isTTY) process.stderr.write(`\r${line.slice(0, 100)}\x1b[K`);
  else process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
}

function report(engine: Engine, targets: Target[], results: Result[], title: string): string {
  const sizes = targets.map((t) => t.database.size.toLocaleString('en'));
  const header = [
    'user',
    'query',
    ...sizes.flatMap((s) => [`p50 ${s}`, `p95 ${s}`]),
    'p95 ratio',
    'target ≤ 2',
    ...sizes.map((s) => `rows/all ${s}`),
  ];
  const rows = results.map((r) => {
    const p = r.samples.map((s) => {
      const sorted = Float64Array.from(s).sort();
      return { p50: percentile(sorted, 50), p95: percentile(sorted, 95) };
    });
    const ratio = p.at(-1)!.p95 / p[0]!.p95;
    const counted = r.all.map((a, i) => `${r.rows[i]}/${Number.isNaN(a) ? '-' : a >= 1000 ? '1000+' : a}`);
    const inTarget = !r.query.includes('not in the target');
    return [
      r.user,
      r.query,
      ...p.flatMap((x) => [ms(x.p50), ms(x.p95)]),
      ratio.toFixed(2),
      inTarget ? (ratio <= 2 ? 'ok' : 'MISSED') : '',
      ...counted,
    ];
  });
  return `\n${engine === 'sqlite' ? 'SQLite' : 'PostgreSQL'}: ${title} (ms, N=${N} per size)\n${table(header, rows)}\n`;
}

async function timeHttp(targets: Target[]): Promise<string> {
  const email = STAFF[1].email;
  const agents: request.Agent[] = [];
  const servers: RunningApp[] = [];
  for (const t of targets) {
    const running = await startApp({ url: t.database.url, db: t.db, services: t.services, now: NOW });
    servers.push(running);
    const agent = await signedInAgent(running.base, email, PASSWORD);
    const page = await agent.get('/backoffice');
    if (page.status !== 200 || !page.text.includes('<table'))
      throw new Error(`GET /backoffice: ${page.status}`);
    agents.push(agent);
  }
  const samples = await timeAlternating(
    targets,
    async (t) => {
      const res = await agents[targets.indexOf(t)]!.get('/backoffice');
      if (res.status !== 200) throw new Error(`GET /backoffice: ${res.status}`);
    },
    HTTP_N,
  );
  for (const { server } of servers) server.close();
  const p = samples.map((s) => {
    const sorted = Float64Array.from(s).sort();
    return [percentile(sorted, 50), percentile(sorted, 95)] as const;
  });
  const header = [
    'GET /backoffice (supervisor)',
    ...targets.flatMap((t) => [
      `p50 ${t.database.size.toLocaleString('en')}`,
      `p95 ${t.database.size.toLocaleString('en')}`,
    ]),
    'p95 ratio',
  ];
  const ratio = (p.at(-1)![1] / p[0]![1]).toFixed(2);
  return `${table(header, [['full page, HTTP', ...p.flatMap(([a, b]) => [ms(a), ms(b)]), ratio]])}\n`;
}

/** Every statement of every queue call at the largest size: timed (median of 5), explained, slowest first. */
async function explainAll(engine: Engine, target: Target, variant: string): Promise<string> {
  const cpr = await someCpr(target.db);
  const seen = new Map<string, { statement: Statement; where: string; times: number[] }>();
  for (const staff of STAFF) {
    for (const q of queries(cpr)) {
      for (let run = 0; run < 5; run++) {
        const statements = await statementsOf(target.db, () =>
          target.services.backoffice.queuePage(target.users.get(staff.email)!, q.input(target, staff.email)),
        );
        for (const s of statements) {
          const key = inlined(s);
          const entry = seen.get(key) ?? { statement: s, where: `${staff.label}, ${q.name}`, times: [] };
          entry.times.push(s.ms);
          seen.set(key, entry);
        }
      }
    }
  }
  const ranked = [...seen.values()]
    .map((e) => ({ ...e, median: [...e.times].sort((a, b) => a - b)[Math.floor(e.times.length / 2)]! }))
    .sort((a, b) => b.median - a.median);
  const lines: string[] = [
    `${engine}, ${variant}, at ${target.database.size.toLocaleString('en')} applications, slowest first\n`,
  ];
  for (const e of ranked) {
    lines.push(`-- ${ms(e.median)} ms  ${kindOf(e.statement.sql)}  (${e.where})`, inlined(e.statement));
    lines.push(...(await planOf(target.db, e.statement)).map((l) => `   ${l}`), '');
  }
  fs.appendFileSync(explainOut, `${lines.join('\n')}\n`);
  const top = ranked.slice(0, 8).map((e) => [ms(e.median), kindOf(e.statement.sql), e.where]);
  return `Slowest statements at ${target.database.size.toLocaleString('en')} (median of the calls they appeared in; plans in ${explainOut}):\n${table(['ms', 'statement', 'first seen in'], top)}\n`;
}

interface Variant {
  name: string;
  engines: Engine[];
  apply?: (db: Knex) => Promise<void>;
  revert?: (db: Knex) => Promise<void>;
}

const VARIANTS: Variant[] = [
  { name: 'current', engines: ['sqlite', 'pg'] },
  {
    name: 'statistics',
    engines: ['sqlite'],
    apply: collectStatistics,
    revert: dropStatistics,
  },
  {
    name: 'before',
    engines: ['sqlite', 'pg'],
    apply: async (db) => {
      await dropQueueIndexes(db);
      undo.set(db, beforeQueries(db));
    },
    revert: async (db) => {
      undo.get(db)?.();
      await restoreQueueIndexes(db);
    },
  },
];
/** The `before` variant's rewriting of the SQL, per database, to take off again. */
const undo = new Map<Knex, () => void>();
const CHOSEN = (process.env.VARIANTS ?? 'current,statistics,before').split(',');
const DESCRIPTION: Record<string, string> = {
  current: 'as shipped: migration 20261122000006 and queue.ts as it is, no SQLite statistics',
  statistics: 'as shipped plus full planner statistics (ANALYZE)',
  before: 'before the tuning: without migration 20261122000006 and the queue.ts changes',
};

async function main(): Promise<void> {
  const load = () => os.loadavg()[0]!.toFixed(1);
  console.log(
    `Queue benchmark: sizes ${SIZES.join(', ')}, N=${N}, ${os.cpus().length} CPUs, load ${load()} at start.`,
  );
  fs.rmSync(explainOut, { force: true });
  for (const engine of ENGINES) {
    const databases: BenchDatabase[] = [];
    for (const size of SIZES) {
      const database = await prepare(engine, size, setup);
      databases.push(database);
      const rate = database.generatedIn && Math.round(size / database.generatedIn).toLocaleString('en');
      console.log(
        `${engine} ${size.toLocaleString('en')}: ` +
          (database.generatedIn === null
            ? 'reused'
            : `generated in ${database.generatedIn.toFixed(0)} s (${rate} applications/s, load ${load()})`),
      );
      for (const l of database.report.slice(0, 3)) console.log(`  ${l}`);
    }
    const targets = await Promise.all(databases.map(openTarget));
    try {
      for (const variant of VARIANTS.filter((v) => CHOSEN.includes(v.name) && v.engines.includes(engine))) {
        if (variant.apply) {
          const started = Date.now();
          for (const t of targets) await variant.apply(t.db);
          console.log(
            `${variant.name}: applied to every size in ${((Date.now() - started) / 1000).toFixed(0)} s`,
          );
        }
        const title = `${variant.name}: ${DESCRIPTION[variant.name]} (load ${load()})`;
        console.log(report(engine, targets, await measureQueue(targets, `${engine} ${variant.name}`), title));
        console.log(await timeHttp(targets));
        console.log(await explainAll(engine, targets.at(-1)!, variant.name));
        if (variant.revert) {
          const started = Date.now();
          for (const t of targets) await variant.revert(t.db);
          console.log(
            `${variant.name}: taken off every size in ${((Date.now() - started) / 1000).toFixed(0)} s`,
          );
        }
      }
    } finally {
      for (const t of targets) await t.db.destroy();
      if (!KEEP) for (const size of SIZES) await drop(engine, size, setup);
    }
  }
  if (!KEEP && !process.env.SQLITE_DIR) fs.rmSync(sqliteDir, { recursive: true, force: true, maxRetries: 2 });
  console.log(`\nDone (load ${load()}).${KEEP ? ` Databases kept (SQLite in ${sqliteDir}).` : ''}`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
