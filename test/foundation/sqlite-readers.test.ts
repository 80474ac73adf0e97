import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { Knex } from 'knex';
import type sqlite3 from 'sqlite3';
import { createDb } from '../../db/connection.js';
import type { CachedStatementsSqlite3Client } from '../../db/sqlite-client.js';

// A SQLite file database reads through its own connections beside the one that writes (decision
// 0023). These tests run on their own SQLite file whichever database the rest of the suite uses.
describe('SQLite reads on reading connections', () => {
  let dir: string;
  let db: Knex;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-readers-'));
    db = createDb(`sqlite://${path.join(dir, 'db.sqlite')}`);
    await db.schema.createTable('items', (t) => {
      t.increments('id');
      t.string('name').notNullable();
      t.integer('n').notNullable().defaultTo(0);
    });
  });

  afterEach(async () => {
    await db.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('when a transaction is under way, then a read outside it answers at once with the committed rows only', async () => {
    await db('items').insert({ name: 'committed' });
    const names = await db.transaction(async (trx) => {
      await trx('items').insert({ name: 'not yet' });
      // With one connection this read would wait for the transaction, which waits for it.
      const outside = await db('items').pluck('name');
      const inside = await trx('items').orderBy('id').pluck('name');
      return { outside, inside };
    });
    expect(names.outside).to.deep.equal(['committed']);
    expect(names.inside).to.deep.equal(['committed', 'not yet']);
    expect(await db('items').orderBy('id').pluck('name')).to.deep.equal(['committed', 'not yet']);
  });

  it('when a row is written and read back at once, again and again, then every read sees the write before it', async () => {
    const [row] = await db('items').insert({ name: 'counter' }).returning<{ id: number }[]>('id');
    for (let n = 1; n <= 200; n++) {
      if (n % 2 === 0) await db('items').where({ id: row!.id }).update({ n });
      else await db.transaction((trx) => trx('items').where({ id: row!.id }).update({ n }));
      const read = await db('items').where({ id: row!.id }).first('n');
      expect(read).to.deep.equal({ n }, `read after write ${n}`);
    }
  });

  it('when reads run side by side with writes, then each read sees at least every write finished before it began', async () => {
    let finished = 0;
    const writes = (async () => {
      for (let i = 1; i <= 100; i++) {
        await db('items').insert({ name: `w${i}` });
        finished = i;
      }
    })();
    const reads = (async () => {
      while (finished < 100) {
        const before = finished;
        const [{ count }] = (await db('items').count({ count: '*' })) as [{ count: number }];
        expect(count).to.be.at.least(before);
      }
    })();
    await Promise.all([writes, reads]);
  });

  it('when SQL written by hand runs, then it goes through the writing connection and may write', async () => {
    await db.raw('insert into items (name) values (?)', ['by hand']);
    expect(await db('items').pluck('name')).to.deep.equal(['by hand']);
  });

  it('when a reading connection is asked to write, then SQLite refuses (they are opened read-only)', async () => {
    const readers = readersOf(db)!;
    const conn = (await readers.acquireConnection()) as sqlite3.Database;
    try {
      const failure = await new Promise<Error | null>((resolve) =>
        conn.run("insert into items (name) values ('x')", (err) => resolve(err)),
      );
      expect(String(failure)).to.match(/readonly|read-only/i);
    } finally {
      await readers.releaseConnection(conn);
    }
    expect(await db('items').count({ n: '*' })).to.deep.equal([{ n: 0 }]);
  });

  it('when the database is closed, then its reading connections are closed with it', async () => {
    await db('items').insert({ name: 'a' });
    await db('items').select('*');
    const readers = readersOf(db)!;
    expect(readers.pool).to.not.equal(undefined);
    await db.destroy();
    expect(readers.pool).to.equal(undefined);
    db = createDb(`sqlite://${path.join(dir, 'db.sqlite')}`);
    expect(await db('items').pluck('name')).to.deep.equal(['a']);
  });

  it('when the database is in memory, then it has no reading connections and reads see the writes', async () => {
    const memory = createDb('sqlite::memory:');
    try {
      expect(readersOf(memory)).to.equal(undefined);
      await memory.schema.createTable('things', (t) => t.string('name'));
      await memory('things').insert({ name: 'kept' });
      expect(await memory('things').pluck('name')).to.deep.equal(['kept']);
    } finally {
      await memory.destroy();
    }
  });
});

function readersOf(db: Knex): Knex.Client | undefined {
  return (db.client as CachedStatementsSqlite3Client).readers;
}
