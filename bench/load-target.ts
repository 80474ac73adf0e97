/**
 * The portal as `npm run bench` (bench/load.bench.ts) runs it: server/main.ts's start-up (config
 * from the environment, services, createApp, listen; with WEB_CONCURRENCY > 1 the real primary of
 * server/cluster.ts forks the workers) with the sign-in and tracking limits raised, because one
 * load generator plays many people from one address. No demo seed and no background loop (the
 * floor delivers no outbox rows either).
 *
 * With BENCH_CAPTURE=1 (one process, forked with IPC) it also records the SQL each request sends:
 * `{ type: 'capture-start' }` begins a recording, `{ type: 'capture-stop' }` answers with it. The
 * floor (load-floor-target.ts) replays what was recorded.
 */
import cluster from 'node:cluster';
import { createDb, migrateLatest } from '../db/connection.js';
import { loadConfig } from '../server/config.js';
import { createLogger } from '../server/logger.js';
import { systemClock } from '../server/clock.js';
import { loadRegistry } from '../server/boot.js';
import { createServices } from '../server/services/index.js';
import { createApp } from '../server/app.js';
import { runPrimary } from '../server/cluster.js';
import { connectRedis } from '../server/http/redis-stores.js';

export interface CapturedQuery {
  sql: string;
  bindings: unknown[];
}

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  if (cluster.isPrimary && config.webConcurrency > 1) {
    const db = createDb(config.databaseUrl);
    await migrateLatest(db);
    await db.destroy();
    runPrimary({ workers: config.webConcurrency, logger });
    return;
  }
  const db = createDb(config.databaseUrl);
  if (cluster.isPrimary) await migrateLatest(db);
  const registry = await loadRegistry();
  const redis = config.redisUrl ? await connectRedis(config.redisUrl, logger) : undefined;
  const services = createServices({ db, config, clock: systemClock, logger, registry });
  const many = { windowMs: 60_000, limit: 1_000_000_000 };
  const app = createApp({
    config,
    db,
    logger,
    clock: systemClock,
    services,
    redis,
    limits: { signIn: many, track: many },
  });

  if (process.env.BENCH_CAPTURE === '1') {
    let recording: CapturedQuery[] | null = null;
    db.on('query', (q: { sql: string; bindings?: unknown[] }) => {
      recording?.push({ sql: q.sql, bindings: q.bindings ?? [] });
    });
    process.on('message', (message: { type?: string }) => {
      if (message.type === 'capture-start') recording = [];
      if (message.type === 'capture-stop') {
        process.send?.({ type: 'captured', queries: recording ?? [] });
        recording = null;
      }
    });
  }
  app.listen(config.port, '127.0.0.1');
  process.on('SIGTERM', () => {
    // Where the memory is at the end of a run: V8's heap, buffers outside it, and the rest (native
    // allocations: SQLite, the drivers, malloc's arenas), for bench/load.md.
    // With --expose-gc (BENCH_GC=1), after a full collection: the live heap rather than what V8 has
    // not collected yet.
    const gc = (globalThis as { gc?: () => void }).gc;
    const before = process.memoryUsage();
    if (gc) gc();
    const m = process.memoryUsage();
    if (gc)
      console.error(
        `memory before a full GC (pid ${process.pid}): rss ${Math.round(before.rss / 1048576)} MB, heap used ${Math.round(before.heapUsed / 1048576)} MB`,
      );
    const mb = (n: number) => Math.round(n / 1048576);
    console.error(
      `memory (pid ${process.pid}): rss ${mb(m.rss)} MB, heap total ${mb(m.heapTotal)} / used ${mb(m.heapUsed)} MB, ` +
        `external ${mb(m.external)} MB (array buffers ${mb(m.arrayBuffers)} MB), other ${mb(m.rss - m.heapTotal - m.external)} MB`,
    );
    process.exit(0);
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
