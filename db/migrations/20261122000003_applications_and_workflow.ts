import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('applications', (t) => {
    t.increments('id').primary();
    // Assigned at submission: service prefix, year and a short code (see server/services/reference.ts).
    t.string('reference', 32).nullable().unique();
    t.string('service_slug', 64).notNullable();
    t.integer('service_version').notNullable();
    t.integer('applicant_id').notNullable().references('id').inTable('users');
    // Staff member who registered it for the person (assisted intake), else null.
    t.integer('created_by').nullable().references('id').inTable('users');
    t.string('channel', 16).notNullable().defaultTo('web');
    t.string('municipality', 32).nullable().references('code').inTable('municipalities');
    t.string('department', 64).notNullable();
    t.string('state', 64).notNullable();
    t.string('status', 32).notNullable();
    t.text('snapshot').notNullable();
    t.text('form_data').notNullable().defaultTo('{}');
    t.text('outcome').nullable();
    t.integer('assigned_to').nullable().references('id').inTable('users');
    t.timestamp('sla_due_at', { useTz: true }).nullable();
    t.boolean('escalated').notNullable().defaultTo(false);
    t.timestamp('submitted_at', { useTz: true }).nullable();
    t.timestamp('decided_at', { useTz: true }).nullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    // Optimistic concurrency: every workflow event updates WHERE version = the version it read.
    t.integer('version').notNullable().defaultTo(1);
    t.index(['applicant_id', 'created_at']);
    t.index(['municipality', 'status', 'sla_due_at']);
    t.index(['service_slug', 'submitted_at']);
  });

  // Append-only audit trail: who did what, in which role, from which state to which.
  await knex.schema.createTable('application_events', (t) => {
    t.increments('id').primary();
    t.integer('application_id').notNullable().references('id').inTable('applications');
    t.integer('actor_id').nullable().references('id').inTable('users');
    t.string('actor_role', 16).notNullable();
    t.string('event', 64).notNullable();
    t.string('from_state', 64).notNullable();
    t.string('to_state', 64).notNullable();
    t.string('from_status', 32).notNullable();
    t.string('to_status', 32).notNullable();
    t.text('comment').nullable();
    t.text('payload').nullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.index(['application_id', 'id']);
  });

  // Side effects written in the same transaction as the event, delivered after commit.
  await knex.schema.createTable('outbox', (t) => {
    t.increments('id').primary();
    t.integer('application_id').nullable().references('id').inTable('applications');
    t.string('kind', 32).notNullable();
    t.text('payload').notNullable();
    t.string('status', 16).notNullable().defaultTo('pending');
    t.integer('attempts').notNullable().defaultTo(0);
    t.bigInteger('next_attempt_at').notNullable();
    t.bigInteger('locked_until').nullable();
    t.text('last_error').nullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('delivered_at', { useTz: true }).nullable();
    t.index(['status', 'next_attempt_at']);
  });

  // Service-level times and query windows: swept by a poller, never in-process timers.
  await knex.schema.createTable('deadlines', (t) => {
    t.increments('id').primary();
    t.integer('application_id').notNullable().references('id').inTable('applications');
    t.string('key', 32).notNullable();
    t.string('event', 64).notNullable();
    t.bigInteger('due_at').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.unique(['application_id', 'key']);
    t.index(['due_at']);
  });

  // In-app notices; one per outbox row and person, so redelivery never makes a second one.
  await knex.schema.createTable('notifications', (t) => {
    t.increments('id').primary();
    t.integer('user_id').notNullable().references('id').inTable('users');
    t.integer('application_id').nullable().references('id').inTable('applications');
    t.integer('outbox_id').notNullable().references('id').inTable('outbox');
    t.string('template', 64).notNullable();
    t.text('params').notNullable();
    t.timestamp('read_at', { useTz: true }).nullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.index(['user_id', 'read_at']);
    t.unique(['outbox_id', 'user_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('notifications');
  await knex.schema.dropTable('deadlines');
  await knex.schema.dropTable('outbox');
  await knex.schema.dropTable('application_events');
  await knex.schema.dropTable('applications');
}
