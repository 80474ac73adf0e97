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
