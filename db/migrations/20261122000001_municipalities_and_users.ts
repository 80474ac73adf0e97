import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('municipalities', (t) => {
    t.string('code', 32).primary();
    t.string('name_ar', 200).notNullable();
    t.string('name_en', 200).notNullable();
  });
  await knex('municipalities').insert([
    { code: 'capital', name_ar: 'أمانة العاصمة', name_en: 'Capital Municipality' },
    { code: 'muharraq', name_ar: 'بلدية المحرق', name_en: 'Muharraq Municipality' },
    { code: 'northern', name_ar: 'بلدية المنطقة الشمالية', name_en: 'Northern Municipality' },
    { code: 'southern', name_ar: 'بلدية المنطقة الجنوبية', name_en: 'Southern Municipality' },
  ]);

  await knex.schema.createTable('users', (t) => {
    t.increments('id').primary();
    // resident (CPR), investor (commercial registration) or staff
    t.string('kind', 16).notNullable();
    t.string('cpr', 9).nullable().unique();
    t.string('cr', 16).nullable().unique();
    t.string('name', 200).notNullable();
    t.string('email', 254).notNullable().unique();
    t.string('mobile', 20).nullable();
    t.string('password_hash', 255).nullable();
    t.string('preferred_lang', 2).notNullable().defaultTo('ar');
    t.string('role', 16).nullable();
    t.string('municipality', 32).nullable().references('code').inTable('municipalities');
    t.string('department', 64).nullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.timestamp('disabled_at', { useTz: true }).nullable();
    t.index(['kind', 'role', 'municipality']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('users');
  await knex.schema.dropTable('municipalities');
}
