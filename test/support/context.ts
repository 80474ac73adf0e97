import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { Express } from 'express';
import type { Knex } from 'knex';
import { createDb, migrateLatest } from '../../db/connection.js';
import { loadConfig, type Config } from '../../server/config.js';
import { createLogger, type Logger } from '../../server/logger.js';
import { fixedClock } from '../../server/clock.js';
import { createServices, type Services } from '../../server/services/index.js';
import { createApp, type AppDependencies } from '../../server/app.js';
import { loadRegistry } from '../../server/boot.js';
import type { Registry } from '../../workflows/registry.js';
import type { Mailer, MailMessage } from '../../server/services/mailer.js';

let registryOnce: Promise<Registry> | undefined;
/** The registry of workflows/services, loaded once per test run. */
export function sharedRegistry(): Promise<Registry> {
  registryOnce ??= loadRegistry();
  return registryOnce;
}

export const PG_URL = process.env.DATABASE_URL?.startsWith('postgres') ? process.env.DATABASE_URL : undefined;
export const dbLabel = PG_URL ? 'PostgreSQL' : 'SQLite';

/** A structured log line captured from the app under test. */
export type LogLine = Record<string, unknown>;

export interface TestContext {
  app: Express;
  db: Knex;
  config: Config;
  services: Services;
  clock: ReturnType<typeof fixedClock>;
  logger: Logger;
  logs: LogLine[];
  mail: MailMessage[];
  close(): Promise<void>;
}

/** Drops everything so each test file starts from an empty, freshly migrated database. */
export async function freshDatabase(): Promise<{ db: Knex; url: string; cleanup: () => void }> {
  if (PG_URL) {
    const db = createDb(PG_URL);
    await db.raw('drop schema if exists public cascade');
    await db.raw('create schema public');
    await migrateLatest(db);
    return { db, url: PG_URL, cleanup: () => undefined };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-test-'));
  const url = `sqlite://${path.join(dir, 'test.sqlite')}`;
  const db = createDb(url);
  await migrateLatest(db);
  return { db, url, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

export async function createTestContext(
  options: { env?: Record<string, string>; limits?: AppDependencies['limits']; registry?: Registry } = {},
): Promise<TestContext> {
  const { db, cleanup } = await freshDatabase();
  const uploadDir = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-uploads-'));
  const config = loadConfig({ NODE_ENV: 'test', UPLOAD_DIR: uploadDir, LOG_LEVEL: 'info', ...options.env });
  const logs: LogLine[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.trim()) logs.push(JSON.parse(line) as LogLine);
      }
      done();
    },
  });
  const logger = createLogger('info', sink);
  const clock = fixedClock(new Date('2026-11-22T08:00:00Z'));
  const mail: MailMessage[] = [];
  const mailer: Mailer = {
    send: (m) => {
      mail.push(m);
      return Promise.resolve();
    },
  };
  const registry = options.registry ?? (await sharedRegistry());
  const services = createServices({ db, config, clock, logger, registry, mailer });
  const app = createApp({
    config,
    db,
    logger,
    clock,
    services,
    limits: options.limits ?? {
      signIn: { windowMs: 60_000, limit: 1000 },
      signUp: { windowMs: 60_000, limit: 1000 },
    },
  });
  return {
    app,
    db,
    config,
    services,
    clock,
    logger,
    logs,
    mail,
    async close() {
      await db.destroy();
      cleanup();
      fs.rmSync(uploadDir, { recursive: true, force: true });
    },
  };
}
