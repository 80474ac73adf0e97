import { createDb } from '../../db/connection.js';

/**
 * What a target left in its SQLite database, per submitted application: the check that the floor
 * writes the same rows as the portal (bench/submissions.bench.ts prints it after each variant).
 * Drafts prepared beforehand and never submitted are not counted.
 */
export async function rowsPerSubmission(databaseUrl: string): Promise<string> {
  const db = createDb(databaseUrl);
  const scalar = async (sql: string) => {
    const rows = await db.raw<{ n: number | null }[]>(sql);
    return Number(rows[0]?.n ?? 0);
  };
  try {
    const submitted = await scalar('select count(*) as n from applications where submitted_at is not null');
    if (submitted === 0) return 'no submitted applications';
    const per = async (sql: string) => ((await scalar(sql)) / submitted).toFixed(2);
    return [
      `${submitted} submitted`,
      `audit ${await per(`select count(*) as n from application_events where event = 'SUBMIT'`)}`,
      `outbox ${await per('select count(*) as n from outbox')}`,
      `deadlines ${await per('select count(*) as n from deadlines')}`,
      `documents ${await per('select count(*) as n from documents')}`,
      `counter rows ${await scalar('select count(*) as n from stats_daily')}`,
      `counted on the day rows ${await per('select sum(s_submitted) as n from stats_daily where length(day) = 10')}`,
    ].join(', ');
  } finally {
    await db.destroy();
  }
}
