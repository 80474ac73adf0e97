import type { StatsReport } from '../services/stats.js';
import { REPORT_CHANNELS } from '../services/stats.js';
import { translator, type Lang } from '../i18n.js';
import { barChart, columnChart, formatCount, formatShare, shareChart } from './charts.js';

/** The ids of the tables the charts describe themselves by; the report views use the same ids. */
export const REPORT_TABLE_IDS = {
  services: 'table-services',
  channels: 'table-channels',
  months: 'table-months',
} as const;

/** A chart drawn twice: for a screen and for a phone (its text stays legible); the page shows one. */
export interface ChartPair {
  wide: string;
  narrow: string;
}

export interface ReportCharts {
  services: ChartPair;
  compliance: ChartPair;
  channels: ChartPair;
  months: ChartPair;
  /** Every month the period touches, in order, with its count (0 for a month without applications). */
  monthRows: { month: string; count: number }[];
  tableIds: typeof REPORT_TABLE_IDS;
  /** How the report's tables write their figures, the same way as the charts. */
  format: {
    count: (value: number | null | undefined) => string;
    share: (value: number | null | undefined) => string;
    month: (month: string) => string;
  };
}

const WIDE = 560;
const NARROW = 340;

/** Every month (YYYY-MM) from the month of `from` to the month of `to`, both included. */
export function monthsBetween(from: string, to: string): string[] {
  const months: string[] = [];
  let year = Number(from.slice(0, 4));
  let month = Number(from.slice(5, 7));
  const last = to.slice(0, 7);
  for (let guard = 0; guard < 1200; guard++) {
    const key = `${year}-${String(month).padStart(2, '0')}`;
    if (key > last) break;
    months.push(key);
    month += 1;
    if (month > 12) {
      month = 1;
      year += 1;
    }
  }
  return months;
}

const intlLocale = (lang: Lang) => (lang === 'ar' ? 'ar-BH-u-nu-latn' : 'en-GB');

/** The month names of a language, built once: an Intl formatter costs about a millisecond to build. */
const monthFormatters = new Map<Lang, { shortMonth: Intl.DateTimeFormat; longMonth: Intl.DateTimeFormat }>();
function monthFormats(lang: Lang) {
  let formats = monthFormatters.get(lang);
  if (!formats) {
    formats = {
      shortMonth: new Intl.DateTimeFormat(intlLocale(lang), { month: 'short', timeZone: 'UTC' }),
      longMonth: new Intl.DateTimeFormat(intlLocale(lang), {
        month: 'long',
        year: 'numeric',
        timeZone: 'UTC',
      }),
    };
    monthFormatters.set(lang, formats);
  }
  return formats;
}
const midMonth = (month: string) => new Date(`${month}-15T12:00:00Z`);

/**
 * The four charts of a report (applications per service, share decided within the service-level
 * time per service, share by channel, applications per month) as inline SVG in the page's language,
 * with the formatting its tables use, so a figure reads the same in the chart and in the table.
 */
export function reportCharts(report: StatsReport, lang: Lang): ReportCharts {
  const t = translator(lang);
  const count = (n: number) => formatCount(n, lang);
  const share = (n: number) => formatShare(n, lang);
  const { shortMonth, longMonth } = monthFormats(lang);
  const twice = (draw: (width: number, suffix: string) => string): ChartPair => ({
    wide: draw(WIDE, ''),
    narrow: draw(NARROW, '-narrow'),
  });

  const services = twice((width, suffix) =>
    barChart({
      id: `chart-services${suffix}`,
      title: t('charts.services.title'),
      describedBy: REPORT_TABLE_IDS.services,
      lang,
      width,
      emptyText: t('charts.empty'),
      bars: report.services.map((s) => ({ label: s.name[lang], value: s.count, valueText: count(s.count) })),
      tickText: count,
    }),
  );

  const decidedAny = report.services.some((s) => s.withinSla !== null);
  const compliance = twice((width, suffix) =>
    barChart({
      id: `chart-compliance${suffix}`,
      title: t('charts.compliance.title'),
      describedBy: REPORT_TABLE_IDS.services,
      lang,
      width,
      emptyText: t('charts.compliance.empty'),
      max: 1,
      bars: decidedAny
        ? [
            {
              label: t('charts.compliance.all'),
              value: report.withinSla,
              valueText: report.withinSla === null ? t('charts.compliance.none') : share(report.withinSla),
              strong: true,
            },
            ...report.services.map((s) => ({
              label: s.name[lang],
              value: s.withinSla,
              valueText: s.withinSla === null ? t('charts.compliance.none') : share(s.withinSla),
            })),
          ]
        : [],
      tickText: (v) => formatShare(v, lang, 0),
    }),
  );

  const channelTotal = REPORT_CHANNELS.reduce((n, c) => n + (report.byChannel[c] ?? 0), 0);
  const channels = twice((width, suffix) =>
    shareChart({
      id: `chart-channels${suffix}`,
      title: t('charts.channels.title'),
      describedBy: REPORT_TABLE_IDS.channels,
      lang,
      width,
      emptyText: t('charts.empty'),
      parts: REPORT_CHANNELS.map((c) => {
        const value = report.byChannel[c] ?? 0;
        const part = channelTotal ? value / channelTotal : 0;
        return {
          label: t(`channels.${c}`),
          value,
          valueText: `${count(value)} (${share(part)})`,
          segmentText: formatShare(part, lang, 0),
        };
      }),
    }),
  );

  const counted = new Map(report.byMonth.map((m) => [m.month, m.count]));
  const monthRows = monthsBetween(report.period.from, report.period.to).map((month) => ({
    month,
    count: counted.get(month) ?? 0,
  }));
  const months = twice((width, suffix) =>
    columnChart({
      id: `chart-months${suffix}`,
      title: t('charts.months.title'),
      describedBy: REPORT_TABLE_IDS.months,
      lang,
      width,
      emptyText: t('charts.empty'),
      columns: monthRows.map((m, i) => {
        const year = m.month.slice(0, 4);
        const newYear = i === 0 || monthRows[i - 1]!.month.slice(0, 4) !== year;
        return {
          label: shortMonth.format(midMonth(m.month)),
          sublabel: newYear ? year : '',
          value: m.count,
          valueText: count(m.count),
        };
      }),
      tickText: count,
    }),
  );

  const format = {
    count: (value: number | null | undefined) => (value === null || value === undefined ? '—' : count(value)),
    share: (value: number | null | undefined) => (value === null || value === undefined ? '—' : share(value)),
    month: (month: string) => longMonth.format(midMonth(month)),
  };
  return { services, compliance, channels, months, monthRows, tableIds: REPORT_TABLE_IDS, format };
}
