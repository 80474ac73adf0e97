import fs from 'node:fs';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';
import { migrationSource } from './migrations/index.js';
import { CachedStatementsSqlite3Client } from './sqlite-client.js';

export type Db = Knex;
export type DbClient = 'sqlite' | 'pg';

/** Which engine a knex instance talks to; queries that differ between the two ask this. */
export function clientOf(db: Knex): DbClient {
  return (db.client as { dialect: string }).dialect === 'postgresql' ? 'pg' : 'sqlite';
}

/**
 * Opens the database named by a URL: `sqlite:///abs/path.sqlite`, `sqlite://relative.sqlite`,
 * `sqlite::memory:` or `postgres://…`. SQLite gets WAL, synchronous=FULL (an acknowledged
 * submission survives a crash), foreign keys and a busy timeout on every connection, and keeps
 * each connection's statements prepared (db/sqlite-client.ts; `keepStatements: false` gives knex's
 * own client, which prepares every statement afresh: the benchmarks' floors use it).
 */
export function createDb(url: string, options: { keepStatements?: boolean } = {}): Knex {
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    return knexFactory({
      client: 'pg',
      connection: url,
      pool: { min: 0, max: 10 },
      migrations: { migrationSource },
    });
  }
  const filename = sqliteFilename(url);
  if (filename !== ':memory:') fs.mkdirSync(path.dirname(filename), { recursive: true });
  return knexFactory({
    client: options.keepStatements === false ? 'sqlite3' : CachedStatementsSqlite3Client,
    connection: { filename },
    useNullAsDefault: true,
    pool: {
      min: 1,
      max: 1,
      afterCreate(conn: SqliteConnection, done: (err: Error | null, conn: unknown) => void) {
        conn.serialize(() => {
          conn.run('PRAGMA journal_mode = WAL');
          conn.run('PRAGMA synchronous = FULL');
          conn.run('PRAGMA foreign_keys = ON');
          conn.run('PRAGMA busy_timeout = 5000', (err) => done(err, conn));
        });
      },
    },
    migrations: { migrationSource },
  });
}

interface SqliteConnection {
  serialize(fn: () => void): void;
  run(sql: string, cb?: (err: Error | null) => void): void;
}

function sqliteFilename(url: string): string {
  if (url === 'sqlite::memory:') return ':memory:';
  const rest = url.replace(/^sqlite:(\/\/)?/, '');
  if (!rest) throw new Error(`DATABASE_URL "${url}" names no SQLite file`);
  return path.resolve(rest);
}

export async function migrateLatest(db: Knex): Promise<void> {
  await db.migrate.latest();
}

/** True when the database answers a trivial query. */
export async function pingDb(db: Knex): Promise<boolean> {
  try {
    await db.raw('select 1');
    return true;
  } catch {
    return false;
  }
}
