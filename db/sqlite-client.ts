/**
 * knex's SQLite client with prepared statements kept per connection (decision 0014).
 *
 * knex's own client runs every query through `Database#all`/`#run`, which prepares the SQL
 * (a thread-pool job that parses it), steps it (a second job) and finalizes it. A portal request
 * runs the same dozen statements every time, so this client keeps each connection's prepared
 * statements in a small least-recently-used cache keyed by the SQL text and only binds and steps
 * them: one job per query instead of two, and no parsing.
 *
 * Safety:
 * - `all` steps to the end and `run` is used only for INSERT/UPDATE/DELETE without RETURNING
 *   (one step reaches the end), so a cached statement never stays in the middle of its rows;
 *   node-sqlite3 resets a statement before binding it again.
 * - A statement whose run fails is finalized and dropped, so an error never leaves it half-run.
 * - `lastID`/`changes` are copied off the statement at once, before another run of the same
 *   statement can overwrite them.
 * - Every cached statement is finalized before the connection is closed (SQLite refuses to
 *   close a connection with statements still open).
 * - A schema change (a migration) is handled by SQLite itself: a statement prepared with
 *   sqlite3_prepare_v2 is prepared again when the schema it was compiled against changed.
 */
import type { Knex } from 'knex';
import Client_SQLite3, { type SqliteQueryObject } from 'knex/lib/dialects/sqlite3/index.js';
import Runner, { type RunnerTarget } from 'knex/lib/execution/runner.js';
import type { Database, RunResult, Statement } from 'sqlite3';

/**
 * How many statements each connection keeps prepared. A request runs about a dozen; SQL whose text
 * varies (an `in (…)` list of varying length) makes more, and the least recently used are let go.
 */
export const STATEMENT_CACHE_SIZE = 256;

/** A connection's prepared statements, least recently used first (Map keeps insertion order). */
export class StatementCache {
  private readonly entries = new Map<string, Promise<Statement>>();

  constructor(
    private readonly connection: Database,
    private readonly capacity = STATEMENT_CACHE_SIZE,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** The prepared statement for `sql`, prepared now if this connection has none. */
  statement(sql: string): Promise<Statement> {
    const cached = this.entries.get(sql);
    if (cached) {
      this.entries.delete(sql);
      this.entries.set(sql, cached);
      return cached;
    }
    const prepared = new Promise<Statement>((resolve, reject) => {
      const statement: Statement = this.connection.prepare(sql, (err: Error | null) =>
        err ? reject(err) : resolve(statement),
      );
    });
    this.entries.set(sql, prepared);
    // A statement that failed to prepare (a syntax error, a missing table) is not kept.
    prepared.catch(() => this.forget(sql, prepared));
    if (this.entries.size > this.capacity) this.evictOldest();
    return prepared;
  }

  /**
   * Drops and finalizes a statement whose run failed (`entry` is what `statement(sql)` gave). A run
   * already queued on it finishes first: node-sqlite3 queues the finalize behind it.
   */
  async discard(sql: string, entry: Promise<Statement>): Promise<void> {
    this.forget(sql, entry);
    await entry.then(finalize, noop);
  }

  /** Finalizes every statement; a run already queued on one finishes first (node-sqlite3 queues). */
  async clear(): Promise<void> {
    const all = [...this.entries.values()];
    this.entries.clear();
    await Promise.all(all.map((p) => p.then(finalize, noop)));
  }

  private forget(sql: string, entry: Promise<Statement>): void {
    if (this.entries.get(sql) === entry) this.entries.delete(sql);
  }

  private evictOldest(): void {
    const oldest = this.entries.entries().next().value;
    if (!oldest) return;
    const [sql, entry] = oldest;
    this.entries.delete(sql);
    void entry.then(finalize, noop);
  }
}

function finalize(statement: Statement): Promise<void> {
  return new Promise((resolve) => statement.finalize(() => resolve()));
}

function noop(): void {}

const caches = new WeakMap<Database, StatementCache>();

/** A connection's statement cache, made on first use (exported for tests and diagnostics). */
export function statementCacheOf(connection: Database): StatementCache {
  let cache = caches.get(connection);
  if (!cache) {
    cache = new StatementCache(connection);
    caches.set(connection, cache);
  }
  return cache;
}

/**
 * `run` for writes that return no rows, as knex's own client decides: an insert or update without
 * RETURNING, an increment, a delete (knex's SQLite compiler leaves RETURNING off a delete; a test
 * checks that a delete asked to return rows is still committed at once). `all` for the rest.
 */
function runsWithoutRows(obj: SqliteQueryObject): boolean {
  switch (obj.method) {
    case 'insert':
    case 'update':
      return !obj.returning;
    case 'counter':
    case 'del':
      return true;
    default:
      return false;
  }
}

/**
 * Sends a SELECT made with the query builder outside a transaction to one of the client's reading
 * connections, when it has them; everything else (writes, raw SQL, every query of a transaction)
 * goes through the one writing connection as before.
 */
class ReadingRunner extends Runner {
  override ensureConnection<T>(
    cb: (runner: Runner, params?: unknown) => Promise<T>,
    params?: unknown,
  ): Promise<T> {
    const readers = (this.client as Partial<CachedStatementsSqlite3Client>).readers;
    if (!readers || this.client.transacting || this.connection || !isRead(this.builder))
      return super.ensureConnection(cb, params);
    return this.onReader(readers, cb, params);
  }

  private async onReader<T>(
    readers: Knex.Client,
    cb: (runner: Runner, params?: unknown) => Promise<T>,
    params?: unknown,
  ): Promise<T> {
    const connection: unknown = await readers.acquireConnection();
    try {
      this.connection = connection;
      return await cb(this, params);
    } finally {
      await readers.releaseConnection(connection);
    }
  }
}

function isRead(target: RunnerTarget): boolean {
  return (
    target._connection === undefined && typeof target._isSelectQuery === 'function' && target._isSelectQuery()
  );
}

export class CachedStatementsSqlite3Client extends Client_SQLite3 {
  /** The reading connections' client (db/connection.ts), when the database is a file. */
  readers: Knex.Client | undefined;

  override runner(builder: RunnerTarget): Runner {
    return new ReadingRunner(this, builder);
  }

  override async destroy(callback?: (err?: unknown) => void): Promise<void> {
    const readers = this.readers;
    this.readers = undefined;
    await readers?.destroy(undefined);
    await (super.destroy(callback) as Promise<void>);
  }

  override async _query(connection: Database, obj: SqliteQueryObject): Promise<SqliteQueryObject> {
    if (!obj.sql) throw new Error('The query is empty');
    const cache = statementCacheOf(connection);
    const entry = cache.statement(obj.sql);
    const statement = await entry;
    return new Promise((resolve, reject) => {
      const done = function (this: RunResult, err: Error | null, rows?: unknown[]): void {
        if (err) {
          void cache.discard(obj.sql, entry);
          reject(err);
          return;
        }
        obj.response = rows;
        obj.context = { lastID: this.lastID, changes: this.changes };
        resolve(obj);
      };
      if (runsWithoutRows(obj)) statement.run(obj.bindings, done);
      else statement.all(obj.bindings, done);
    });
  }

  override async destroyRawConnection(connection: Database): Promise<void> {
    await caches.get(connection)?.clear();
    caches.delete(connection);
    await super.destroyRawConnection(connection);
  }
}
