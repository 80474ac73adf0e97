import type { Lang } from '../i18n.js';

/**
 * What the report charts (charts.ts) are made of: their inputs, colours, number formatting, tick
 * values and label wrapping.
 */

export type Direction = 'ltr' | 'rtl';

export interface ChartFrame {
  /** Unique on the page: the prefix of the chart's ids. */
  id: string;
  /** The chart's accessible name (its <title>). */
  title: string;
  /** The id of the table with the same figures, for screen readers. */
  describedBy?: string;
  lang: Lang;
  /** Shown instead of the chart when there is nothing to draw. */
  emptyText: string;
  /** The drawing's width in pixels (its viewBox), 560 unless given: 360 suits a phone. */
  width?: number;
}

export interface Bar {
  label: string;
  /** null: nothing to measure (the row shows `valueText` and no bar). */
  value: number | null;
  valueText: string;
  /** Drawn in bold, e.g. the row for all services. */
  strong?: boolean;
}

export interface Column {
  label: string;
  /** A second line under the label (the year under the month), or ''. */
  sublabel: string;
  value: number;
  valueText: string;
}

export interface SharePart {
  label: string;
  value: number;
  /** The figure shown in the legend, e.g. "1,234 (45.2%)". */
  valueText: string;
  /** The short figure shown on the segment when it is wide enough, e.g. "45%". */
  segmentText: string;
}

/** Text colours pass 4.5:1 on white; bar colours pass 3:1 on white and 4.5:1 under white text. */
export const CHART_COLOURS = {
  text: '#212529',
  muted: '#495057',
  axis: '#6c757d',
  grid: '#dee2e6',
  track: '#e9ecef',
  bar: '#0b5394',
  series: ['#0b5394', '#8a4b00', '#146c43', '#6f42c1', '#b02a37', '#495057'],
} as const;

/**
 * Intl formatters are costly to build (about a millisecond each): one per language and kind. Each
 * also remembers what it wrote, since a report writes the same few figures many times (every 0 of
 * a table, the counts its charts and its tables both show) and a call to Intl costs about a
 * microsecond; the memory is emptied when it holds more than a few thousand figures.
 */
const formatters = new Map<string, (value: number) => string>();
const REMEMBERED_FIGURES = 4096;
function numberFormat(lang: Lang, kind: 'count' | `share${number}`): (value: number) => string {
  const key = `${lang}:${kind}`;
  let format = formatters.get(key);
  if (!format) {
    const locale = lang === 'ar' ? 'ar-BH-u-nu-latn' : 'en-GB';
    const intl =
      kind === 'count'
        ? new Intl.NumberFormat(locale)
        : new Intl.NumberFormat(locale, { maximumFractionDigits: Number(kind.slice(5)), useGrouping: false });
    const written = new Map<number, string>();
    format = (value) => {
      // A Map takes -0 for 0, which Intl writes differently ("-0"): it is not remembered.
      if (Object.is(value, -0)) return intl.format(value);
      let text = written.get(value);
      if (text === undefined) {
        if (written.size >= REMEMBERED_FIGURES) written.clear();
        text = intl.format(value);
        written.set(value, text);
      }
      return text;
    };
    formatters.set(key, format);
  }
  return format;
}

/** Counts with grouping, in the Western digits the rest of the portal uses in both languages. */
export function formatCount(value: number, lang: Lang): string {
  return numberFormat(lang, 'count')(value);
}

/** A share (0..1) as a percentage with at most one decimal, e.g. "45.2%" (Western digits). */
export function formatShare(value: number, lang: Lang, decimals = 1): string {
  return `${numberFormat(lang, `share${decimals}`)(value * 100)}%`;
}

/** At most `maxLines` lines of about `maxChars` characters, broken between words; "…" if cut. */
export function wrapLabel(
  text: string,
  maxChars: number,
  maxLines = 2,
): { lines: string[]; truncated: boolean } {
  const words = text.trim().split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    const candidate = line ? `${line} ${word}` : word;
    if (candidate.length <= maxChars) {
      line = candidate;
      continue;
    }
    if (line) lines.push(line);
    line = word;
    while (line.length > maxChars) {
      lines.push(line.slice(0, maxChars));
      line = line.slice(maxChars);
    }
  }
  if (line) lines.push(line);
  if (lines.length <= maxLines) return { lines, truncated: false };
  const kept = lines.slice(0, maxLines);
  const last = kept[maxLines - 1]!;
  kept[maxLines - 1] = `${last.slice(0, Math.max(1, maxChars - 1)).trimEnd()}…`;
  return { lines: kept, truncated: true };
}

/**
 * Round tick values from 0 to at least `max`: steps of 1, 2, 2.5 or 5 times a power of ten, whole
 * numbers only when `whole` (counts), so a scale never reads 2.5 applications.
 */
export function niceTicks(max: number, target = 4, whole = false): number[] {
  if (!(max > 0)) return [0];
  const raw = max / target;
  const power = 10 ** Math.floor(Math.log10(raw));
  const multiples = whole && power <= 1 ? [1, 2, 5, 10] : [1, 2, 2.5, 5, 10];
  const found = (multiples.find((m) => m * power >= raw) ?? 10) * power;
  const step = whole ? Math.max(1, Math.round(found)) : found;
  const ticks: number[] = [];
  for (let v = 0; v < max + step - 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}
