import { loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { createDb, migrateLatest } from '../db/connection.js';
import { createServices } from './services/index.js';
import { systemClock } from './clock.js';
import { loadRegistry } from './boot.js';
import { startBackgroundWork } from './background.js';

/** `npm run worker`: the outbox and deadline loop alone, for deployments that run it apart. */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const db = createDb(config.databaseUrl);
  await migrateLatest(db);
  const registry = await loadRegistry();
  const services = createServices({ db, config, clock: systemClock, logger, registry });
  // Administrators' service settings (docs/decisions/0007), then refreshed as they age.
  await services.serviceSettings.load();
  const work = startBackgroundWork({ services, db, logger, clock: systemClock, uploadDir: config.uploadDir });
  logger.info('worker started');
  const shutdown = () => {
    void work
      .stop()
      .then(() => db.destroy())
      .then(() => process.exit(0));
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

main().catch((err: unknown) => {
  console.error('The worker could not start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
