import type { Knex } from 'knex';
import type { PersistedSnapshot } from '../../workflows/types.js';

/** `queue_due_at` of an application whose service-level clock is not running: after every real due time. */
export const QUEUE_NO_DUE = 9_000_000_000_000;

export interface ApplicationRow {
  id: number;
  reference: string | null;
  service_slug: string;
  service_version: number;
  applicant_id: number;
  created_by: number | null;
  channel: string;
  municipality: string | null;
  department: string;
  state: string;
  status: string;
  snapshot: string;
  form_data: string;
  outcome: string | null;
  assigned_to: number | null;
  sla_due_at: Date | string | null;
  escalated: boolean | number;
  in_queue?: boolean | number;
  queue_due_at?: number | string;
  submitted_at: Date | string | null;
  decided_at: Date | string | null;
  /** While it waits on the applicant: since when; `waited_ms`: working ms it waited before. */
  waiting_since?: Date | string | null;
  waited_ms?: number | string;
  created_at: Date | string;
  updated_at: Date | string;
  version: number;
}

const parsedSnapshots = new WeakMap<ApplicationRow, { text: string; persisted: PersistedSnapshot }>();

/**
 * The row's stored workflow snapshot, parsed once per row object (and per text, should the row's
 * `snapshot` be replaced): the back office's actions and the event they post read the same object,
 * so the workflow engine restores it once (workflows/machine-introspection.ts).
 */
export function persistedSnapshotOf(row: ApplicationRow): PersistedSnapshot {
  const known = parsedSnapshots.get(row);
  if (known?.text === row.snapshot) return known.persisted;
  const persisted = JSON.parse(row.snapshot) as PersistedSnapshot;
  parsedSnapshots.set(row, { text: row.snapshot, persisted });
  return persisted;
}

export interface AuditEntry {
  applicationId: number;
  actorId: number | null;
  actorRole: string;
  event: string;
  fromState: string;
  toState: string;
  fromStatus: string;
  toStatus: string;
  comment: string | null;
  payload: Record<string, unknown> | null;
  at: Date;
}

export interface ArmDeadline {
  key: string;
  event: string;
  dueAt: Date;
}

export function applicationsRepository(db: Knex) {
  return {
    async findById(id: number, trx: Knex = db): Promise<ApplicationRow | undefined> {
      return trx<ApplicationRow>('applications').where({ id }).first();
    },

    /** Inserts a new application and returns it as stored (one statement on both databases). */
    async insert(trx: Knex, row: Omit<ApplicationRow, 'id' | 'version'>): Promise<ApplicationRow> {
      const [inserted] = await trx('applications')
        .insert({ ...row, version: 1 })
        .returning<ApplicationRow[]>('*');
      if (!inserted) throw new Error('insert returned no row');
      return inserted;
    },

    /** Updates only if nobody else changed the row since it was read; null means someone did. */
    async updateIfVersion(
      trx: Knex,
      id: number,
      version: number,
      changes: Partial<Omit<ApplicationRow, 'id' | 'version'>>,
    ): Promise<ApplicationRow | null> {
      const rows = await trx<ApplicationRow>('applications')
        .where({ id, version })
        .update({ ...changes, version: version + 1 })
        .returning<ApplicationRow[]>('*');
      return rows[0] ?? null;
    },

    async appendEvent(trx: Knex, e: AuditEntry): Promise<void> {
      await trx('application_events').insert({
        application_id: e.applicationId,
        actor_id: e.actorId,
        actor_role: e.actorRole,
        event: e.event,
        from_state: e.fromState,
        to_state: e.toState,
        from_status: e.fromStatus,
        to_status: e.toStatus,
        comment: e.comment,
        payload: e.payload ? JSON.stringify(e.payload) : null,
        created_at: e.at,
      });
    },

    async events(applicationId: number): Promise<Record<string, unknown>[]> {
      return db('application_events').where({ application_id: applicationId }).orderBy('id');
    },

    async replaceDeadlines(
      trx: Knex,
      applicationId: number,
      plan: { cancelAll: boolean; cancel: string[]; arm: ArmDeadline[] },
      now: Date,
    ): Promise<void> {
      if (plan.cancelAll) {
        await trx('deadlines').where({ application_id: applicationId }).delete();
        return;
      }
      if (plan.cancel.length > 0) {
        await trx('deadlines').where({ application_id: applicationId }).whereIn('key', plan.cancel).delete();
      }
      // One statement whether or not a row for the key is left over (the unique key is the
      // application and the deadline's key). A re-armed row keeps its id, so `takeDeadline` takes
      // a row only while it is due: a sweeper that read it before it was re-armed cannot fire it.
      if (plan.arm.length > 0) {
        await trx('deadlines')
          .insert(
            plan.arm.map((d) => ({
              application_id: applicationId,
              key: d.key,
              event: d.event,
              due_at: d.dueAt.getTime(),
              created_at: now,
            })),
          )
          .onConflict(['application_id', 'key'])
          .merge(['event', 'due_at', 'created_at']);
      }
    },

    /**
     * Removes a deadline that is being fired, if it is still due at `now`; false when another
     * sweeper fired it first, or when it was re-armed (a later due time) after it was read.
     */
    async takeDeadline(trx: Knex, deadlineId: number, now: Date): Promise<boolean> {
      return (
        (await trx('deadlines')
          .where({ id: deadlineId })
          .andWhere('due_at', '<=', now.getTime())
          .delete()) === 1
      );
    },

    async dueDeadlines(
      now: number,
      limit: number,
    ): Promise<{ id: number; application_id: number; event: string }[]> {
      return db('deadlines').where('due_at', '<=', now).orderBy('due_at').limit(limit);
    },
  };
}

export type ApplicationsRepository = ReturnType<typeof applicationsRepository>;
