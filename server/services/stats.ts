import type { Knex } from 'knex';
import { localDate, workingDaysBetween, type Calendar } from '../../workflows/calendar.js';
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

interface Row {
  service_slug: string;
  status: string;
  channel: string;
  submitted_at: Date | string;
  decided_at: Date | string | null;
  sla_due_at: Date | string | null;
}

/** The value below which `q` of the sorted values fall (nearest rank). */
export function percentile(sorted: number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[rank - 1] ?? null;
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/**
 * Counts and times per service for a period (by submission date) and a municipality: the figures the
 * dashboard, the CSV export, the stats API and the open-data page show. Working days are counted on
 * the service-level calendar (Friday, Saturday and public holidays do not count).
 */
export function statsService(deps: { db: Knex; registry: Registry; calendar: Calendar; clock: Clock }) {
  const { db, registry, calendar, clock } = deps;

  function bounds(q: StatsQuery): [Date, Date] {
    const start = new Date(`${q.from}T00:00:00+03:00`);
    const end = new Date(new Date(`${q.to}T00:00:00+03:00`).getTime() + 24 * 60 * 60 * 1000);
    return [start, end];
  }

  /** The default period: the last two months up to today. */
  function defaultPeriod(): { from: string; to: string } {
    const today = localDate(clock.now(), calendar);
    const start = new Date(`${today}T12:00:00+03:00`);
    start.setUTCMonth(start.getUTCMonth() - 2);
    return { from: localDate(start, calendar), to: today };
  }

  async function report(q: StatsQuery) {
    const [start, end] = bounds(q);
    const rows: Row[] = await db('applications')
      .whereNotNull('submitted_at')
      .where('submitted_at', '>=', start)
      .andWhere('submitted_at', '<', end)
      .modify((b) => {
        if (q.municipality) b.where('municipality', q.municipality);
      })
      .select('service_slug', 'status', 'channel', 'submitted_at', 'decided_at', 'sla_due_at');

    const total = rows.length;
    const byChannel: Record<string, number> = Object.fromEntries(REPORT_CHANNELS.map((c) => [c, 0]));
    const byMonth = new Map<string, number>();
    const byStatus: Record<string, number> = Object.fromEntries(REPORT_STATUSES.map((s) => [s, 0]));
    const perService = new Map<string, { rows: Row[] }>();
    for (const row of rows) {
      byChannel[row.channel] = (byChannel[row.channel] ?? 0) + 1;
      byStatus[row.status] = (byStatus[row.status] ?? 0) + 1;
      const month = localDate(new Date(row.submitted_at), calendar).slice(0, 7);
      byMonth.set(month, (byMonth.get(month) ?? 0) + 1);
      const entry = perService.get(row.service_slug) ?? { rows: [] };
      entry.rows.push(row);
      perService.set(row.service_slug, entry);
    }

    const services: ServiceStats[] = [...perService.entries()].map(([slug, { rows: list }]) => {
      const definition = registry.latest(slug);
      const counts: Record<string, number> = Object.fromEntries(REPORT_STATUSES.map((s) => [s, 0]));
      for (const r of list) counts[r.status] = (counts[r.status] ?? 0) + 1;
      const decided = list.filter(
        (r) => r.decided_at && (r.status === 'accepted' || r.status === 'rejected'),
      );
      const days = decided
        .map((r) => workingDaysBetween(new Date(r.submitted_at), new Date(r.decided_at!), calendar))
        .sort((a, b) => a - b);
      const withSla = decided.filter((r) => r.sla_due_at);
      const onTime = withSla.filter(
        (r) => new Date(r.decided_at!).getTime() <= new Date(r.sla_due_at!).getTime(),
      );
      return {
        slug,
        name: definition?.name ?? { ar: slug, en: slug },
        count: list.length,
        share: total ? list.length / total : 0,
        byStatus: counts,
        decided: decided.length,
        medianDays: ((m) => (m === null ? null : round1(m)))(percentile(days, 0.5)),
        p90Days: ((m) => (m === null ? null : round1(m)))(percentile(days, 0.9)),
        withinSla: withSla.length ? onTime.length / withSla.length : null,
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
      byMonth: [...byMonth.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([month, count]) => ({ month, count })),
      withinSla: decidedAll ? onTimeAll / decidedAll : null,
      overdueNow: Object.fromEntries(overdue.map((o) => [o.service_slug, Number(o.n)])),
      overdueTotal: overdue.reduce((n, o) => n + Number(o.n), 0),
    };
  }

  return { report, defaultPeriod };
}

export type StatsService = ReturnType<typeof statsService>;
export type StatsReport = Awaited<ReturnType<StatsService['report']>>;
