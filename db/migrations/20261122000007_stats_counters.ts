import type { Knex } from 'knex';

/**
 * Report counters, kept in the same transaction as every workflow event (server/services/
 * stats-counters.ts), so the dashboard reads a bounded number of rows whatever the size of
 * `applications`: per local submission day, municipality and service, the applications by
 * status and by channel, and the decided ones by whole working days to decision and whether
 * the service-level time was met. `municipality` is '' for an application without one.
 *
 * The applications table learns how long each one waited on its applicant: `waiting_since`
 * while it waits, `waited_ms` (working milliseconds) added up when it comes back. Decision times
 * leave that waiting out.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('applications', (t) => {
    t.timestamp('waiting_since', { useTz: true }).nullable();
    t.bigInteger('waited_ms').notNullable().defaultTo(0);
  });
  await knex.schema.createTable('stats_status_counts', (t) => {
    t.string('day', 10).notNullable();
    t.string('municipality', 32).notNullable();
    t.string('service_slug', 64).notNullable();
    t.string('status', 32).notNullable();
    t.integer('n').notNullable();
    t.primary(['day', 'municipality', 'service_slug', 'status']);
    t.index(['municipality', 'day'], 'stats_status_counts_municipality_idx');
  });
  await knex.schema.createTable('stats_channel_counts', (t) => {
    t.string('day', 10).notNullable();
    t.string('municipality', 32).notNullable();
    t.string('channel', 16).notNullable();
    t.integer('n').notNullable();
    t.primary(['day', 'municipality', 'channel']);
    t.index(['municipality', 'day'], 'stats_channel_counts_municipality_idx');
  });
  await knex.schema.createTable('stats_decisions', (t) => {
    t.string('day', 10).notNullable();
    t.string('municipality', 32).notNullable();
    t.string('service_slug', 64).notNullable();
    // Whole working days from submission to decision, waiting on the applicant left out, rounded up.
    t.integer('working_days').notNullable();
    // 1 decided by the service-level due time, 0 after it, 2 no due time to compare with.
    t.smallint('on_time').notNullable();
    t.integer('n').notNullable();
    t.primary(['day', 'municipality', 'service_slug', 'working_days', 'on_time']);
    t.index(['municipality', 'day'], 'stats_decisions_municipality_idx');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('stats_decisions');
  await knex.schema.dropTable('stats_channel_counts');
  await knex.schema.dropTable('stats_status_counts');
  await knex.schema.alterTable('applications', (t) => {
    t.dropColumn('waited_ms');
    t.dropColumn('waiting_since');
  });
}
