/**
 * The reports dashboard at 10,000 and 1,000,000 applications (issue #7's benchmark).
 *
 * Target: the dashboard's p95 at 1,000,000 applications is at most twice its p95 at 10,000, on
 * SQLite and on PostgreSQL.
 *
 *   npx tsx bench/dashboard.bench.ts
 *
 * Databases: the queue benchmark's (bench/queue/databases.ts: the generator, same seed and --now;
 * SQLite files in SQLITE_DIR, PostgreSQL databases portal_bench_queue_<size> beside PG_URL's), reused
 * when they hold exactly the size asked for, generated otherwise. Each is migrated to the latest
 * schema and its report counters are recomputed from the applications (timed: what an upgrade of an
 * existing install costs once), so databases generated before the counters existed work too.
 *
 * Then, sizes alternating call by call so a noisy moment weighs on both alike:
 * - `services.stats.report()` for the default period (the last two months), all municipalities (an
 *   admin's view) and one municipality (a supervisor's), and for the whole last year;
 * - GET /reports through the real app (render, charts and all), signed in as a supervisor and as an
 *   admin; and GET /open-data, which anyone can open.
 *
 * Environment: DATABASES (sqlite,pg), SIZES (10000,1000000), N (200 calls per measurement), WARMUP
 * (20), HTTP_N (100), PG_URL (postgres://postgres@127.0.0.1:5432/test), SQLITE_DIR (/tmp/queue-bench).
 */
import { performance } from 'node:perf_hooks';
import os from 'node:os';
import type { Knex } from 'knex';
import request from 'supertest';
import { createDb, migrateLatest } from '../db/connection.js';
import { loadRegistry } from '../server/boot.js';
import { fixedClock } from '../server/clock.js';
import { loadConfig } from '../server/config.js';
import { createLogger } from '../server/logger.js';
import { createServices, type Services } from '../server/services/index.js';
import type { StatsQuery } from '../server/services/stats.js';
import { DEFAULT_PASSWORD } from '../server/cli/generate-applications.js';
import { percentile, table } from './support/stats.js';
import { prepare, redact, type BenchDatabase, type Engine, type Setup } from './queue/databases.js';
import { signedInAgent, startApp, type RunningApp } from './support/app-server.js';

const ENGINES = (process.env.DATABASES ?? 'sqlite,pg')
  .split(',')
  .filter((e): e is Engine => e === 'sqlite' || e === 'pg');
const SIZES = (process.env.SIZES ?? '10000,1000000').split(',').map(Number);
const N = Number(process.env.N ?? 200);
const WARMUP = Number(process.env.WARMUP ?? 20);
const HTTP_N = Number(process.env.HTTP_N ?? 100);
/** The queue benchmark's --now: the generated year ends here. */
const NOW = new Date('2026-11-22T06:00:00.000Z');
const SETUP: Setup = {
  sqliteDir: process.env.SQLITE_DIR ?? '/tmp/queue-bench',
  pgAdminUrl: process.env.PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
  seed: 42,
  now: NOW,
  reuse: true,
};
const PASSWORD = process.env.GENERATED_PASSWORD ?? DEFAULT_PASSWORD;
const PEOPLE = {
  supervisor: 'supervisor1.capital@staff.example.bh',
  admin: 'admin.capital@staff.example.bh',
} as const;

interface Target {
  database: BenchDatabase;
  db: Knex;
  services: Services;
  rebuildSeconds: number;
}

async function openTarget(database: BenchDatabase): Promise<Target> {
  const config = loadConfig({
    ...process.env,
    NODE_ENV: 'test',
    DATABASE_URL: database.url,
    LOG_LEVEL: 'silent',
  });
  const db = createDb(database.url);
  await migrateLatest(db);
  const services = createServices({
    db,
    config,
    clock: fixedClock(NOW),
    logger: createLogger('silent'),
    registry: await loadRegistry(),
  });
  const started = performance.now();
  await services.stats.rebuild();
  return { database, db, services, rebuildSeconds: (performance.now() - started) / 1000 };
}

/** Calls each target in turn, the order reversed every other round; ms per call and target. */
async function timeAlternating<T>(
  targets: T[],
  call: (t: T) => Promise<unknown>,
  n: number,
): Promise<Float64Array[]> {
  for (let i = 0; i < WARMUP; i++) for (const t of targets) await call(t);
  const samples = targets.map(() => new Float64Array(n));
  for (let i = 0; i < n; i++) {
    const order = targets.map((_, k) => (i % 2 === 0 ? k : targets.length - 1 - k));
    for (const k of order) {
      const started = performance.now();
      await call(targets[k]!);
      samples[k]![i] = performance.now() - started;
    }
  }
  return samples;
}

const ms = (x: number) => x.toFixed(2);

function row(label: string, samples: Float64Array[]): string[] {
  const p = samples.map((s) => {
    const sorted = Float64Array.from(s).sort();
    return [percentile(sorted, 50), percentile(sorted, 95)] as const;
  });
  return [label, ...p.flatMap(([a, b]) => [ms(a), ms(b)]), (p.at(-1)![1] / p[0]![1]).toFixed(2)];
}

async function serviceCalls(targets: Target[]): Promise<string[][]> {
  const period = targets[0]!.services.stats.defaultPeriod();
  const year: StatsQuery = { from: '2025-11-23', to: period.to, municipality: null };
  const cases: [string, StatsQuery][] = [
    ['report: last two months, all municipalities', { ...period, municipality: null }],
    ['report: last two months, capital', { ...period, municipality: 'capital' }],
    ['report: last 12 months, all municipalities', year],
  ];
  const rows: string[][] = [];
  for (const [label, q] of cases) {
    const totals = await Promise.all(targets.map(async (t) => (await t.services.stats.report(q)).total));
    console.error(
      `${label}: ${totals.map((n) => n.toLocaleString('en')).join(' / ')} applications in the period`,
    );
    rows.push(row(label, await timeAlternating(targets, (t) => t.services.stats.report(q), N)));
  }
  return rows;
}

async function httpCalls(targets: Target[]): Promise<string[][]> {
  const servers: RunningApp[] = [];
  const agents = new Map<string, request.Agent[]>();
  for (const t of targets) {
    const running = await startApp({ url: t.database.url, db: t.db, services: t.services, now: NOW });
    servers.push(running);
    for (const [who, email] of Object.entries(PEOPLE)) {
      agents.set(who, [...(agents.get(who) ?? []), await signedInAgent(running.base, email, PASSWORD)]);
    }
    agents.set('public', [...(agents.get('public') ?? []), request.agent(running.base)]);
  }
  const cases: [string, string, string][] = [
    ['GET /reports (supervisor, capital)', 'supervisor', '/reports'],
    ['GET /reports (admin, all)', 'admin', '/reports'],
    ['GET /open-data (anyone)', 'public', '/open-data'],
  ];
  const rows: string[][] = [];
  for (const [label, who, path] of cases) {
    const list = agents.get(who)!;
    const samples = await timeAlternating(
      targets.map((_, k) => k),
      async (k) => {
        const res = await list[k]!.get(path);
        if (res.status !== 200 || !res.text.includes('<svg')) throw new Error(`${label}: ${res.status}`);
      },
      HTTP_N,
    );
    rows.push(row(label, samples));
  }
  for (const { server } of servers) server.close();
  return rows;
}

async function main(): Promise<void> {
  console.log(
    `Dashboard benchmark: ${os.cpus().length} CPUs, load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}, ` + `N=${N}, HTTP_N=${HTTP_N}, ${new Date().toISOString()}`,
  );
  for (const engine of ENGINES) {
    const targets: Target[] = [];
    for (const size of SIZES) {
      const database = await prepare(engine, size, SETUP);
      const target = await openTarget(database);
      console.log(
        `${engine} ${size.toLocaleString('en')}: ${redact(database.url)}` +
          (database.generatedIn === null
            ? ', reused'
            : `, generated in ${database.generatedIn.toFixed(0)} s`) +
          `; counters rebuilt in ${target.rebuildSeconds.toFixed(1)} s`,
      );
      targets.push(target);
    }
    const header = [
      `${engine === 'sqlite' ? 'SQLite' : 'PostgreSQL'} (ms)`,
      ...SIZES.flatMap((s) => [`p50 ${s.toLocaleString('en')}`, `p95 ${s.toLocaleString('en')}`]),
      'p95 ratio',
    ];
    const rows = [...(await serviceCalls(targets)), ...(await httpCalls(targets))];
    console.log(`\n${table(header, rows)}\n(load average now ${os.loadavg()[0]!.toFixed(1)})\n`);
    for (const t of targets) await t.db.destroy();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
