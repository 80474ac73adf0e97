import type { Knex } from 'knex';

/** Sorts after every real due time (year 2255); the same value as QUEUE_NO_DUE in db/repositories/applications.ts. */
const QUEUE_NO_DUE = 9_000_000_000_000;

export async function up(knex: Knex): Promise<void> {
  // Notes between staff about an application; never shown to the applicant.
  await knex.schema.createTable('staff_notes', (t) => {
    t.increments('id').primary();
    t.integer('application_id').notNullable().references('id').inTable('applications');
    t.integer('author_id').notNullable().references('id').inTable('users');
    // 'note' (written by staff), 'claimed' or 'assigned' (recorded by the portal)
    t.string('kind', 16).notNullable().defaultTo('note');
    t.integer('assignee_id').nullable().references('id').inTable('users');
    t.text('body').nullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.index(['application_id', 'id']);
  });
  // The queue: a municipality's open applications by due time, paged by keyset on (due, id).
  // `queue_due_at` is the SLA due time in ms, or QUEUE_NO_DUE while the clock is paused, so one
  // index serves the sort on both databases (they order NULLs differently).
  await knex.schema.alterTable('applications', (t) => {
    t.boolean('in_queue').notNullable().defaultTo(false);
    t.bigInteger('queue_due_at').notNullable().defaultTo(QUEUE_NO_DUE);
  });
  await knex.schema.alterTable('applications', (t) => {
    t.index(['municipality', 'in_queue', 'queue_due_at', 'id'], 'applications_queue_idx');
    t.index(['municipality', 'status', 'queue_due_at', 'id'], 'applications_queue_status_idx');
    t.index(
      ['municipality', 'service_slug', 'in_queue', 'queue_due_at', 'id'],
      'applications_queue_service_idx',
    );
    t.index(['municipality', 'assigned_to', 'status'], 'applications_assignee_idx');
    t.index(['applicant_id'], 'applications_applicant_idx');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('applications', (t) => {
    t.dropIndex([], 'applications_queue_idx');
    t.dropIndex([], 'applications_queue_status_idx');
    t.dropIndex([], 'applications_queue_service_idx');
    t.dropIndex([], 'applications_assignee_idx');
    t.dropIndex([], 'applications_applicant_idx');
  });
  await knex.schema.alterTable('applications', (t) => {
    t.dropColumn('in_queue');
    t.dropColumn('queue_due_at');
  });
  await knex.schema.dropTable('staff_notes');
}
