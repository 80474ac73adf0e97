import cluster, { type Worker } from 'node:cluster';
import type { Logger } from './logger.js';

/**
 * `WEB_CONCURRENCY=N npm start` on PostgreSQL: this primary process forks N workers, each a whole
 * portal (HTTP on the shared port, background work), and does nothing else itself but pass
 * connections on. A worker that dies is started again after a pause that doubles while it keeps
 * dying young (1 s, 2 s, 4 s … at most 30 s); SIGTERM or SIGINT is passed to every worker, which
 * finishes its requests and exits, and then the primary exits.
 *
 * Nothing is shared through this process: sessions, rate-limit counters, the outbox and deadlines
 * live in the database (or Redis), so every worker may run the background loop (the outbox is
 * leased with FOR UPDATE SKIP LOCKED, a deadline is deleted in its own event's transaction).
 */

/** A worker that lived at least this long before dying is started again at once (after 1 s). */
export const STABLE_AFTER_MS = 30_000;
export const MAX_RESTART_DELAY_MS = 30_000;
const STOP_GRACE_MS = 15_000;

/** The pause before starting a worker again after its `crashes`th consecutive early death. */
export function restartDelayMs(crashes: number): number {
  return Math.min(MAX_RESTART_DELAY_MS, 1000 * 2 ** Math.max(0, crashes - 1));
}

interface Slot {
  worker: Worker | null;
  startedAt: number;
  crashes: number;
}

export function runPrimary(options: { workers: number; logger: Logger }): void {
  const { logger } = options;
  const slots: Slot[] = [];
  let stopping = false;

  function start(index: number): void {
    const slot = slots[index]!;
    const worker = cluster.fork({ PORTAL_WORKER: String(index + 1) });
    slot.worker = worker;
    slot.startedAt = Date.now();
    worker.on('exit', (code, signal) => {
      slot.worker = null;
      if (stopping) {
        if (slots.every((s) => s.worker === null)) {
          logger.info('all workers stopped');
          process.exit(0);
        }
        return;
      }
      const lived = Date.now() - slot.startedAt;
      slot.crashes = lived >= STABLE_AFTER_MS ? 1 : slot.crashes + 1;
      const delay = restartDelayMs(slot.crashes);
      logger.error(
        { worker: index + 1, pid: worker.process.pid, code, signal, livedMs: lived, restartInMs: delay },
        'worker exited; starting it again',
      );
      setTimeout(() => {
        if (!stopping) start(index);
      }, delay).unref();
    });
  }

  for (let i = 0; i < options.workers; i++) {
    slots.push({ worker: null, startedAt: 0, crashes: 0 });
    start(i);
  }
  logger.info({ workers: options.workers, pid: process.pid }, 'cluster primary started');

  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping workers');
    const running = slots.filter((s) => s.worker !== null);
    if (running.length === 0) process.exit(0);
    for (const slot of running) slot.worker?.process.kill('SIGTERM');
    setTimeout(() => {
      for (const slot of slots) slot.worker?.process.kill('SIGKILL');
      process.exit(1);
    }, STOP_GRACE_MS).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}
