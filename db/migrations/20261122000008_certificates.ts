import type { Knex } from 'knex';

/**
 * Certificates issued when a certificate-type service is accepted (docs/decisions/0005). One per
 * application; the row holds everything the PDF shows, so the PDF is drawn again from it on each
 * download and reads the same every time.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('certificates', (t) => {
    t.increments('id').primary();
    // Printed on the certificate: CRT-<year>-<application id>.
    t.string('number', 32).notNullable().unique();
    // The verification code in the QR code: 128 random bits, base64url.
    t.string('code', 64).notNullable().unique();
    t.integer('application_id').notNullable().unique().references('id').inTable('applications');
    t.integer('holder_id').notNullable().references('id').inTable('users');
    t.string('holder_name', 200).notNullable();
    t.string('service_slug', 64).notNullable();
    t.integer('service_version').notNullable();
    t.string('municipality', 32).notNullable().references('code').inTable('municipalities');
    // JSON: the holder's identifier and the certified facts in both languages, as issued.
    t.text('content').notNullable();
    t.timestamp('issued_at', { useTz: true }).notNullable();
    t.timestamp('valid_until', { useTz: true }).notNullable();
    t.timestamp('revoked_at', { useTz: true }).nullable();
    t.integer('revoked_by').nullable().references('id').inTable('users');
    t.text('revoke_reason').nullable();
    t.index(['holder_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('certificates');
}
