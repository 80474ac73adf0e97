import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { Knex } from 'knex';
import sqlite3 from 'sqlite3';
import { createDb } from '../../db/connection.js';
import {
  StatementCache,
  statementCacheOf,
  type CachedStatementsSqlite3Client,
} from '../../db/sqlite-client.js';

// The SQLite client keeps each connection's statements prepared (db/sqlite-client.ts). These
// tests run on their own SQLite file whichever database the rest of the suite uses.
describe('SQLite prepared statements kept per connection', () => {
  let dir: string;
  let db: Knex;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-stmt-'));
    db = createDb(`sqlite://${path.join(dir, 'db.sqlite')}`);
    await db.schema.createTable('items', (t) => {
      t.increments('id');
      t.string('name').notNullable().unique();
      t.integer('n').notNullable().defaultTo(0);
    });
  });

  afterEach(async () => {
    await db.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Statements kept by the writing connection and the reading one (one read at a time uses one). */
  async function cacheSize(): Promise<number> {
    let size = 0;
    for (const client of [db.client, (db.client as CachedStatementsSqlite3Client).readers!]) {
      const conn = (await client.acquireConnection()) as sqlite3.Database;
      size += statementCacheOf(conn).size;
      await client.releaseConnection(conn);
    }
    return size;
  }

  it('when the same query runs again, then it reuses the prepared statement and reads the rows as they are now', async () => {
    await db('items').insert({ name: 'a' });
    const before = await cacheSize();
    expect(await db('items').select('name').orderBy('id')).to.deep.equal([{ name: 'a' }]);
    await db('items').insert({ name: 'b' });
    const afterFirstRead = await cacheSize();
    expect(await db('items').select('name').orderBy('id')).to.deep.equal([{ name: 'a' }, { name: 'b' }]);
    expect(afterFirstRead).to.equal(before + 1);
    expect(await cacheSize()).to.equal(afterFirstRead);
  });

  it('when two inserts and updates share one statement at the same time, then each gets its own id and count of changed rows', async () => {
    const [ids, changed] = await db.transaction(async (trx) => {
      const inserted = await Promise.all(['a', 'b', 'c', 'd'].map((name) => trx('items').insert({ name })));
      const updated = await Promise.all([
        trx('items').where('name', 'like', 'a%').update({ n: 1 }),
        trx('items').where('name', 'like', '%').update({ n: 2 }),
      ]);
      return [inserted.map((r) => r[0]), updated];
    });
    expect(ids).to.deep.equal([1, 2, 3, 4]);
    expect(changed).to.deep.equal([1, 4]);
  });

  it('when a query fails, then the caller gets the error, its statement is let go and the same query runs again afterwards', async () => {
    await db('items').insert({ name: 'a' });
    const withInsert = await cacheSize();
    let failure: unknown;
    try {
      await db('items').insert({ name: 'a' });
    } catch (err) {
      failure = err;
    }
    expect(String(failure)).to.match(/UNIQUE constraint failed: items\.name/);
    expect(await cacheSize()).to.equal(withInsert - 1);
    expect(await db('items').insert({ name: 'b' })).to.deep.equal([2]);
    let syntax: unknown;
    try {
      await db.raw('select * from no_such_table');
    } catch (err) {
      syntax = err;
    }
    expect(String(syntax)).to.match(/no such table: no_such_table/);
    expect(await db('items').count({ n: '*' })).to.deep.equal([{ n: 2 }]);
  });

  it('when the schema changes after a statement was prepared, then the statement sees the new schema', async () => {
    await db('items').insert({ name: 'a' });
    expect(await db('items').select('*')).to.deep.equal([{ id: 1, name: 'a', n: 0 }]);
    await db.schema.alterTable('items', (t) => t.string('note'));
    expect(await db('items').select('*')).to.deep.equal([{ id: 1, name: 'a', n: 0, note: null }]);
  });

  it('when reads have finished through kept statements, then another connection can checkpoint the whole log (no read is left open)', async () => {
    await db('items').insert([{ name: 'a' }, { name: 'b' }, { name: 'c' }]);
    await db('items').select('*');
    await db('items').first();
    const other = await openRaw(path.join(dir, 'db.sqlite'));
    try {
      expect(await checkpointBusy(other)).to.equal(0);
      // The check can see an open read: a statement stopped in the middle of its rows blocks it.
      await db('items').insert({ name: 'd' });
      const conn = (await db.client.acquireConnection()) as sqlite3.Database;
      const stopped = conn.prepare('select * from items');
      await new Promise<void>((resolve, reject) => stopped.get((err) => (err ? reject(err) : resolve())));
      expect(await checkpointBusy(other)).to.equal(1);
      await new Promise<void>((resolve) => stopped.finalize(() => resolve()));
      db.client.releaseConnection(conn);
      expect(await checkpointBusy(other)).to.equal(0);
    } finally {
      await new Promise<void>((resolve) => other.close(() => resolve()));
    }
  });

  it('when a delete is asked to return its rows, then it is committed at once and another connection sees it', async () => {
    await db('items').insert([{ name: 'a' }, { name: 'b' }, { name: 'c' }]);
    const deleted: unknown = await db('items').where('id', '>', 0).del().returning('id');
    const other = await openRaw(path.join(dir, 'db.sqlite'));
    try {
      const rows = await new Promise<unknown[]>((resolve, reject) =>
        other.all('select count(*) as n from items', (err, r) => (err ? reject(err) : resolve(r))),
      );
      expect(rows).to.deep.equal([{ n: 0 }]);
      expect(await checkpointBusy(other)).to.equal(0);
    } finally {
      await new Promise<void>((resolve) => other.close(() => resolve()));
    }
    // knex's own SQLite client answers a delete with the count of rows, RETURNING or not.
    expect(deleted).to.equal(3);
  });

  it('when more distinct statements have run than a connection keeps, then the oldest are let go and still run when asked again', async () => {
    const raw = await openRaw(path.join(dir, 'db.sqlite'));
    const cache = new StatementCache(raw, 2);
    try {
      const first = await cache.statement('select 1 as v');
      await cache.statement('select 2 as v');
      await cache.statement('select 1 as v'); // now the most recently used
      await cache.statement('select 3 as v'); // lets "select 2" go
      expect(cache.size).to.equal(2);
      expect(await cache.statement('select 1 as v')).to.equal(first);
      const again = await cache.statement('select 2 as v');
      const rows = await new Promise<unknown[]>((resolve, reject) =>
        again.all([], (err, r) => (err ? reject(err) : resolve(r))),
      );
      expect(rows).to.deep.equal([{ v: 2 }]);
      expect(cache.size).to.equal(2);
    } finally {
      await cache.clear();
      await new Promise<void>((resolve, reject) => raw.close((err) => (err ? reject(err) : resolve())));
    }
  });

  it('when the database is closed after many queries, then every kept statement is finalized first and the close succeeds', async () => {
    for (let i = 0; i < 20; i++) await db('items').insert({ name: `n${i}` });
    await db('items').where({ name: 'n3' }).first();
    expect(await cacheSize()).to.be.greaterThan(1);
    await db.destroy();
    db = createDb(`sqlite://${path.join(dir, 'db.sqlite')}`);
    expect(await db('items').count({ n: '*' })).to.deep.equal([{ n: 20 }]);
  });
});

function openRaw(file: string): Promise<sqlite3.Database> {
  return new Promise((resolve, reject) => {
    const conn = new sqlite3.Database(file, (err) => (err ? reject(err) : resolve(conn)));
  });
}

/** The "busy" column of a full checkpoint: 1 when some connection still holds a read open. */
function checkpointBusy(conn: sqlite3.Database): Promise<number> {
  return new Promise((resolve, reject) =>
    conn.get<{ busy: number }>('PRAGMA wal_checkpoint(TRUNCATE)', (err, row) =>
      err ? reject(err) : resolve(row.busy),
    ),
  );
}
