import type { Knex } from 'knex';
import type { Logger } from './logger.js';
import type { Services } from './services/index.js';
import type { Clock } from './clock.js';
import { removeOrphanFiles } from './services/orphan-files.js';

/**
 * The background loop run inside `npm start` (or alone by `npm run worker`): delivers the outbox,
 * fires due deadlines, prunes expired rate-limit windows and, hourly, removes orphan upload files. Passes never overlap; any number of
 * these loops may run against one database.
 */
/** Upload files no row names are removed once this old (uploads in flight are younger). */
export const ORPHAN_GRACE_MS = 10 * 60 * 1000;
const ORPHAN_SWEEP_EVERY_MS = 60 * 60 * 1000;

export function startBackgroundWork(deps: {
  services: Services;
  db: Knex;
  logger: Logger;
  clock: Clock;
  uploadDir: string;
  intervalMs?: number;
}): { stop(): Promise<void> } {
  const { services, db, logger, clock } = deps;
  const intervalMs = deps.intervalMs ?? 2000;
  let running: Promise<void> | null = null;
  let stopped = false;
  let lastSweep = clock.now().getTime();

  async function pass(): Promise<void> {
    try {
      await services.deadlines.runOnce();
      while ((await services.outbox.runOnce()) > 0 && !stopped) {
        // keep draining while there is work
      }
      await db('rate_limits').where('reset_at', '<=', clock.now().getTime()).delete();
      if (clock.now().getTime() - lastSweep >= ORPHAN_SWEEP_EVERY_MS) {
        lastSweep = clock.now().getTime();
        await removeOrphanFiles({
          db,
          uploadDir: deps.uploadDir,
          now: clock.now(),
          graceMs: ORPHAN_GRACE_MS,
          logger,
        });
      }
    } catch (err) {
      logger.error({ err }, 'background pass failed');
    }
  }

  const timer = setInterval(() => {
    if (running || stopped) return;
    running = pass().finally(() => {
      running = null;
    });
  }, intervalMs);

  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
