import type { Knex } from 'knex';

/**
 * Service settings an administrator changes without a release (docs/decisions/0007): one row per
 * service that has any, laid over its definition by the registry, and an append-only audit of
 * every change (who, when, the values before and after).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('service_settings', (t) => {
    t.string('service_slug', 64).primary();
    t.boolean('enabled').notNullable().defaultTo(true);
    // null: the definition's own value.
    t.decimal('fee_amount', 12, 3).nullable();
    t.integer('sla_days').nullable();
    // JSON: { ar, en } (the guide's text) and [{ event, text: { ar, en } }] (reasons offered to staff).
    t.text('guide_text').nullable();
    t.text('reason_templates').nullable();
    // Raised on every change, so another process can tell its copy is stale.
    t.integer('revision').notNullable().defaultTo(1);
    t.integer('updated_by').nullable().references('id').inTable('users');
    t.timestamp('updated_at', { useTz: true }).notNullable();
  });

  await knex.schema.createTable('service_setting_changes', (t) => {
    t.increments('id').primary();
    t.string('service_slug', 64).notNullable();
    // 'enabled', 'fee', 'slaDays', 'guideText', 'reasonTemplates'
    t.string('setting', 32).notNullable();
    // JSON of the effective value before and after (the definition's value when not overridden).
    t.text('before').nullable();
    t.text('after').nullable();
    t.integer('changed_by').notNullable().references('id').inTable('users');
    t.timestamp('changed_at', { useTz: true }).notNullable();
    t.index(['service_slug', 'id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('service_setting_changes');
  await knex.schema.dropTable('service_settings');
}
