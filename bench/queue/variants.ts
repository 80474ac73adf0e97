/**
 * What the queue benchmark compares the shipped queue with, put on a benchmark database and taken
 * off again:
 *
 * - `statistics` (SQLite): the same with planner statistics (a full ANALYZE, what
 *   `PRAGMA optimize=0x10002` at connection open would collect on a database without any). The
 *   portal collects none (bench/queue.md says why): this variant shows they are not needed.
 * - `before`: the queue as it was before migration 20261122000006_queue_indexes and the query
 *   changes in db/repositories/queue.ts: that migration's indexes dropped and the SQL knex sends
 *   rewritten into what the old queue.ts sent (`beforeQueries`): the page cursor as
 *   `due > ? or (due = ? and id > ?)`, and the team page's counts without the municipality.
 */
import type { Knex } from 'knex';
import { clientOf } from '../../db/connection.js';
import { QUEUE_INDEXES } from '../../db/migrations/20261122000006_queue_indexes.js';

/**
 * SQLite: full statistics of the tables the queue reads (sqlite_stat1). Explicit ANALYZE rather
 * than `PRAGMA optimize`: a connection that saw statistics when it opened does not notice that
 * `sqlite_stat1` was dropped since, and its optimize then does nothing. PostgreSQL: what
 * autovacuum does anyway.
 */
export async function collectStatistics(db: Knex): Promise<void> {
  if (clientOf(db) === 'pg') await db.raw('analyze applications');
  else for (const table of ['applications', 'users']) await db.raw(`analyze ${table}`);
}

/** A SQLite database without planner statistics, as the portal leaves it. */
export async function dropStatistics(db: Knex): Promise<void> {
  if (clientOf(db) === 'sqlite') await db.raw('drop table if exists sqlite_stat1');
}

/** Drops the indexes of migration 20261122000006. */
export async function dropQueueIndexes(db: Knex): Promise<void> {
  for (const i of QUEUE_INDEXES) await db.schema.alterTable('applications', (t) => t.dropIndex([], i.name));
}

/** Puts them back, as the migration made them. */
export async function restoreQueueIndexes(db: Knex): Promise<void> {
  for (const i of QUEUE_INDEXES)
    await db.schema.alterTable('applications', (t) => t.index([...i.columns], i.name));
}

interface QueryObject {
  sql: string;
  bindings?: unknown[];
}

type QueryMethod = (connection: unknown, query: QueryObject | string) => Promise<unknown>;

const placeholdersBefore = (sql: string, index: number) => (sql.slice(0, index).match(/\?/g) ?? []).length;

/**
 * Makes `db` send the statements of the queue.ts before the change: knex hands `client.query`
 * SQL with `?` placeholders on both engines (it numbers them for PostgreSQL afterwards).
 * Returns the undo.
 */
export function beforeQueries(db: Knex): () => void {
  const client = db.client as { query: QueryMethod };
  const original = client.query;
  client.query = function (this: unknown, connection, query) {
    if (typeof query === 'string') return original.call(this, connection, query);
    return original.call(this, connection, rewrite(query));
  };
  return () => {
    client.query = original;
  };
}

function rewrite(query: QueryObject): QueryObject {
  let { sql } = query;
  const bindings = [...(query.bindings ?? [])];
  // queue.page: `(a.queue_due_at, a.id) > (?, ?)` was `(a.queue_due_at > ? or (a.queue_due_at = ? and a.id > ?))`.
  const cursor = /\((["`])a\1\.\1queue_due_at\1, \1a\1\.\1id\1\) > \(\?, \?\)/.exec(sql);
  if (cursor) {
    const q = cursor[1]!;
    const at = placeholdersBefore(sql, cursor.index);
    bindings.splice(at + 1, 0, bindings[at]);
    const due = `${q}a${q}.${q}queue_due_at${q}`;
    sql = `${sql.slice(0, cursor.index)}(${due} > ? or (${due} = ? and ${q}a${q}.${q}id${q} > ?))${sql.slice(cursor.index + cursor[0].length)}`;
  }
  // queue.load: the counts per assignee had no `municipality = ?`.
  const load = /from (["`])applications\1 where \1municipality\1 = \? and (?=\1assigned_to\1 in \()/.exec(
    sql,
  );
  if (load && /group by/.test(sql)) {
    bindings.splice(placeholdersBefore(sql, load.index), 1);
    const q = load[1]!;
    sql = `${sql.slice(0, load.index)}from ${q}applications${q} where ${sql.slice(load.index + load[0].length)}`;
  }
  return { ...query, sql, bindings };
}
