/**
 * Generates realistic applications directly in the database, for benchmarks and for trying the
 * back office with a year's worth of work in it:
 *
 *   npx tsx server/cli/generate-applications.ts --count 1000000 [--database-url URL] [--seed 42]
 *       [--now 2026-11-22T00:00:00+03:00] [--applicants 4000] [--quiet]
 *
 * What it writes (appending to whatever is there; run it with no other writer):
 * - staff for every municipality (customer-services and departmental reviewers, supervisors,
 *   counter staff, an administrator) and a few thousand residents and investors, all with the
 *   password GENERATED_PASSWORD (default below); accounts that exist already (same e-mail) are reused;
 * - applications over the 12 months before --now: services in the published proportions
 *   (the design notes' SERVICES.md), the capital largest, mostly on the web, each following a
 *   timeline through its real workflow (review, requests for information, inspections,
 *   clearances, fees, payouts, rejections, queries, withdrawals, late ones escalated) cut at --now;
 * - per application one SUBMIT audit row (drafts, 2 %, have none, as in the portal), the open
 *   deadlines the sweeper would hold, and for accepted certificates and accounts their outcome.
 *
 * Every workflow path is driven once through the real engine (`planEvent`) and its snapshot
 * reused, with the application's own people and due times filled in; the row's columns are set
 * exactly as server/services/apply-event.ts sets them, due times in working days of the
 * configured calendar. The same --seed and --now give the same data. Rows go in as multi-row
 * INSERTs, a transaction per 5,000 applications, written while the next 5,000 are generated. At
 * the end PostgreSQL gets VACUUM ANALYZE (what autovacuum would do); SQLite is left without
 * planner statistics, as the portal leaves it. bench/queue/verify-generated.ts checks the result.
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import argon2 from 'argon2';
import { clientOf, createDb, migrateLatest } from '../../db/connection.js';
import { loadConfig } from '../config.js';
import { loadRegistry } from '../boot.js';
import { ARGON2_PARAMS } from '../security/passwords.js';
import { rebuildCounters } from '../services/stats-counters.js';
import { servicePrefix } from '../services/reference.js';
import { createCalendar, localDate, type Calendar } from '../../workflows/calendar.js';
import type { Registry } from '../../workflows/registry.js';
import { DEFAULT_PASSWORD, SERVICE_WEIGHTS, USAGE } from './generate/shape.js';
import { rngFrom } from './generate/random.js';
import { createPopulation } from './generate/people.js';
import { formTemplate } from './generate/answers.js';
import type { ServiceInfo } from './generate/timeline.js';
import { writeApplications } from './generate/write.js';

export { DEFAULT_PASSWORD, SERVICE_WEIGHTS } from './generate/shape.js';
import type { GenerateOptions, GenerateSummary } from './generate/write.js';
export type { GenerateOptions, GenerateSummary } from './generate/write.js';

export async function generateApplications(
  options: GenerateOptions,
  log: (line: string) => void = (line) => console.error(line),
): Promise<GenerateSummary> {
  const config = loadConfig({ ...process.env, DATABASE_URL: options.databaseUrl });
  const calendar = createCalendar(config.calendar);
  const registry = await loadRegistry();
  const db = createDb(options.databaseUrl);
  const pg = clientOf(db) === 'pg';
  try {
    await migrateLatest(db);
    if (!pg) {
      // A bigger page cache for the bulk load only (this connection; the file is unchanged).
      await db.raw('PRAGMA cache_size = -262144');
    }
    const services = serviceInfo(registry);
    // A salt from the seed, so the same seed writes the same hash.
    const saltRng = rngFrom(options.seed, 4);
    const salt = Buffer.from(Array.from({ length: 16 }, () => Math.floor(saltRng() * 256)));
    const passwordHash = await argon2.hash(options.password, { ...ARGON2_PARAMS, salt });
    const departments = [...new Set([...services.values()].map((s) => s.definition.department))];
    const people = await createPopulation(
      db,
      { seed: options.seed, applicants: options.applicants, now: options.now, passwordHash, departments },
      log,
    );
    const started = Date.now();
    const summary = await writeApplications(db, options, services, people, calendar);
    log('report counters…');
    await rebuildCounters(db, calendar);
    if (pg) {
      await db.raw(
        `select setval(pg_get_serial_sequence('applications', 'id'), (select max(id) from applications))`,
      );
      // What autovacuum would have done by the time anyone looks: statistics and the visibility
      // map (without it PostgreSQL cannot use index-only scans).
      log('vacuum analyze…');
      await db.raw('vacuum analyze applications, application_events, deadlines, users');
    } else await db.raw('PRAGMA wal_checkpoint(TRUNCATE)');
    return { ...summary, seconds: (Date.now() - started) / 1000 };
  } finally {
    await db.destroy();
  }
}

function serviceInfo(registry: Registry): Map<string, ServiceInfo> {
  const services = new Map<string, ServiceInfo>();
  for (const slug of Object.keys(SERVICE_WEIGHTS)) {
    const definition = registry.latest(slug);
    if (!definition) throw new Error(`service ${slug} is not in the registry`);
    if (definition.workflow.kind !== 'standard-review')
      throw new Error(`${slug}: only standard-review workflows are generated`);
    services.set(slug, {
      definition,
      options: definition.workflow.options,
      slaDays: definition.guide.slaDays,
      queryDays: definition.guide.queryWindowDays,
      ...formTemplate(definition),
      prefix: servicePrefix(slug),
      applicantKinds: [...definition.applicants] as ('resident' | 'investor')[],
    });
  }
  // A service added since the weights were published has no weight yet: it is simply not
  // generated (weight 0), so adding a service never needs an edit here.
  return services;
}

/** The start of today in Bahrain: the default end of the generated year, stable through the day. */
function startOfToday(calendar: Calendar): Date {
  return new Date(`${localDate(new Date(), calendar)}T00:00:00+03:00`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      count: { type: 'string' },
      'database-url': { type: 'string' },
      seed: { type: 'string', default: '42' },
      now: { type: 'string' },
      applicants: { type: 'string', default: '4000' },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  const count = Number(values.count);
  if (values.help || !Number.isSafeInteger(count) || count < 1) {
    console.log(USAGE);
    process.exit(values.help ? 0 : 2);
  }
  const config = loadConfig();
  if (config.production) throw new Error('Refusing to generate test data with NODE_ENV=production.');
  const now = values.now ? new Date(values.now) : startOfToday(createCalendar(config.calendar));
  if (Number.isNaN(now.getTime())) throw new Error(`--now "${values.now}" is not a date`);
  const seed = Number(values.seed);
  const applicants = Number(values.applicants);
  if (!Number.isSafeInteger(seed)) throw new Error('--seed must be an integer');
  if (!Number.isSafeInteger(applicants) || applicants < 10)
    throw new Error('--applicants must be at least 10');
  const databaseUrl = values['database-url'] ?? config.databaseUrl;
  const password = process.env.GENERATED_PASSWORD ?? DEFAULT_PASSWORD;
  console.error(
    `Generating ${count.toLocaleString('en')} applications in ${databaseUrl.replace(/\/\/[^@/]*@/, '//…@')} ` +
      `(seed ${seed}, up to ${now.toISOString()})`,
  );
  const summary = await generateApplications({
    databaseUrl,
    count,
    seed,
    now,
    applicants,
    password,
    quiet: values.quiet,
  });
  const rate = Math.round(summary.applications / summary.seconds).toLocaleString('en');
  console.log(
    `Done: ${summary.applications.toLocaleString('en')} applications in ${summary.seconds.toFixed(1)} s (${rate}/s).`,
  );
  console.log(
    `By status: ${Object.entries(summary.byStatus)
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `${k} ${v.toLocaleString('en')}`)
      .join(', ')}`,
  );
  console.log(
    `In the queue: ${Object.entries(summary.inQueue)
      .map(([k, v]) => `${k} ${v.toLocaleString('en')}`)
      .join(', ')}`,
  );
  console.log(
    `Sign in as e.g. reviewer1.capital@staff.example.bh or supervisor1.capital@staff.example.bh ` +
      `with the password ${process.env.GENERATED_PASSWORD ? 'in GENERATED_PASSWORD' : DEFAULT_PASSWORD}.`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  });
}
