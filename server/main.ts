import cluster from 'node:cluster';
import type { Knex } from 'knex';
import { ConfigError, loadConfig, type Config } from './config.js';
import { createLogger, type Logger } from './logger.js';
import { clientOf, createDb, migrateLatest } from '../db/connection.js';
import { removeOrphanFiles } from './services/orphan-files.js';
import { ORPHAN_GRACE_MS } from './background.js';
import { createServices } from './services/index.js';
import { createApp } from './app.js';
import { systemClock } from './clock.js';
import { DEMO_PASSWORD, seedDemoAccounts, seedDemoApplications } from './services/demo-seed.js';
import { loadRegistry } from './boot.js';
import { startBackgroundWork } from './background.js';
import { runPrimary } from './cluster.js';
import { connectRedis } from './http/redis-stores.js';

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
  if (cluster.isWorker) return serve(config, logger, createDb(config.databaseUrl));
  // Migrations, the orphan sweep and the demo seed run once, here, before any worker starts.
  const db = createDb(config.databaseUrl);
  await prepare(config, logger, db);
  if (config.webConcurrency === 1) return serve(config, logger, db);
  await db.destroy();
  runPrimary({ workers: config.webConcurrency, logger });
}

async function prepare(config: Config, logger: Logger, db: Knex): Promise<void> {
  await migrateLatest(db);
  // Files left by a crash between writing an upload and committing its row. On SQLite this process is
  // the only one that uploads, so none can be in flight; on PostgreSQL others may be, so only old ones go.
  await removeOrphanFiles({
    db,
    uploadDir: config.uploadDir,
    now: new Date(),
    graceMs: clientOf(db) === 'sqlite' ? 0 : ORPHAN_GRACE_MS,
    logger,
  });
  if (!config.seedDemo) return;
  const services = createServices({ db, config, clock: systemClock, logger, registry: await loadRegistry() });
  const seeded = await seedDemoAccounts(db, services.accounts, logger);
  if (seeded.length > 0) {
    console.log('\nDemo staff accounts (development only), password: ' + DEMO_PASSWORD);
    for (const a of seeded)
      console.log(`  ${a.role.padEnd(10)} ${(a.municipality ?? 'national').padEnd(9)} ${a.email}`);
    console.log('');
  }
  const period = services.stats.defaultPeriod();
  const created = await seedDemoApplications({
    db,
    databaseUrl: config.databaseUrl,
    period,
    now: new Date(`${period.to}T00:00:00+03:00`),
    logger,
    issueCertificate: (id, options) => services.certificates.issueFor(id, options),
  });
  if (created > 0)
    console.log(
      `Demo data: ${created.toLocaleString('en')} applications submitted ${period.from} to the day before ${period.to}` +
        ` (the published figures; generated applicants and staff use the same password).\n`,
    );
}

/** One portal process: HTTP and, unless RUN_WORKER=false, the background loop. */
async function serve(config: Config, logger: Logger, db: Knex): Promise<void> {
  const registry = await loadRegistry();
  const redis = config.redisUrl ? await connectRedis(config.redisUrl, logger) : undefined;
  const services = createServices({ db, config, clock: systemClock, logger, registry });
  await services.serviceSettings.load();
  const app = createApp({ config, db, logger, clock: systemClock, services, redis });
  const server = app.listen(config.port, () => {
    logger.info({ port: config.port, url: config.baseUrl, pid: process.pid }, 'portal listening');
  });
  const work = config.runWorker
    ? startBackgroundWork({ services, db, logger, clock: systemClock, uploadDir: config.uploadDir })
    : null;
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    server.close(() => {
      void Promise.resolve(work?.stop())
        .then(() => redis?.quit())
        .then(() => db.destroy())
        .finally(() => process.exit(0));
    });
    // Keep-alive connections would hold close() open; idle ones go now, busy ones after their answer.
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), 10_000).unref();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  console.error('The portal could not start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
