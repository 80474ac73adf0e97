import type { Knex } from 'knex';
import { DAY_MS, localDate, workingMsBetween, type Calendar } from '../../workflows/calendar.js';

/**
 * The report counters (migration 20261122000007): what an application adds to them follows from a
 * few of its columns, so every change of those columns moves it from its old buckets to its new
 * ones, in the transaction that changes the row. `rebuildCounters` recomputes them all from
 * `applications` (after a bulk load, or to repair).
 */

/** The columns the counters depend on. */
export interface CountedRow {
  service_slug: string;
  municipality: string | null;
  channel: string;
  status: string;
  submitted_at: Date | string | number | null;
  decided_at: Date | string | number | null;
  sla_due_at: Date | string | number | null;
  waited_ms?: number | string | null;
}

export const DECIDED_STATUSES: ReadonlySet<string> = new Set(['accepted', 'rejected']);
export const ON_TIME = { late: 0, onTime: 1, noDueTime: 2 } as const;

type Bucket =
  | { table: 'stats_status_counts'; key: Record<string, string> }
  | { table: 'stats_channel_counts'; key: Record<string, string> }
  | { table: 'stats_decisions'; key: Record<string, string | number> };

const instant = (value: Date | string | number) =>
  new Date(typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value);

/**
 * Working days to decision, waiting on the applicant left out, rounded up to whole days: a
 * decision later on the day it was asked for counts as one day, on the second working day as two.
 */
export function decisionWorkingDays(row: CountedRow, calendar: Calendar): number {
  const working = workingMsBetween(instant(row.submitted_at!), instant(row.decided_at!), calendar);
  const net = Math.max(0, working - Number(row.waited_ms ?? 0));
  return Math.ceil(net / DAY_MS - 1e-9);
}

function bucketsOf(row: CountedRow | null, calendar: Calendar): Bucket[] {
  if (!row?.submitted_at) return [];
  const day = localDate(instant(row.submitted_at), calendar);
  const municipality = row.municipality ?? '';
  const buckets: Bucket[] = [
    {
      table: 'stats_status_counts',
      key: { day, municipality, service_slug: row.service_slug, status: row.status },
    },
    { table: 'stats_channel_counts', key: { day, municipality, channel: row.channel } },
  ];
  if (DECIDED_STATUSES.has(row.status) && row.decided_at) {
    const onTime = row.sla_due_at
      ? instant(row.decided_at).getTime() <= instant(row.sla_due_at).getTime()
        ? ON_TIME.onTime
        : ON_TIME.late
      : ON_TIME.noDueTime;
    buckets.push({
      table: 'stats_decisions',
      key: {
        day,
        municipality,
        service_slug: row.service_slug,
        working_days: decisionWorkingDays(row, calendar),
        on_time: onTime,
      },
    });
  }
  return buckets;
}

const idOf = (b: Bucket) => `${b.table}|${JSON.stringify(b.key)}`;

/** Moves one application from the buckets of `before` to those of `after`, inside `trx`. */
export async function shiftCounters(
  trx: Knex,
  before: CountedRow | null,
  after: CountedRow | null,
  calendar: Calendar,
): Promise<void> {
  const deltas = new Map<string, { bucket: Bucket; n: number }>();
  for (const [rows, n] of [
    [bucketsOf(before, calendar), -1],
    [bucketsOf(after, calendar), 1],
  ] as const) {
    for (const bucket of rows) {
      const id = idOf(bucket);
      const entry = deltas.get(id) ?? { bucket, n: 0 };
      entry.n += n;
      deltas.set(id, entry);
    }
  }
  // A fixed order, so two transactions never wait on each other's rows in opposite orders.
  for (const id of [...deltas.keys()].sort()) {
    const { bucket, n } = deltas.get(id)!;
    if (n !== 0) await addTo(trx, bucket, n);
  }
}

async function addTo(trx: Knex, bucket: Bucket, n: number): Promise<void> {
  await trx(bucket.table)
    .insert({ ...bucket.key, n })
    .onConflict(Object.keys(bucket.key))
    .merge({ n: trx.raw('??.n + ?', [bucket.table, n]) });
}

/** Recomputes every counter from the applications table, in one transaction. */
export async function rebuildCounters(db: Knex, calendar: Calendar): Promise<void> {
  await db.transaction(async (trx) => {
    const totals = new Map<string, { bucket: Bucket; n: number }>();
    const page = 5000;
    for (let after = 0; ;) {
      const rows = await trx('applications')
        .where('id', '>', after)
        .whereNotNull('submitted_at')
        .orderBy('id')
        .limit(page)
        .select<(CountedRow & { id: number })[]>(
          'id',
          'service_slug',
          'municipality',
          'channel',
          'status',
          'submitted_at',
          'decided_at',
          'sla_due_at',
          'waited_ms',
        );
      for (const row of rows) {
        for (const bucket of bucketsOf(row, calendar)) {
          const id = idOf(bucket);
          const entry = totals.get(id) ?? { bucket, n: 0 };
          entry.n += 1;
          totals.set(id, entry);
        }
      }
      if (rows.length < page) break;
      after = rows.at(-1)!.id;
    }
    for (const table of ['stats_status_counts', 'stats_channel_counts', 'stats_decisions'] as const) {
      await trx(table).delete();
      const rows = [...totals.values()]
        .filter((t) => t.bucket.table === table)
        .map((t) => ({ ...t.bucket.key, n: t.n }));
      // 100 rows of at most 6 columns stay under SQLite's bound-parameter limit.
      for (let i = 0; i < rows.length; i += 100) await trx(table).insert(rows.slice(i, i + 100));
    }
  });
}
