import type { Knex } from 'knex';
import { clientOf } from '../connection.js';

/**
 * Report counters, kept in the same transaction as every workflow event (server/services/
 * stats-counters.ts), so a report reads at most one row per day, municipality and service of its
 * period whatever the size of `applications` (about 5,600 rows for two months at saturation):
 *
 * - `n`: applications submitted that day; `s_<status>`: of them, in each status now;
 *   `c_<channel>`: by channel;
 * - `decided`: of them, accepted or rejected; `on_time` / `with_due`: of those, decided by their
 *   service-level due time / with a due time at all; `d0`…`d60`: decided in that many whole working
 *   days (waiting on the applicant left out, rounded up), `d61`: in more than 60.
 *
 * Every column is a plain integer, so an event adds and subtracts with one upsert on both
 * databases. On SQLite the table is WITHOUT ROWID: a day range is read from the primary key.
 * `municipality` is '' for an application without one.
 *
 * The applications table learns how long each one waited on its applicant: `waiting_since`
 * while it waits, `waited_ms` (working milliseconds) added up when it comes back.
 */
export const COUNTER_STATUSES = [
  'submitted',
  'in_review',
  'waiting_on_applicant',
  'accepted',
  'rejected',
  'queried',
  'withdrawn',
] as const;
export const COUNTER_CHANNELS = ['web', 'counter', 'phone', 'email', 'partner'] as const;
/** Decision times are counted per whole working day up to this; longer ones share one column. */
export const MAX_COUNTED_DAYS = 60;

export const COUNTER_VALUE_COLUMNS = [
  'n',
  ...COUNTER_STATUSES.map((s) => `s_${s}`),
  ...COUNTER_CHANNELS.map((c) => `c_${c}`),
  'decided',
  'on_time',
  'with_due',
  ...Array.from({ length: MAX_COUNTED_DAYS + 2 }, (_, d) => `d${d}`),
];

/** The counter table, empty (also used to recreate it on a database that has an older one). */
export async function createCounterTables(knex: Knex): Promise<void> {
  if (clientOf(knex) === 'sqlite') {
    const values = COUNTER_VALUE_COLUMNS.map((c) => `"${c}" integer not null default 0`).join(', ');
    await knex.raw(
      `create table "stats_daily" ("day" text not null, "municipality" text not null, "service_slug" text not null, ${values}, primary key ("day", "municipality", "service_slug")) without rowid`,
    );
    return;
  }
  await knex.schema.createTable('stats_daily', (t) => {
    t.string('day', 10).notNullable();
    t.string('municipality', 32).notNullable();
    t.string('service_slug', 64).notNullable();
    for (const column of COUNTER_VALUE_COLUMNS) t.integer(column).notNullable().defaultTo(0);
    t.primary(['day', 'municipality', 'service_slug']);
  });
}

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('applications', (t) => {
    t.timestamp('waiting_since', { useTz: true }).nullable();
    t.bigInteger('waited_ms').notNullable().defaultTo(0);
  });
  await createCounterTables(knex);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('stats_daily');
  await knex.schema.alterTable('applications', (t) => {
    t.dropColumn('waited_ms');
    t.dropColumn('waiting_since');
  });
}
