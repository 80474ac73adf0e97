/**
 * The portal as the submissions benchmark runs it, in its own process: server/main.ts's start-up
 * (config from the environment, migrations, services, createApp, listen) with the two benchmark
 * services added to the registry, no demo seed and no background worker (the floor delivers no
 * outbox rows either). Sign-in limits are raised because the script signs in many residents.
 *
 * Environment: as server/main.ts (PORT, DATABASE_URL, UPLOAD_DIR, LOG_LEVEL, NODE_ENV), and
 * BENCH_SESSION_TOUCH=off for a what-if experiment only: the session store's per-request `touch`
 * (an UPDATE of the session row, one more synchronous commit per request) becomes a no-op. The
 * idle timeout then no longer rolls in the database; never a configuration of the real portal.
 */
import { ConnectSessionKnexStore } from 'connect-session-knex';
import { createDb, migrateLatest } from '../../db/connection.js';
import { loadConfig } from '../../server/config.js';
import { createLogger } from '../../server/logger.js';
import { systemClock } from '../../server/clock.js';
import { loadRegistry } from '../../server/boot.js';
import { createServices } from '../../server/services/index.js';
import { createApp } from '../../server/app.js';
import { createRegistry } from '../../workflows/registry.js';
import { TWO_FIELDS, TWO_FIELDS_AND_PDF } from './bench-services.js';
import { answerUsageRequests, send } from './target-ipc.js';

async function main(): Promise<void> {
  if (process.env.BENCH_SESSION_TOUCH === 'off') {
    ConnectSessionKnexStore.prototype.touch = (_sid, _session, callback) => {
      callback?.();
      return Promise.resolve();
    };
  }
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const db = createDb(config.databaseUrl);
  await migrateLatest(db);
  const registry = createRegistry([...(await loadRegistry()).all(), TWO_FIELDS, TWO_FIELDS_AND_PDF]);
  const services = createServices({ db, config, clock: systemClock, logger, registry });
  const app = createApp({
    config,
    db,
    logger,
    clock: systemClock,
    services,
    limits: { signIn: { windowMs: 60_000, limit: 10_000 } },
  });
  app.listen(config.port, '127.0.0.1', () => send({ type: 'ready', port: config.port }));
  // A normal exit on SIGTERM, so that `--cpu-prof` (through NODE_OPTIONS) can write its profile.
  process.on('SIGTERM', () => process.exit(0));
  answerUsageRequests();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
