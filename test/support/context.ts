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

let pgDatabaseOnce: Promise<string> | undefined;
/**
 * On PostgreSQL each test process gets a database of its own (`<name>_t<pid>`, made from
 * DATABASE_URL's), so two suites on one server do not drop each other's tables. Databases
 * left by processes that are gone are dropped first.
 */
function processDatabaseUrl(base: string): Promise<string> {
  pgDatabaseOnce ??= (async () => {
    const url = new URL(base);
    const baseName = url.pathname.slice(1) || 'postgres';
    const name = `${baseName}_t${process.pid}`;
    const admin = createDb(base);
    try {
      const { rows } = await admin.raw<{ rows: { datname: string }[] }>(
        'select datname from pg_database where datname like ?',
        [`${baseName}\\_t%`],
      );
      for (const { datname } of rows) {
        const pid = Number(datname.slice(baseName.length + 2));
        if (!Number.isInteger(pid) || pid === process.pid || isAlive(pid)) continue;
        await admin.raw(`drop database if exists "${datname}" with (force)`);
      }
      const exists = await admin.raw<{ rows: unknown[] }>('select 1 from pg_database where datname = ?', [
        name,
      ]);
      if (exists.rows.length === 0) await admin.raw(`create database "${name}"`);
    } finally {
      await admin.destroy();
    }
    url.pathname = `/${name}`;
    return url.toString();
  })();
  return pgDatabaseOnce;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Drops everything so each test file starts from an empty, freshly migrated database. */
export async function freshDatabase(): Promise<{ db: Knex; url: string; cleanup: () => void }> {
  if (PG_URL) {
    const url = await processDatabaseUrl(PG_URL);
    const db = createDb(url);
    await db.raw('drop schema if exists public cascade');
    await db.raw('create schema public');
    await migrateLatest(db);
    return { db, url, cleanup: () => undefined };
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
