import type { Knex } from 'knex';
import type { Logger } from './logger.js';
import type { Services } from './services/index.js';
import type { Clock } from './clock.js';

/**
 * The background loop run inside `npm start` (or alone by `npm run worker`): delivers the outbox,
 * fires due deadlines and prunes expired rate-limit windows. Passes never overlap; any number of
 * these loops may run against one database.
 */
export function startBackgroundWork(deps: {
  services: Services;
  db: Knex;
  logger: Logger;
  clock: Clock;
  intervalMs?: number;
}): { stop(): Promise<void> } {
  const { services, db, logger, clock } = deps;
  const intervalMs = deps.intervalMs ?? 2000;
  let running: Promise<void> | null = null;
  let stopped = false;

  async function pass(): Promise<void> {
    try {
      await services.deadlines.runOnce();
      while ((await services.outbox.runOnce()) > 0 && !stopped) {
        // keep draining while there is work
      }
      await db('rate_limits').where('reset_at', '<=', clock.now().getTime()).delete();
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
