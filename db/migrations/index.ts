import type { Knex } from 'knex';
import * as m0001 from './20261122000001_municipalities_and_users.js';
import * as m0002 from './20261122000002_sessions_and_rate_limits.js';
import * as m0003 from './20261122000003_applications_and_workflow.js';
import * as m0004 from './20261122000004_documents.js';
import * as m0005 from './20261122000005_backoffice.js';
import * as m0006 from './20261122000006_queue_indexes.js';
import * as m0007 from './20261122000007_stats_counters.js';
import * as m0008 from './20261122000008_certificates.js';
import * as m0009 from './20261122000009_partner_api.js';
import * as m0010 from './20261122000010_service_settings.js';
import * as m0011 from './20261123000011_report_reads.js';

interface Migration {
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

/**
 * Migrations are listed here rather than discovered on disk, so the same list runs from
 * TypeScript (tsx) and from the compiled build without knex guessing file extensions.
 * Add a new migration file, then add it to this list in order.
 */
const migrations: Record<string, Migration> = {
  '20261122000001_municipalities_and_users': m0001,
  '20261122000002_sessions_and_rate_limits': m0002,
  '20261122000003_applications_and_workflow': m0003,
  '20261122000004_documents': m0004,
  '20261122000005_backoffice': m0005,
  '20261122000006_queue_indexes': m0006,
  '20261122000007_stats_counters': m0007,
  '20261122000008_certificates': m0008,
  '20261122000009_partner_api': m0009,
  '20261122000010_service_settings': m0010,
  '20261123000011_report_reads': m0011,
};

export const migrationSource: Knex.MigrationSource<string> = {
  getMigrations: () => Promise.resolve(Object.keys(migrations)),
  getMigrationName: (name) => name,
  getMigration: (name) => {
    const migration = migrations[name];
    if (!migration) throw new Error(`Unknown migration ${name}`);
    return Promise.resolve(migration);
  },
};
