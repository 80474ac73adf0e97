import type { Knex } from 'knex';
import { outboxRepository, type OutboxRow } from '../../db/repositories/outbox.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';

/** Delivers one outbox row. It must be idempotent: a row may be delivered again after a crash. */
export type OutboxHandler = (payload: Record<string, unknown>, row: OutboxRow) => Promise<void>;

export interface OutboxWorkerOptions {
  db: Knex;
  clock: Clock;
  logger: Logger;
  handlers: Record<string, OutboxHandler>;
  batchSize?: number;
  leaseMs?: number;
  maxAttempts?: number;
}

/** Exponential backoff: 10 s, 20 s, 40 s … capped at one hour. */
export function backoffMs(attempts: number): number {
  return Math.min(60 * 60 * 1000, 10_000 * 2 ** Math.max(0, attempts - 1));
}

/**
 * Delivers outbox rows after their transaction committed: leases a batch, runs each row's handler,
 * marks it done, or schedules a retry with backoff (failed for good after `maxAttempts`).
 * Several workers may run at once, in one process or many.
 */
export function outboxWorker(options: OutboxWorkerOptions) {
  const { db, clock, logger, handlers } = options;
  const batchSize = options.batchSize ?? 20;
  const leaseMs = options.leaseMs ?? 60_000;
  const maxAttempts = options.maxAttempts ?? 8;
  const outbox = outboxRepository(db);

  async function deliver(row: OutboxRow): Promise<boolean> {
    const handler = handlers[row.kind];
    try {
      if (!handler) throw new Error(`no handler for outbox kind "${row.kind}"`);
      await handler(JSON.parse(row.payload) as Record<string, unknown>, row);
      await outbox.markDone(row.id, clock.now());
      return true;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const giveUp = row.attempts >= maxAttempts;
      await outbox.markFailed(
        row.id,
        message,
        giveUp ? null : clock.now().getTime() + backoffMs(row.attempts),
      );
      logger.warn(
        { outboxId: row.id, kind: row.kind, attempts: row.attempts, giveUp, err: message },
        'outbox delivery failed',
      );
      return false;
    }
  }

  /** One pass: returns how many rows were delivered. */
  async function runOnce(): Promise<number> {
    const rows = await outbox.claim(clock.now().getTime(), leaseMs, batchSize);
    let delivered = 0;
    for (const row of rows) if (await deliver(row)) delivered++;
    return delivered;
  }

  return { runOnce };
}

export type OutboxWorker = ReturnType<typeof outboxWorker>;
