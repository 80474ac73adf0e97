import { expect } from 'chai';
import { dbLabel, freshDatabase } from '../support/context.js';

describe(`Migrations (${dbLabel})`, () => {
  it('when every migration is rolled back and applied again, then the schema comes back whole', async () => {
    const { db, cleanup } = await freshDatabase();
    try {
      expect(await db.schema.hasTable('users')).to.equal(true);
      await db.migrate.rollback(undefined, true);
      expect(await db.schema.hasTable('users')).to.equal(false);
      expect(await db.schema.hasTable('sessions')).to.equal(false);
      await db.migrate.latest();
      expect(await db.schema.hasTable('users')).to.equal(true);
      expect(await db('municipalities').count({ n: '*' })).to.deep.equal([
        { n: db.client.config.client === 'pg' ? '4' : 4 },
      ]);
    } finally {
      await db.destroy();
      cleanup();
    }
  });
});
