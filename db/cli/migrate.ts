import path from 'node:path';
import { createDb } from '../connection.js';

/** `npm run db:migrate` (add `-- down` to roll back the last batch). */
async function main(): Promise<void> {
  const url = process.env.DATABASE_URL ?? `sqlite://${path.resolve('data', 'portal.sqlite')}`;
  const db = createDb(url);
  try {
    if (process.argv[2] === 'down') {
      const [batch, names] = (await db.migrate.rollback()) as [number, string[]];
      console.log(`Rolled back batch ${batch}: ${names.join(', ') || 'nothing'}`);
    } else {
      const [batch, names] = (await db.migrate.latest()) as [number, string[]];
      console.log(names.length ? `Batch ${batch} applied: ${names.join(', ')}` : 'Already up to date.');
    }
  } finally {
    await db.destroy();
  }
}

main().catch((err: unknown) => {
  console.error('Migration failed:', err instanceof Error ? err.message : err);
  process.exit(1);
});
