import type { Knex } from 'knex';

/**
 * What a report reads at 1,000,000 applications, kept small (bench/dashboard.md):
 *
 * 1. Report counters by slice of a month (server/services/stats-counters.ts): besides its day's
 *    row and its month's, each application now adds to a row for its day's slice of the month,
 *    keyed 'YYYY-MM-a' (days 1–7), 'b' (8–14), 'c' (15–21), 'd' (22–28) and 'e' (29 to the end). A
 *    period that cuts a month then reads its whole slices from one row each and at most six day rows
 *    at each edge, instead of up to thirty day rows.
 *    The slice rows of an existing database are the sums of its day rows; from here on every workflow
 *    event keeps them in its own transaction, like the others.
 * 2. An index that answers the "overdue now" count per service on its own: the queue index
 *    (municipality, in_queue, queue_due_at, id) found the overdue rows, but each one was then read
 *    from the table for its service (10,000 scattered reads at 1,000,000: 40 ms on SQLite).
 */
const OVERDUE_INDEX = 'applications_overdue_idx';

const SLICE_OF_DAY = `substr(day, 1, 8) || case
  when cast(substr(day, 9, 2) as integer) <= 7 then 'a'
  when cast(substr(day, 9, 2) as integer) <= 14 then 'b'
  when cast(substr(day, 9, 2) as integer) <= 21 then 'c'
  when cast(substr(day, 9, 2) as integer) <= 28 then 'd'
  else 'e' end`;

export async function up(knex: Knex): Promise<void> {
  const columns = (await knex('stats_daily').columnInfo()) as Record<string, unknown>;
  const values = Object.keys(columns).filter((c) => !['day', 'municipality', 'service_slug'].includes(c));
  const quoted = values.map((c) => `"${c}"`);
  await knex.raw(
    `insert into stats_daily (day, municipality, service_slug, ${quoted.join(', ')})
     select ${SLICE_OF_DAY}, municipality, service_slug, ${quoted.map((c) => `sum(${c})`).join(', ')}
     from stats_daily where length(day) = 10
     group by ${SLICE_OF_DAY}, municipality, service_slug`,
  );
  await knex.schema.alterTable('applications', (t) => {
    t.index(['municipality', 'in_queue', 'queue_due_at', 'service_slug'], OVERDUE_INDEX);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('applications', (t) => {
    t.dropIndex([], OVERDUE_INDEX);
  });
  await knex('stats_daily').whereRaw('length(day) = 9').delete();
}
