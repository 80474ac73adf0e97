// knex ships types for its entry point only; this is the slice of its SQLite dialect that
// db/sqlite-client.ts extends (knex 3.x, lib/dialects/sqlite3/index.js).
declare module 'knex/lib/dialects/sqlite3/index.js' {
  import type { Knex } from 'knex';
  import type { Database } from 'sqlite3';

  /** What knex hands a dialect's `_query` and reads back in `processResponse`. */
  export interface SqliteQueryObject {
    sql: string;
    bindings?: unknown[];
    method?: string;
    returning?: unknown;
    response?: unknown;
    context?: { lastID: number; changes: number };
  }

  class Client_SQLite3 extends Knex.Client {
    _query(connection: Database, obj: SqliteQueryObject): Promise<SqliteQueryObject>;
    override destroyRawConnection(connection: Database): Promise<void>;
  }
  export default Client_SQLite3;
}

// The runner knex makes for each query (lib/execution/runner.js): db/sqlite-client.ts sends the
// reads it runs outside a transaction to the reading connections.
declare module 'knex/lib/execution/runner.js' {
  import type { Knex } from 'knex';

  /** What the runner is given to run: a query builder, a raw query or a schema builder. */
  export interface RunnerTarget {
    _connection?: unknown;
    _isSelectQuery?: () => boolean;
  }

  class Runner {
    constructor(client: Knex.Client, builder: RunnerTarget);
    client: Knex.Client & { transacting?: boolean };
    builder: RunnerTarget;
    connection: unknown;
    ensureConnection<T>(cb: (runner: Runner, params?: unknown) => Promise<T>, params?: unknown): Promise<T>;
  }
  export default Runner;
}
