import type { Knex } from 'knex';
import { localDate, type Calendar } from '../../workflows/calendar.js';
import { ON_TIME, rebuildCounters } from './stats-counters.js';
import type { Registry } from '../../workflows/registry.js';
import type { Clock } from '../clock.js';
import { PUBLIC_STATUSES } from '../../workflows/types.js';

/** Every public status but the draft: reports count submitted applications only. */
export const REPORT_STATUSES = PUBLIC_STATUSES.filter((s) => s !== 'draft');
export const REPORT_CHANNELS = ['web', 'counter', 'phone', 'email', 'partner'] as const;

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

  /** Counter rows of the period (local submission days, both ends included) and municipality. */
  function counters(table: string, q: StatsQuery) {
    return db(table)
      .where('day', '>=', q.from)
      .andWhere('day', '<=', q.to)
      .modify((b) => {
        if (q.municipality) b.where('municipality', q.municipality);
      });
  }

  async function report(q: StatsQuery) {
    const [statusRows, monthRows, channelRows, decisionRows] = await Promise.all([
      counters('stats_status_counts', q)
        .groupBy('service_slug', 'status')
        .select('service_slug', 'status')
        .sum<{ service_slug: string; status: string; n: number | string }[]>({ n: 'n' }),
      counters('stats_status_counts', q)
        .groupByRaw('substr(day, 1, 7)')
        .select(db.raw('substr(day, 1, 7) as month'))
        .sum<{ month: string; n: number | string }[]>({ n: 'n' }),
      counters('stats_channel_counts', q)
        .groupBy('channel')
        .select('channel')
        .sum<{ channel: string; n: number | string }[]>({ n: 'n' }),
      counters('stats_decisions', q)
        .groupBy('service_slug', 'working_days', 'on_time')
        .select('service_slug', 'working_days', 'on_time')
        .sum<{ service_slug: string; working_days: number; on_time: number; n: number | string }[]>({
          n: 'n',
        }),
    ]);

    const byChannel: Record<string, number> = Object.fromEntries(REPORT_CHANNELS.map((c) => [c, 0]));
    for (const r of channelRows) byChannel[r.channel] = (byChannel[r.channel] ?? 0) + Number(r.n);
    const byStatus: Record<string, number> = Object.fromEntries(REPORT_STATUSES.map((s) => [s, 0]));
    const perService = new Map<string, { counts: Record<string, number>; count: number }>();
    for (const r of statusRows) {
      const n = Number(r.n);
      if (n === 0) continue;
      byStatus[r.status] = (byStatus[r.status] ?? 0) + n;
      const entry = perService.get(r.service_slug) ?? {
        counts: Object.fromEntries(REPORT_STATUSES.map((s) => [s, 0])),
        count: 0,
      };
      entry.counts[r.status] = (entry.counts[r.status] ?? 0) + n;
      entry.count += n;
      perService.set(r.service_slug, entry);
    }
    const total = [...perService.values()].reduce((sum, e) => sum + e.count, 0);
    /** Per service: [working days, how many] in ascending days, and on-time / with-due-time counts. */
    const decisions = new Map<string, { days: Map<number, number>; onTime: number; withSla: number }>();
    for (const r of decisionRows) {
      const n = Number(r.n);
      if (n === 0) continue;
      const entry = decisions.get(r.service_slug) ?? { days: new Map(), onTime: 0, withSla: 0 };
      const days = Number(r.working_days);
      entry.days.set(days, (entry.days.get(days) ?? 0) + n);
      const onTime = Number(r.on_time);
      if (onTime !== ON_TIME.noDueTime) entry.withSla += n;
      if (onTime === ON_TIME.onTime) entry.onTime += n;
      decisions.set(r.service_slug, entry);
    }

    const services: ServiceStats[] = [...perService.entries()].map(([slug, { counts, count }]) => {
      const definition = registry.latest(slug);
      const d = decisions.get(slug);
      const histogram = [...(d?.days ?? new Map<number, number>()).entries()].sort(([a], [b]) => a - b);
      const decided = histogram.reduce((sum, [, n]) => sum + n, 0);
      return {
        slug,
        name: definition?.name ?? { ar: slug, en: slug },
        count,
        share: total ? count / total : 0,
        byStatus: counts,
        decided,
        medianDays: percentileOfHistogram(histogram, 0.5),
        p90Days: percentileOfHistogram(histogram, 0.9),
        withinSla: d?.withSla ? d.onTime / d.withSla : null,
      };
    });
    services.sort((a, b) => b.count - a.count || a.slug.localeCompare(b.slug));

    const overdue = await db('applications')
      .where('in_queue', true)
      .where('queue_due_at', '<', clock.now().getTime())
      .modify((b) => {
        if (q.municipality) b.where('municipality', q.municipality);
      })
      .groupBy('service_slug')
      .select('service_slug')
      .count<{ service_slug: string; n: number | string }[]>({ n: '*' });

    const decidedAll = services.reduce((n, s) => n + s.decided, 0);
    const onTimeAll = services.reduce((n, s) => n + (s.withinSla ?? 0) * s.decided, 0);
    return {
      period: { from: q.from, to: q.to },
      municipality: q.municipality,
      total,
      services,
      byStatus,
      byChannel,
      byMonth: monthRows
        .map((r) => ({ month: r.month, count: Number(r.n) }))
        .filter((m) => m.count > 0)
        .sort((a, b) => a.month.localeCompare(b.month)),
      withinSla: decidedAll ? onTimeAll / decidedAll : null,
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
