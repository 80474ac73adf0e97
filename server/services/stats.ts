import type { Knex } from 'knex';
import { localDate, type Calendar } from '../../workflows/calendar.js';
import { counterSpans, rebuildCounters } from './stats-counters.js';
import { MAX_COUNTED_DAYS } from '../../db/migrations/20261122000007_stats_counters.js';

/** d0 … d60: decided in that many working days; d61: in more than 60 (reported as 61). */
const DAY_COLUMNS = Array.from({ length: MAX_COUNTED_DAYS + 2 }, (_, d) => `d${d}`);
import { MUNICIPALITIES } from '../../workflows/municipalities.js';
import type { Registry } from '../../workflows/registry.js';
import type { Clock } from '../clock.js';
import { PUBLIC_STATUSES } from '../../workflows/types.js';

/** Every public status but the draft: reports count submitted applications only. */
export const REPORT_STATUSES = PUBLIC_STATUSES.filter((s) => s !== 'draft');
export const REPORT_CHANNELS = ['web', 'counter', 'phone', 'email', 'partner'] as const;

const STATUS_COLUMNS = REPORT_STATUSES.map((st) => `s_${st}`);
const CHANNEL_COLUMNS = REPORT_CHANNELS.map((c) => `c_${c}`);
/** The counter columns a report sums, each under its own name. */
const SUMS = Object.fromEntries(
  ['n', ...STATUS_COLUMNS, ...CHANNEL_COLUMNS, 'decided', 'on_time', 'with_due', ...DAY_COLUMNS].map((c) => [
    c,
    c,
  ]),
);

export interface StatsQuery {
  /** Inclusive local dates (YYYY-MM-DD), Bahrain time. */
  from: string;
  to: string;
  municipality: string | null;
}

export interface ServiceStats {
  slug: string;
  name: { ar: string; en: string };
  count: number;
  share: number;
  byStatus: Record<string, number>;
  decided: number;
  medianDays: number | null;
  p90Days: number | null;
  withinSla: number | null;
}

/** The value below which `q` of the sorted values fall (nearest rank). */
export function percentile(sorted: number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[rank - 1] ?? null;
}

/** The nearest-rank percentile of a histogram of [value, how many] in ascending values. */
export function percentileOfHistogram(histogram: [number, number][], q: number): number | null {
  const total = histogram.reduce((sum, [, n]) => sum + n, 0);
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (const [value, n] of histogram) {
    seen += n;
    if (seen >= rank) return value;
  }
  return histogram.at(-1)![0];
}

/**
 * Counts and times per service for a period (by submission date) and a municipality: the figures the
 * dashboard, the CSV export, the stats API and the open-data page show, read from the counters that
 * every workflow event keeps (stats-counters.ts), so the cost does not grow with the table. Working
 * days are counted on the service-level calendar (Friday, Saturday and public holidays do not count),
 * time waiting on the applicant left out, rounded up to whole days.
 */
export function statsService(deps: { db: Knex; registry: Registry; calendar: Calendar; clock: Clock }) {
  const { db, registry, calendar, clock } = deps;

  /** The default period: the last two months up to today. */
  function defaultPeriod(): { from: string; to: string } {
    const today = localDate(clock.now(), calendar);
    const start = new Date(`${today}T12:00:00+03:00`);
    start.setUTCMonth(start.getUTCMonth() - 2);
    return { from: localDate(start, calendar), to: today };
  }

  /**
   * The counter rows of the period (local submission days, both ends included) and municipality:
   * whole months and whole slices of a month from their own rows, the days at the edges by day.
   */
  function counters(table: string, q: StatsQuery) {
    const spans = counterSpans(q.from, q.to);
    return db(table)
      .where((w) => {
        if (spans.keys.length) w.orWhereIn('day', spans.keys);
        for (const [first, last] of spans.days) w.orWhereBetween('day', [first, last]);
      })
      .modify((b) => {
        if (q.municipality) b.where('municipality', q.municipality);
      });
  }

  async function report(q: StatsQuery) {
    // One scan of the period's counter rows (per month, slice or day, municipality and service),
    // summed per service and month.
    const rows = (await counters('stats_daily', q)
      .groupBy('service_slug', db.raw('substr(day, 1, 7)'))
      .select('service_slug', db.raw('substr(day, 1, 7) as month'))
      .sum(SUMS)) as unknown as ({
      service_slug: string;
      month: string;
    } & Record<string, number | string>)[];

    const byMonth = new Map<string, number>();
    const byChannel: Record<string, number> = Object.fromEntries(REPORT_CHANNELS.map((c) => [c, 0]));
    const byStatus: Record<string, number> = Object.fromEntries(REPORT_STATUSES.map((st) => [st, 0]));
    interface Totals {
      count: number;
      /** Per status, in the order of REPORT_STATUSES. */
      counts: number[];
      days: number[];
      onTime: number;
      withDue: number;
    }
    const perService = new Map<string, Totals>();
    const channelSums = REPORT_CHANNELS.map(() => 0);
    const statusSums = REPORT_STATUSES.map(() => 0);
    // A row has some 80 sums (PostgreSQL sends them as text): read by column names made once, in
    // plain loops, since this runs for every row of every report.
    for (const r of rows) {
      const n = Number(r.n);
      if (n === 0) continue;
      byMonth.set(r.month, (byMonth.get(r.month) ?? 0) + n);
      for (let i = 0; i < CHANNEL_COLUMNS.length; i++) channelSums[i]! += Number(r[CHANNEL_COLUMNS[i]!]);
      let entry = perService.get(r.service_slug);
      if (!entry) {
        entry = {
          count: 0,
          counts: REPORT_STATUSES.map(() => 0),
          days: DAY_COLUMNS.map(() => 0),
          onTime: 0,
          withDue: 0,
        };
        perService.set(r.service_slug, entry);
      }
      entry.count += n;
      for (let i = 0; i < STATUS_COLUMNS.length; i++) {
        const k = Number(r[STATUS_COLUMNS[i]!]);
        entry.counts[i]! += k;
        statusSums[i]! += k;
      }
      for (let d = 0; d < DAY_COLUMNS.length; d++) entry.days[d]! += Number(r[DAY_COLUMNS[d]!]);
      entry.onTime += Number(r.on_time);
      entry.withDue += Number(r.with_due);
    }
    REPORT_CHANNELS.forEach((c, i) => (byChannel[c] = channelSums[i]!));
    REPORT_STATUSES.forEach((st, i) => (byStatus[st] = statusSums[i]!));
    const total = [...perService.values()].reduce((sum, e) => sum + e.count, 0);

    const services: ServiceStats[] = [...perService.entries()].map(([slug, e]) => {
      const definition = registry.latest(slug);
      const histogram = e.days.map((n, d): [number, number] => [d, n]).filter(([, n]) => n > 0);
      const decided = histogram.reduce((sum, [, n]) => sum + n, 0);
      return {
        slug,
        name: definition?.name ?? { ar: slug, en: slug },
        count: e.count,
        share: total ? e.count / total : 0,
        byStatus: Object.fromEntries(REPORT_STATUSES.map((st, i) => [st, e.counts[i]!])),
        decided,
        medianDays: percentileOfHistogram(histogram, 0.5),
        p90Days: percentileOfHistogram(histogram, 0.9),
        withinSla: e.withDue ? e.onTime / e.withDue : null,
      };
    });
    services.sort((a, b) => b.count - a.count || a.slug.localeCompare(b.slug));
    const onTimeAll = [...perService.values()].reduce((sum, e) => sum + e.onTime, 0);
    const withDueAll = [...perService.values()].reduce((sum, e) => sum + e.withDue, 0);

    // The municipality always named, so the queue index (municipality, in_queue, queue_due_at)
    // reads only the overdue rows instead of the whole table.
    const overdue = await db('applications')
      .whereIn('municipality', q.municipality ? [q.municipality] : MUNICIPALITIES.map((m) => m.code))
      .where('in_queue', true)
      .where('queue_due_at', '<', clock.now().getTime())
      .groupBy('service_slug')
      .select('service_slug')
      .count<{ service_slug: string; n: number | string }[]>({ n: '*' });

    return {
      period: { from: q.from, to: q.to },
      municipality: q.municipality,
      total,
      services,
      byStatus,
      byChannel,
      byMonth: [...byMonth.entries()]
        .filter(([, count]) => count > 0)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([month, count]) => ({ month, count })),
      withinSla: withDueAll ? onTimeAll / withDueAll : null,
      overdueNow: Object.fromEntries(overdue.map((o) => [o.service_slug, Number(o.n)])),
      overdueTotal: overdue.reduce((n, o) => n + Number(o.n), 0),
    };
  }

  /** Recomputes the counters from the applications (after a bulk load, or to repair them). */
  const rebuild = () => rebuildCounters(db, calendar);

  return { report, defaultPeriod, rebuild };
}

export type StatsService = ReturnType<typeof statsService>;
export type StatsReport = Awaited<ReturnType<StatsService['report']>>;
