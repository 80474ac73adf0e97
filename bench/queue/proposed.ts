/**
 * The changes bench/queue.md proposes for the queue, put on a benchmark database and taken off
 * again, so they can be timed before anyone writes the migration:
 *
 * - three indexes whose equality prefix holds the queue's selective filters (the assignee for
 *   view=mine/unassigned, the escalation flag, the applicant found by a search) followed by the
 *   queue's sort order, so each page and each capped count reads one short index range;
 * - on SQLite, planner statistics (`PRAGMA optimize=0x10002`, proposed for every new connection in
 *   db/connection.ts): without them the planner picks among indexes with equally many `=` terms by
 *   their order in the schema. PostgreSQL always has statistics (autovacuum).
 */
import type { Knex } from 'knex';
import { clientOf } from '../../db/connection.js';

export interface ProposedIndex {
  name: string;
  columns: string[];
}

export const PROPOSED_INDEXES: ProposedIndex[] = [
  {
    name: 'applications_queue_assignee_idx',
    columns: ['municipality', 'in_queue', 'assigned_to', 'queue_due_at', 'id'],
  },
  {
    name: 'applications_queue_escalated_idx',
    columns: ['municipality', 'in_queue', 'escalated', 'queue_due_at', 'id'],
  },
  {
    name: 'applications_queue_applicant_idx',
    columns: ['applicant_id', 'in_queue', 'municipality', 'queue_due_at', 'id'],
  },
];

/** SQLite: what `PRAGMA optimize=0x10002` at connection open does on a database without statistics. */
export async function collectStatistics(db: Knex): Promise<void> {
  if (clientOf(db) === 'pg') await db.raw('analyze applications');
  else await db.raw('PRAGMA optimize=0x10002');
}

/** Back to a SQLite database as the portal leaves it today: no statistics. */
export async function dropStatistics(db: Knex): Promise<void> {
  if (clientOf(db) === 'sqlite') await db.raw('drop table if exists sqlite_stat1');
}

export async function applyProposed(db: Knex): Promise<void> {
  for (const i of PROPOSED_INDEXES)
    await db.schema.alterTable('applications', (t) => t.index(i.columns, i.name));
  await collectStatistics(db);
}

export async function revertProposed(db: Knex): Promise<void> {
  for (const i of PROPOSED_INDEXES)
    await db.schema.alterTable('applications', (t) => t.dropIndex([], i.name));
  await dropStatistics(db);
}
