import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // Sessions live in the database so any process can serve a person's next request.
  await knex.schema.createTable('sessions', (t) => {
    t.string('sid', 255).primary();
    t.text('sess').notNullable();
    t.timestamp('expired', { useTz: true }).notNullable().index();
  });
  // Fixed-window counters for rate limits, shared by every process.
  await knex.schema.createTable('rate_limits', (t) => {
    t.string('key', 255).primary();
    t.integer('hits').notNullable();
    t.bigInteger('reset_at').notNullable().index();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('rate_limits');
  await knex.schema.dropTable('sessions');
}
