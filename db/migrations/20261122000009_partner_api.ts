import type { Knex } from 'knex';

/** Partner agencies: API tokens, webhook subscriptions and their deliveries, registry answers. */
export async function up(knex: Knex): Promise<void> {
  // Only the SHA-256 of a token is kept; the token itself is shown once (docs/decisions/0006).
  await knex.schema.createTable('api_tokens', (t) => {
    t.increments('id').primary();
    t.string('name', 120).notNullable();
    t.string('token_hash', 64).notNullable().unique();
    // The first characters of the token, so people can tell their tokens apart.
    t.string('token_prefix', 16).notNullable();
    // JSON arrays: scopes ('applications:read', 'certificates:read', 'webhooks') and the service
    // slugs applications may be read for (null: every service).
    t.text('scopes').notNullable();
    t.text('services').nullable();
    // Set when a municipal administrator issued it: the token sees that municipality only.
    t.string('municipality', 32).nullable().references('code').inTable('municipalities');
    t.integer('created_by').notNullable().references('id').inTable('users');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('revoked_at', { useTz: true }).nullable();
    t.integer('revoked_by').nullable().references('id').inTable('users');
    t.timestamp('last_used_at', { useTz: true }).nullable();
  });

  await knex.schema.createTable('webhook_subscriptions', (t) => {
    t.increments('id').primary();
    t.integer('token_id').notNullable().references('id').inTable('api_tokens');
    t.string('url', 2000).notNullable();
    t.text('events').notNullable();
    // The signing key: HMAC needs it in the clear (see the decision record).
    t.string('secret', 128).notNullable();
    t.integer('created_by').nullable().references('id').inTable('users');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('disabled_at', { useTz: true }).nullable();
    t.index(['token_id']);
  });

  // One row per (event, subscription), tied to the outbox row that delivers it.
  await knex.schema.createTable('webhook_deliveries', (t) => {
    t.increments('id').primary();
    t.integer('subscription_id').notNullable().references('id').inTable('webhook_subscriptions');
    t.integer('outbox_id').notNullable().unique().references('id').inTable('outbox');
    t.string('event', 64).notNullable();
    t.string('event_id', 64).notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.index(['subscription_id', 'id']);
  });

  await knex.schema.createTable('webhook_attempts', (t) => {
    t.increments('id').primary();
    t.integer('delivery_id').notNullable().references('id').inTable('webhook_deliveries');
    t.timestamp('attempted_at', { useTz: true }).notNullable();
    t.integer('status_code').nullable();
    t.string('error', 500).nullable();
    t.integer('duration_ms').notNullable();
    t.index(['delivery_id', 'id']);
  });

  // What another agency's registry said about an application, or that it did not answer.
  await knex.schema.createTable('registry_answers', (t) => {
    t.increments('id').primary();
    t.integer('application_id').notNullable().references('id').inTable('applications');
    t.string('check_key', 32).notNullable();
    // 'yes', 'no' or 'no_answer'
    t.string('answer', 16).notNullable();
    // Why there was no answer: 'timeout', 'unreachable', 'http_<status>', 'malformed', 'not_configured', 'missing_input'
    t.string('reason', 32).nullable();
    t.string('detail', 500).nullable();
    t.integer('outbox_id').nullable().unique().references('id').inTable('outbox');
    t.timestamp('asked_at', { useTz: true }).notNullable();
    t.index(['application_id', 'id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('registry_answers');
  await knex.schema.dropTable('webhook_attempts');
  await knex.schema.dropTable('webhook_deliveries');
  await knex.schema.dropTable('webhook_subscriptions');
  await knex.schema.dropTable('api_tokens');
}
