import type { Knex } from 'knex';

/**
 * Indexes for the back-office queue's selective filters (bench/queue.md has the measurements).
 * Each one puts a filter's equality terms first and the queue's sort order (queue_due_at, id)
 * after them, so a page and each count (capped at COUNT_CAP) read one short index range however
 * many applications the table holds:
 * - the assignee ("mine", "unassigned" and the supervisors' team page) and the escalation flag,
 *   for the whole municipality and per service (the service filter, and department scopes);
 * - the applicant, for the search by name or CPR/CR, which finds applicants first.
 */
const INDEXES: { name: string; columns: string[] }[] = [
  {
    name: 'applications_queue_assignee_idx',
    columns: ['municipality', 'in_queue', 'assigned_to', 'queue_due_at', 'id'],
  },
  {
    name: 'applications_queue_escalated_idx',
    columns: ['municipality', 'in_queue', 'escalated', 'queue_due_at', 'id'],
  },
  {
    name: 'applications_queue_service_assignee_idx',
    columns: ['municipality', 'service_slug', 'in_queue', 'assigned_to', 'queue_due_at', 'id'],
  },
  {
    name: 'applications_queue_service_escalated_idx',
    columns: ['municipality', 'service_slug', 'in_queue', 'escalated', 'queue_due_at', 'id'],
  },
  {
    name: 'applications_queue_applicant_idx',
    columns: ['applicant_id', 'in_queue', 'municipality', 'queue_due_at', 'id'],
  },
];

/** The indexes this migration adds, for the queue benchmark (which takes them off to compare). */
export const QUEUE_INDEXES: readonly { name: string; columns: readonly string[] }[] = INDEXES;

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('applications', (t) => {
    for (const i of INDEXES) t.index(i.columns, i.name);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('applications', (t) => {
    for (const i of INDEXES) t.dropIndex([], i.name);
  });
}
