import type { Knex } from 'knex';
import type { ApplicationRow } from './applications.js';

export interface QueueScope {
  /** null: every municipality (a national administrator). */
  municipality: string | null;
  /** null: every service; otherwise only these (a department's services). */
  services: string[] | null;
}

export interface QueueFilter {
  service?: string;
  status?: string;
  channel?: string;
  due?: 'overdue' | 'today' | 'week' | 'escalated';
  view?: 'all' | 'unassigned' | 'mine';
  /** Applicant ids matched by a name or CPR search, or an application id matched by reference. */
  applicantIds?: number[];
  applicationIds?: number[];
}

export interface QueueCursor {
  due: number;
  id: number;
}

export interface QueueRow extends ApplicationRow {
  applicant_name: string;
  applicant_cpr: string | null;
  applicant_cr: string | null;
  assignee_name: string | null;
}

/** Counts stop at this number ("1000+"), so a count never scans more than a page's worth of index. */
export const COUNT_CAP = 1000;

/**
 * The back-office queue: applications in scope, filtered, sorted by due time then id and paged by
 * keyset (never OFFSET). Each page and each capped count reads one short index range whose
 * equality terms are its filters and whose order is (queue_due_at, id) (migrations
 * 20261122000005 and 20261122000006), so its time does not grow with the table (bench/queue.md).
 */
export function queueRepository(db: Knex) {
  function scoped(
    scope: QueueScope,
    filter: QueueFilter,
    now: { now: number; endOfToday: number; endOfWeek: number },
    userId: number,
  ) {
    const q = db('applications as a');
    if (scope.municipality) q.where('a.municipality', scope.municipality);
    // The service filter within the scope's services, as one list: a service outside the scope
    // matches nothing, rather than reading that service's whole queue to filter it all away.
    const services = filter.service
      ? !scope.services || scope.services.includes(filter.service)
        ? [filter.service]
        : []
      : scope.services;
    if (services) q.whereIn('a.service_slug', services.length ? services : ['-']);
    if (filter.status) q.where('a.status', filter.status);
    else q.where('a.in_queue', true);
    if (filter.channel) q.where('a.channel', filter.channel);
    if (filter.view === 'unassigned') q.whereNull('a.assigned_to');
    if (filter.view === 'mine') q.where('a.assigned_to', userId);
    if (filter.due === 'overdue') q.where('a.queue_due_at', '<', now.now);
    if (filter.due === 'today') q.whereBetween('a.queue_due_at', [now.now, now.endOfToday]);
    if (filter.due === 'week') q.whereBetween('a.queue_due_at', [now.now, now.endOfWeek]);
    if (filter.due === 'escalated') q.where('a.escalated', true);
    if (filter.applicantIds)
      q.whereIn('a.applicant_id', filter.applicantIds.length ? filter.applicantIds : [-1]);
    if (filter.applicationIds) q.whereIn('a.id', filter.applicationIds.length ? filter.applicationIds : [-1]);
    return q;
  }

  return {
    async page(
      scope: QueueScope,
      filter: QueueFilter,
      clock: { now: number; endOfToday: number; endOfWeek: number },
      userId: number,
      after: QueueCursor | null,
      limit: number,
    ): Promise<{ rows: QueueRow[]; next: QueueCursor | null }> {
      const q = scoped(scope, filter, clock, userId);
      // A row-value comparison, so both databases start the index range at the cursor. With the
      // equivalent `due > ? or (due = ? and id > ?)`, PostgreSQL read the range from its start and
      // SQLite, for a department's list of services, searched each twice and sorted the union.
      if (after) q.whereRaw('(??, ??) > (?, ?)', ['a.queue_due_at', 'a.id', after.due, after.id]);
      const rows = (await q
        .join('users as u', 'u.id', 'a.applicant_id')
        .leftJoin('users as s', 's.id', 'a.assigned_to')
        .select(
          'a.*',
          'u.name as applicant_name',
          'u.cpr as applicant_cpr',
          'u.cr as applicant_cr',
          's.name as assignee_name',
        )
        .orderBy([
          { column: 'a.queue_due_at', order: 'asc' },
          { column: 'a.id', order: 'asc' },
        ])
        .limit(limit + 1)) as QueueRow[];
      const more = rows.length > limit;
      const shown = rows.slice(0, limit);
      const last = shown.at(-1);
      return { rows: shown, next: more && last ? { due: Number(last.queue_due_at), id: last.id } : null };
    },

    /** How many rows a filter matches, capped at COUNT_CAP. */
    async count(
      scope: QueueScope,
      filter: QueueFilter,
      clock: { now: number; endOfToday: number; endOfWeek: number },
      userId: number,
    ): Promise<number> {
      const inner = scoped(scope, filter, clock, userId).select(db.raw('1')).limit(COUNT_CAP);
      const [row] = await db.from(inner.as('capped')).count<{ n: number | string }[]>({ n: '*' });
      return Number(row?.n ?? 0);
    },

    async applicantIdsMatching(text: string, limit = 200): Promise<number[]> {
      const rows = await db('users')
        .whereIn('kind', ['resident', 'investor'])
        .andWhere((w) =>
          w
            .where('cpr', text)
            .orWhere('cr', text)
            .orWhere('name', 'like', `%${text.replace(/[%_\\]/g, '')}%`),
        )
        .limit(limit)
        .pluck<number[]>('id');
      return rows.map(Number);
    },

    async idsByReference(reference: string): Promise<number[]> {
      return (await db('applications').where({ reference }).pluck<number[]>('id')).map(Number);
    },

    async idsByReferences(references: string[]): Promise<number[]> {
      if (references.length === 0) return [];
      return (await db('applications').whereIn('reference', references).pluck<number[]>('id')).map(Number);
    },

    /** Open applications held by each reviewer of a municipality (the supervisor's view of load). */
    async load(
      municipality: string | null,
      now: number,
    ): Promise<{ id: number; name: string; role: string; open: number; overdue: number }[]> {
      const staff: { id: number; name: string; role: string }[] = await db('users')
        .where({ kind: 'staff' })
        .whereIn('role', ['reviewer', 'supervisor'])
        .modify((q) => {
          if (municipality) q.where({ municipality });
        })
        .whereNull('disabled_at')
        .select<{ id: number; name: string; role: string }[]>('id', 'name', 'role')
        .orderBy('name');
      const counts = await db('applications')
        .modify((q) => {
          // The reviewers are all of this municipality: saying so lets the count use the queue's indexes.
          if (municipality) q.where({ municipality });
        })
        .whereIn(
          'assigned_to',
          staff.map((s) => s.id),
        )
        .where('in_queue', true)
        .groupBy('assigned_to')
        .select('assigned_to')
        .count<{ assigned_to: number; n: number | string }[]>({ n: '*' })
        .sum<{ assigned_to: number; overdue: number | string }[]>({
          overdue: db.raw('case when queue_due_at < ? then 1 else 0 end', [now]),
        });
      const by = new Map(
        counts.map((c) => [
          Number(c.assigned_to),
          c as unknown as { n: number | string; overdue: number | string },
        ]),
      );
      return staff.map((s) => ({
        ...s,
        open: Number(by.get(s.id)?.n ?? 0),
        overdue: Number(by.get(s.id)?.overdue ?? 0),
      }));
    },
  };
}

export type QueueRepository = ReturnType<typeof queueRepository>;
