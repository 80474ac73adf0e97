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
  const keep = options.keepStatements !== false;
  const db = knexFactory({
    client: keep ? CachedStatementsSqlite3Client : 'sqlite3',
    connection: { filename },
    useNullAsDefault: true,
    pool: { min: 1, max: 1, afterCreate: pragmas(WRITER_PRAGMAS) },
    migrations: { migrationSource },
  });
  // An in-memory database is private to its connection: no other connection could read it.
  if (keep && filename !== ':memory:') {
    const readers = knexFactory({
      client: CachedStatementsSqlite3Client,
      connection: { filename },
      useNullAsDefault: true,
      pool: { min: 0, max: READING_CONNECTIONS, afterCreate: pragmas(READER_PRAGMAS) },
    });
    (db.client as CachedStatementsSqlite3Client).readers = readers.client as Knex.Client;
  }
  return db;
}

/**
 * SQLite connections that only read, beside the one that writes (decision 0023). In WAL mode a
 * reader sees every commit that finished before its statement began and never waits for the
 * writer, so a request's session and user reads do not queue behind another request's transaction.
 */
export const READING_CONNECTIONS = 4;

const WRITER_PRAGMAS = [
  'PRAGMA journal_mode = WAL',
  'PRAGMA synchronous = FULL',
  'PRAGMA foreign_keys = ON',
  'PRAGMA busy_timeout = 5000',
];
/** `query_only`: a statement sent to a reader by mistake fails instead of writing. */
const READER_PRAGMAS = ['PRAGMA query_only = ON', 'PRAGMA busy_timeout = 5000'];

function pragmas(statements: string[]) {
  return (conn: SqliteConnection, done: (err: Error | null, conn: unknown) => void): void => {
    conn.serialize(() => {
      statements.forEach((sql, i) =>
        conn.run(sql, i === statements.length - 1 ? (err) => done(err, conn) : undefined),
      );
    });
  };
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
