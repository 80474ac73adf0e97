import type { Knex } from 'knex';

/**
 * Uploaded documents. The file itself lives in UPLOAD_DIR under `stored_name`, a random name
 * that never contains user input; `original_name` is only ever shown back, sanitised.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('documents', (t) => {
    t.increments('id').primary();
    t.integer('application_id').notNullable().references('id').inTable('applications');
    t.string('requirement_key', 64).notNullable();
    t.string('stored_name', 64).notNullable().unique();
    t.string('original_name', 255).notNullable();
    t.string('media_type', 64).notNullable();
    t.bigInteger('size_bytes').notNullable();
    t.string('sha256', 64).notNullable();
    t.integer('uploaded_by').notNullable().references('id').inTable('users');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.index(['application_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('documents');
}
