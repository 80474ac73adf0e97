/**
 * What one call sends to the database, statement by statement, with each statement's time and
 * its plan (SQLite: EXPLAIN QUERY PLAN; PostgreSQL: EXPLAIN (ANALYZE, BUFFERS)).
 */
import type { Knex } from 'knex';
import { clientOf } from '../../db/connection.js';

export interface Statement {
  sql: string;
  bindings: unknown[];
  ms: number;
}

interface QueryEvent {
  sql: string;
  bindings?: unknown[];
  __knexQueryUid: string;
}

/** Runs `fn` and records every statement it issued on `db`, in the order they were sent. */
export async function statementsOf(db: Knex, fn: () => Promise<unknown>): Promise<Statement[]> {
  const started = new Map<string, { index: number; at: number }>();
  const statements: Statement[] = [];
  const onQuery = (q: QueryEvent) => {
    started.set(q.__knexQueryUid, { index: statements.length, at: performance.now() });
    statements.push({ sql: q.sql, bindings: q.bindings ?? [], ms: Number.NaN });
  };
  const onResponse = (_response: unknown, q: QueryEvent) => {
    const s = started.get(q.__knexQueryUid);
    if (s) statements[s.index]!.ms = performance.now() - s.at;
  };
  db.on('query', onQuery);
  db.on('query-response', onResponse);
  try {
    await fn();
  } finally {
    db.removeListener('query', onQuery);
    db.removeListener('query-response', onResponse);
  }
  return statements;
}

/** A short name for a statement of the queue page. */
export function kindOf(sql: string): string {
  if (/count\(\*\)/i.test(sql)) {
    const filter = /assigned_to["`]? is null/i.test(sql)
      ? 'unassigned'
      : /assigned_to["`]? = /i.test(sql)
        ? 'mine'
        : /escalated/i.test(sql)
          ? 'escalated'
          : /queue_due_at["`]? between/i.test(sql)
            ? 'today/week'
            : /queue_due_at["`]? </i.test(sql)
              ? 'overdue'
              : 'all';
    return `count ${filter}`;
  }
  if (/from ["`]?users["`]?/i.test(sql) && !/join/i.test(sql)) return 'applicant search';
  if (/order by/i.test(sql)) return 'page';
  return 'other';
}

/** The plan of a captured statement, as text lines. */
export async function planOf(db: Knex, statement: Statement): Promise<string[]> {
  // Captured PostgreSQL statements carry $1…$n; knex.raw takes ? in the same order.
  const sql = statement.sql.replace(/\$\d+/g, '?');
  const bindings = statement.bindings as Knex.RawBinding[];
  if (clientOf(db) === 'pg') {
    const result = await db.raw<{ rows: { 'QUERY PLAN': string }[] }>(
      `explain (analyze, buffers) ${sql}`,
      bindings,
    );
    return result.rows.map((r) => r['QUERY PLAN']);
  }
  const rows = await db.raw<{ id: number; parent: number; detail: string }[]>(
    `explain query plan ${sql}`,
    bindings,
  );
  const depth = new Map<number, number>([[0, -1]]);
  return rows.map((r) => {
    const d = (depth.get(r.parent) ?? 0) + 1;
    depth.set(r.id, d);
    return `${'  '.repeat(d)}${r.detail}`;
  });
}

/** The statement with its bindings written in, for reading (not for running). */
export function inlined(statement: Statement): string {
  let i = 0;
  return statement.sql.replace(/\?|\$\d+/g, () => {
    const v = statement.bindings[i++];
    return typeof v === 'string' ? `'${v}'` : String(v);
  });
}
