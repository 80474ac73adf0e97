import type { Knex } from 'knex';
import { clientOf } from '../connection.js';

export interface OutboxRow {
  id: number;
  application_id: number | null;
  kind: string;
  payload: string;
  status: 'pending' | 'done' | 'failed';
  attempts: number;
  next_attempt_at: number | string;
  locked_until: number | string | null;
  last_error: string | null;
}

export interface NewOutboxEntry {
  applicationId: number | null;
  kind: string;
  payload: Record<string, unknown>;
}

export function outboxRepository(db: Knex) {
  return {
    /** Written inside the caller's transaction, so an effect exists only if its event committed. */
    async add(trx: Knex.Transaction | Knex, entries: NewOutboxEntry[], now: Date): Promise<void> {
      if (entries.length === 0) return;
      await trx('outbox').insert(
        entries.map((e) => ({
          application_id: e.applicationId,
          kind: e.kind,
          payload: JSON.stringify(e.payload),
          status: 'pending',
          attempts: 0,
          next_attempt_at: now.getTime(),
          created_at: now,
        })),
      );
    },

    /**
     * Leases up to `limit` due rows to one worker. On PostgreSQL `FOR UPDATE SKIP LOCKED` makes
     * concurrent workers take disjoint rows; SQLite has a single writer, so the statement is atomic.
     */
    async claim(now: number, leaseMs: number, limit: number): Promise<OutboxRow[]> {
      const lock = clientOf(db) === 'pg' ? 'for update skip locked' : '';
      const result: unknown = await db.raw(
        `update outbox set locked_until = ?, attempts = attempts + 1
         where id in (
           select id from outbox
           where status = 'pending' and next_attempt_at <= ? and (locked_until is null or locked_until < ?)
           order by id limit ? ${lock}
         )
         returning *`,
        [now + leaseMs, now, now, limit],
      );
      const rows = (Array.isArray(result) ? result : (result as { rows: OutboxRow[] }).rows) as OutboxRow[];
      return rows.sort((a, b) => a.id - b.id);
    },

    async markDone(id: number, now: Date): Promise<void> {
      await db('outbox')
        .where({ id })
        .update({ status: 'done', delivered_at: now, locked_until: null, last_error: null });
    },

    async markFailed(id: number, error: string, nextAttemptAt: number | null): Promise<void> {
      await db('outbox')
        .where({ id })
        .update({
          status: nextAttemptAt === null ? 'failed' : 'pending',
          ...(nextAttemptAt === null ? {} : { next_attempt_at: nextAttemptAt }),
          locked_until: null,
          last_error: error.slice(0, 2000),
        });
    },
  };
}

export type OutboxRepository = ReturnType<typeof outboxRepository>;
