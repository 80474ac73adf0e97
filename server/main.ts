import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { clientOf, createDb, migrateLatest } from '../db/connection.js';
import { removeOrphanFiles } from './services/documents.js';
import { ORPHAN_GRACE_MS } from './background.js';
import { createServices } from './services/index.js';
import { createApp } from './app.js';
import { systemClock } from './clock.js';
import { DEMO_PASSWORD, seedDemoAccounts, seedDemoApplications } from './services/demo-seed.js';
import { loadRegistry } from './boot.js';
import { startBackgroundWork } from './background.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger(config.logLevel);
  const db = createDb(config.databaseUrl);
  await migrateLatest(db);
  const registry = await loadRegistry();
  // Files left by a crash between writing an upload and committing its row. On SQLite this process is
  // the only one that uploads, so none can be in flight; on PostgreSQL others may be, so only old ones go.
  await removeOrphanFiles({
    db,
    uploadDir: config.uploadDir,
    now: new Date(),
    graceMs: clientOf(db) === 'sqlite' ? 0 : ORPHAN_GRACE_MS,
    logger,
  });
  const services = createServices({ db, config, clock: systemClock, logger, registry });
  if (config.seedDemo) {
    const seeded = await seedDemoAccounts(db, services.accounts, logger);
    if (seeded.length > 0) {
      console.log('\nDemo staff accounts (development only), password: ' + DEMO_PASSWORD);
      for (const a of seeded) console.log(`  ${a.role.padEnd(10)} ${a.municipality.padEnd(9)} ${a.email}`);
      console.log('');
    }
    const period = services.stats.defaultPeriod();
    const created = await seedDemoApplications({
      db,
      databaseUrl: config.databaseUrl,
      period,
      now: new Date(`${period.to}T00:00:00+03:00`),
      logger,
    });
    if (created > 0)
      console.log(
        `Demo data: ${created.toLocaleString('en')} applications submitted ${period.from} to the day before ${period.to}` +
          ` (the published figures; generated applicants and staff use the same password).\n`,
      );
  }
  const app = createApp({ config, db, logger, clock: systemClock, services });
  const server = app.listen(config.port, () => {
    logger.info({ port: config.port, url: config.baseUrl }, 'portal listening');
  });
  const work = config.runWorker
    ? startBackgroundWork({ services, db, logger, clock: systemClock, uploadDir: config.uploadDir })
    : null;
  const shutdown = (signal: string) => {
    logger.info({ signal }, 'shutting down');
    server.close(() => {
      void work?.stop();
      void db.destroy().then(() => process.exit(0));
    });
    setTimeout(() => process.exit(0), 10_000).unref();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  console.error('The portal could not start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
