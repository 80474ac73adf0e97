import type { Knex } from 'knex';
import { DAY_MS, localDate, workingMsBetween, type Calendar } from '../../workflows/calendar.js';
import {
  COUNTER_VALUE_COLUMNS,
  MAX_COUNTED_DAYS,
} from '../../db/migrations/20261122000007_stats_counters.js';

/**
 * The report counters (migrations 20261122000007 and 0011): what an application adds to them follows
 * from a few of its columns (a row for its submission day, one for that day's slice of the month and
 * one for the month), so every change of
 * those columns moves it from its old buckets to its new ones, in the transaction that changes the row. `rebuildCounters` recomputes them all from
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

/** A counter row an application adds to: its key (day, municipality, service), and what it adds. */
interface Bucket {
  key: Record<string, string>;
  values: Record<string, number>;
}

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
  const values: Record<string, number> = { n: 1, [`s_${row.status}`]: 1, [`c_${row.channel}`]: 1 };
  if (DECIDED_STATUSES.has(row.status) && row.decided_at) {
    const due = row.sla_due_at ? instant(row.sla_due_at).getTime() : null;
    values.decided = 1;
    values.on_time = due !== null && instant(row.decided_at).getTime() <= due ? 1 : 0;
    values.with_due = due !== null ? 1 : 0;
    values[`d${Math.min(decisionWorkingDays(row, calendar), MAX_COUNTED_DAYS + 1)}`] = 1;
  }
  for (const column of Object.keys(values)) {
    if (!KNOWN_COLUMNS.has(column)) throw new Error(`no report counter for ${column}`);
  }
  // The day's row, its slice of the month's ('YYYY-MM-a'…'e') and the month's ('YYYY-MM'), so a
  // report reads whole months and whole slices from one row each and at most six days at each edge.
  const day = localDate(instant(row.submitted_at), calendar);
  const municipality = row.municipality ?? '';
  return [day, sliceOf(day), day.slice(0, 7)].map((period) => ({
    key: { day: period, municipality, service_slug: row.service_slug },
    values,
  }));
}

/** A month in five slices: days 1–7 ('a'), 8–14, 15–21, 22–28 and 29 to the end ('e'). */
const SLICE_LETTERS = ['a', 'b', 'c', 'd', 'e'] as const;
const sliceIndex = (dayOfMonth: number) => Math.min(Math.floor((dayOfMonth - 1) / 7), 4);

/**
 * The slice row a day (YYYY-MM-DD) belongs to, keyed 'YYYY-MM-a' … 'YYYY-MM-e': a letter sorts
 * after every day of its month and before the next month, so a range of days never takes one in.
 */
export function sliceOf(day: string): string {
  return `${day.slice(0, 8)}${SLICE_LETTERS[sliceIndex(Number(day.slice(8, 10)))]}`;
}

/**
 * Which counter rows cover a period of local dates (both ends included): a month wholly inside it
 * is its month row, a slice of a month wholly inside it its slice row (`keys`), and the days left
 * at the edges (at most six each) are day rows (`days`, as ranges).
 */
export function counterSpans(from: string, to: string): { keys: string[]; days: [string, string][] } {
  const keys: string[] = [];
  const days: [string, string][] = [];
  for (let month = from.slice(0, 7); month <= to.slice(0, 7); month = nextMonth(month)) {
    const length = daysInMonth(month);
    const first = from.slice(0, 7) === month ? Number(from.slice(8, 10)) : 1;
    const last = to.slice(0, 7) === month ? Number(to.slice(8, 10)) : length;
    if (first === 1 && last === length) {
      keys.push(month);
      continue;
    }
    const date = (d: number) => `${month}-${String(d).padStart(2, '0')}`;
    let run: number | null = null;
    for (let d = first; d <= last + 1; d++) {
      const slice = sliceIndex(d);
      const sliceFirst = slice * 7 + 1;
      const sliceLast = slice === 4 ? length : sliceFirst + 6;
      const whole = d <= last && first <= sliceFirst && sliceLast <= last;
      if (d <= last && !whole) {
        run ??= d;
        continue;
      }
      if (run !== null) days.push([date(run), date(d - 1)]);
      run = null;
      if (whole && d === sliceFirst) keys.push(`${month}-${SLICE_LETTERS[slice]}`);
    }
  }
  return { keys, days };
}

function nextMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}

function daysInMonth(month: string): number {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

const KNOWN_COLUMNS = new Set(COUNTER_VALUE_COLUMNS);

const idOf = (b: Bucket) => JSON.stringify(b.key);

/** Adds `times` × each bucket's values into `into`, per counter row. */
function accumulate(into: Map<string, Bucket>, buckets: Bucket[], times: number): void {
  for (const bucket of buckets) {
    const id = idOf(bucket);
    const entry = into.get(id) ?? { key: bucket.key, values: {} };
    for (const [column, value] of Object.entries(bucket.values))
      entry.values[column] = (entry.values[column] ?? 0) + value * times;
    into.set(id, entry);
  }
}

/** Moves one application from the buckets of `before` to those of `after`, inside `trx`. */
export async function shiftCounters(
  trx: Knex,
  before: CountedRow | null,
  after: CountedRow | null,
  calendar: Calendar,
): Promise<void> {
  const deltas = new Map<string, Bucket>();
  accumulate(deltas, bucketsOf(before, calendar), -1);
  accumulate(deltas, bucketsOf(after, calendar), 1);
  // One statement for every row that changes, in a fixed order, so two transactions never wait
  // on each other's rows in opposite orders.
  const changed = [...deltas.keys()]
    .sort()
    .map((id) => deltas.get(id)!)
    .filter((bucket) => Object.values(bucket.values).some((v) => v !== 0));
  if (changed.length > 0) await addTo(trx, changed);
}

/**
 * Adds each bucket's values to its counter row (made if missing), all in one upsert: every row
 * lists the same columns (0 where a bucket has nothing), and a row that exists adds the new row's
 * value (`excluded`) to its own.
 */
async function addTo(trx: Knex, buckets: Bucket[]): Promise<void> {
  const table = 'stats_daily';
  const columns = [...new Set(buckets.flatMap((b) => Object.keys(b.values)))];
  const rows = buckets.map(({ key, values }) => ({
    ...key,
    ...Object.fromEntries(columns.map((c) => [c, values[c] ?? 0])),
  }));
  await trx(table)
    .insert(rows)
    .onConflict(['day', 'municipality', 'service_slug'])
    .merge(Object.fromEntries(columns.map((c) => [c, trx.raw('??.?? + ??.??', [table, c, 'excluded', c])])));
}

/** Recomputes every counter from the applications table, in one transaction. */
export async function rebuildCounters(db: Knex, calendar: Calendar): Promise<void> {
  await db.transaction(async (trx) => {
    const totals = new Map<string, Bucket>();
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
      for (const row of rows) accumulate(totals, bucketsOf(row, calendar), 1);
      if (rows.length < page) break;
      after = rows.at(-1)!.id;
    }
    await trx('stats_daily').delete();
    const zero = Object.fromEntries(COUNTER_VALUE_COLUMNS.map((c) => [c, 0]));
    const rows = [...totals.values()].map((t) => ({ ...t.key, ...zero, ...t.values }));
    // Rows of up to about 80 columns: 10 at a time stay under SQLite's bound-parameter limit.
    for (let i = 0; i < rows.length; i += 10) await trx('stats_daily').insert(rows.slice(i, i + 10));
  });
}
