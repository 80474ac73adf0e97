import type { Lang } from '../i18n.js';
import {
  CHART_COLOURS,
  niceTicks,
  wrapLabel,
  type Bar,
  type ChartFrame,
  type Column,
  type Direction,
  type SharePart,
} from './chart-basics.js';

/**
 * Charts as inline SVG, made on the server: no script, no external file, no `style` attribute (the
 * CSP forbids inline styles; presentation attributes such as `fill` are allowed). Every chart is laid
 * out in logical coordinates (0 = where the text starts) and mirrored for Arabic, so bars grow from
 * the right, the axis sits on the right and months run right to left. The SVG is an image with a
 * name (`role="img"`, its <title>) and points at the table that holds the same figures
 * (`aria-describedby`). Every text is escaped; the result is markup for `<%- %>`.
 */

const FONT_SIZE = 13;
/**
 * Average glyph width as a share of the font size, for wrapping labels without measuring them
 * (a little generous: Noto Sans Arabic's joined letters are narrower than Latin ones).
 */
const GLYPH: Record<Lang, number> = { ar: 0.42, en: 0.52 };

const XML_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
const XML_SPECIAL = /[&<>"']/;
const XML_SPECIALS = /[&<>"']/g;
/** Most texts (figures, month names) have nothing to escape, so they are returned as they are. */
const escapeXml = (text: string) =>
  XML_SPECIAL.test(text) ? text.replace(XML_SPECIALS, (c) => XML_ENTITIES[c] ?? c) : text;

const r1 = (n: number) => Math.round(n * 10) / 10;

export const directionOf = (lang: Lang): Direction => (lang === 'ar' ? 'rtl' : 'ltr');

export {
  CHART_COLOURS,
  formatCount,
  formatShare,
  niceTicks,
  wrapLabel,
  type Bar,
  type ChartFrame,
  type Column,
  type Direction,
  type SharePart,
} from './chart-basics.js';

/** Physical coordinates from logical ones: the identity in English, mirrored in Arabic. */
function mirror(width: number, dir: Direction) {
  const rtl = dir === 'rtl';
  return {
    x: (logical: number) => r1(rtl ? width - logical : logical),
    rectX: (logical: number, w: number) => r1(rtl ? width - logical - w : logical),
  };
}

function svgOpen(frame: ChartFrame, width: number, height: number): string {
  const dir = directionOf(frame.lang);
  const described = frame.describedBy ? ` aria-describedby="${escapeXml(frame.describedBy)}"` : '';
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" viewBox="0 0 ${width} ${height}" ` +
    `width="${width}" height="${height}" role="img" aria-labelledby="${escapeXml(frame.id)}-title"${described} ` +
    `direction="${dir}" font-size="${FONT_SIZE}" fill="${CHART_COLOURS.text}">` +
    `<title id="${escapeXml(frame.id)}-title">${escapeXml(frame.title)}</title>`
  );
}

/** The empty state: a sentence, not an empty frame. */
function emptyState(frame: ChartFrame): string {
  return `<p class="chart-empty" id="${escapeXml(frame.id)}-empty">${escapeXml(frame.emptyText)}</p>`;
}

function text(
  x: number,
  y: number,
  content: string,
  options: { anchor?: 'start' | 'middle' | 'end'; fill?: string; bold?: boolean } = {},
): string {
  const anchor = options.anchor && options.anchor !== 'start' ? ` text-anchor="${options.anchor}"` : '';
  const fill = options.fill ? ` fill="${options.fill}"` : '';
  const weight = options.bold ? ' font-weight="700"' : '';
  return `<text x="${x}" y="${r1(y)}"${anchor}${fill}${weight}>${escapeXml(content)}</text>`;
}

/**
 * Horizontal bars, one row per item, the label at the start and the value written after the bar's
 * end. `max` fixes the scale (1 for shares); otherwise it is the largest value, rounded up.
 */
export function barChart(
  frame: ChartFrame & { bars: Bar[]; max?: number; tickText: (value: number) => string },
): string {
  const { bars } = frame;
  const measured = bars.filter((b) => b.value !== null);
  const largest = Math.max(0, ...measured.map((b) => b.value ?? 0));
  if (bars.length === 0 || (frame.max === undefined && largest === 0) || measured.length === 0) {
    return emptyState(frame);
  }
  const width = frame.width ?? 560;
  const labelWidth = Math.round(width * (width < 480 ? 0.38 : 0.35));
  const gap = 10;
  const valueRoom = Math.max(72, Math.round(width * 0.2));
  const x0 = labelWidth + gap;
  const plot = width - x0 - valueRoom;
  // Fewer ticks on a narrow drawing, so their labels do not run into each other.
  const target = plot < 240 ? 2 : 4;
  const ticks = frame.max !== undefined ? niceTicks(frame.max, target) : niceTicks(largest, target, true);
  const scaleMax = ticks[ticks.length - 1]!;
  const perLine = Math.floor(labelWidth / (FONT_SIZE * GLYPH[frame.lang]));
  const labels = bars.map((b) => wrapLabel(b.label, perLine));
  const twoLines = labels.some((l) => l.lines.length > 1);
  const rowHeight = twoLines ? 40 : 30;
  const top = 6;
  const plotHeight = bars.length * rowHeight;
  const height = top + plotHeight + 26;
  const m = mirror(width, directionOf(frame.lang));
  const at = (value: number) => x0 + (Math.min(value, scaleMax) / scaleMax) * plot;

  const parts: string[] = [svgOpen(frame, width, height)];
  parts.push('<g aria-hidden="true">');
  for (const tick of ticks) {
    const x = m.x(at(tick));
    parts.push(
      `<line x1="${x}" x2="${x}" y1="${top}" y2="${top + plotHeight}" stroke="${CHART_COLOURS.grid}"/>`,
    );
    parts.push(
      text(x, top + plotHeight + 18, frame.tickText(tick), { anchor: 'middle', fill: CHART_COLOURS.muted }),
    );
  }
  bars.forEach((bar, index) => {
    const label = labels[index]!;
    const middle = top + index * rowHeight + rowHeight / 2;
    const lineHeight = FONT_SIZE + 2;
    const firstBaseline = middle - ((label.lines.length - 1) * lineHeight) / 2 + FONT_SIZE * 0.35;
    parts.push('<g>');
    if (label.truncated) parts.push(`<title>${escapeXml(bar.label)}</title>`);
    label.lines.forEach((line, i) => {
      parts.push(
        text(m.x(labelWidth), firstBaseline + i * lineHeight, line, { anchor: 'end', bold: bar.strong }),
      );
    });
    const barHeight = 18;
    let valueAt = x0 + 6;
    if (bar.value !== null && bar.value > 0) {
      const w = Math.max(2, at(bar.value) - x0);
      parts.push(
        `<rect x="${m.rectX(x0, w)}" y="${r1(middle - barHeight / 2)}" width="${r1(w)}" height="${barHeight}" ` +
          `fill="${CHART_COLOURS.bar}"/>`,
      );
      valueAt = x0 + w + 6;
    }
    parts.push(
      text(m.x(valueAt), middle + FONT_SIZE * 0.35, bar.valueText, {
        fill: bar.value === null ? CHART_COLOURS.muted : CHART_COLOURS.text,
        bold: bar.strong,
      }),
    );
    parts.push('</g>');
  });
  parts.push(
    `<line x1="${m.x(x0)}" x2="${m.x(x0)}" y1="${top}" y2="${top + plotHeight}" stroke="${CHART_COLOURS.axis}" stroke-width="1.5"/>`,
  );
  parts.push('</g></svg>');
  return parts.join('');
}

/** Vertical columns in time order (right to left in Arabic), the value written over each. */
export function columnChart(
  frame: ChartFrame & { columns: Column[]; tickText: (value: number) => string },
): string {
  const { columns } = frame;
  const largest = Math.max(0, ...columns.map((c) => c.value));
  if (columns.length === 0 || largest === 0) return emptyState(frame);
  const axisWidth = 52;
  const slot = 56;
  const width = Math.max(frame.width ?? 560, axisWidth + columns.length * slot + 8);
  const slotWidth = (width - axisWidth - 8) / columns.length;
  const columnWidth = Math.min(44, slotWidth * 0.62);
  const top = 24;
  const plotHeight = 180;
  const bottom = top + plotHeight;
  const height = bottom + 44;
  const ticks = niceTicks(largest, 4, true);
  const scaleMax = ticks[ticks.length - 1]!;
  const m = mirror(width, directionOf(frame.lang));
  const y = (value: number) => bottom - (value / scaleMax) * plotHeight;

  const parts: string[] = [svgOpen(frame, width, height), '<g aria-hidden="true">'];
  for (const tick of ticks) {
    const ty = r1(y(tick));
    parts.push(
      `<line x1="${m.x(axisWidth)}" x2="${m.x(width - 4)}" y1="${ty}" y2="${ty}" stroke="${CHART_COLOURS.grid}"/>`,
    );
    parts.push(
      text(m.x(axisWidth - 8), ty + FONT_SIZE * 0.35, frame.tickText(tick), {
        anchor: 'end',
        fill: CHART_COLOURS.muted,
      }),
    );
  }
  columns.forEach((column, index) => {
    const centre = axisWidth + slotWidth * index + slotWidth / 2;
    const h = (column.value / scaleMax) * plotHeight;
    parts.push('<g>');
    if (column.value > 0) {
      parts.push(
        `<rect x="${m.rectX(centre - columnWidth / 2, columnWidth)}" y="${r1(bottom - h)}" ` +
          `width="${r1(columnWidth)}" height="${r1(h)}" fill="${CHART_COLOURS.bar}"/>`,
      );
    }
    parts.push(text(m.x(centre), bottom - h - 6, column.valueText, { anchor: 'middle', bold: true }));
    parts.push(text(m.x(centre), bottom + 18, column.label, { anchor: 'middle' }));
    if (column.sublabel) {
      parts.push(
        text(m.x(centre), bottom + 35, column.sublabel, { anchor: 'middle', fill: CHART_COLOURS.muted }),
      );
    }
    parts.push('</g>');
  });
  parts.push(
    `<line x1="${m.x(axisWidth)}" x2="${m.x(width - 4)}" y1="${bottom}" y2="${bottom}" stroke="${CHART_COLOURS.axis}" stroke-width="1.5"/>`,
  );
  parts.push('</g></svg>');
  return parts.join('');
}

/**
 * One bar split into each part's share (100 %), starting at the reading start, with a legend that
 * lists the parts in the same order with their figures: the colours are never the only clue.
 */
export function shareChart(frame: ChartFrame & { parts: SharePart[] }): string {
  const total = frame.parts.reduce((n, p) => n + Math.max(0, p.value), 0);
  if (frame.parts.length === 0 || total === 0) return emptyState(frame);
  const width = frame.width ?? 560;
  const barTop = 8;
  const barHeight = 40;
  const legendTop = barTop + barHeight + 22;
  const legendRow = 26;
  const height = legendTop + frame.parts.length * legendRow;
  const m = mirror(width, directionOf(frame.lang));
  const colour = (i: number) => CHART_COLOURS.series[i % CHART_COLOURS.series.length]!;

  const parts: string[] = [svgOpen(frame, width, height), '<g aria-hidden="true">'];
  let start = 0;
  frame.parts.forEach((part, i) => {
    if (part.value <= 0) return;
    const w = (part.value / total) * width;
    parts.push(
      `<rect x="${m.rectX(start, w)}" y="${barTop}" width="${r1(w)}" height="${barHeight}" fill="${colour(i)}" ` +
        `stroke="#ffffff" stroke-width="2"/>`,
    );
    if (w >= 8 + part.segmentText.length * FONT_SIZE * GLYPH.en) {
      parts.push(
        text(m.x(start + w / 2), barTop + barHeight / 2 + FONT_SIZE * 0.35, part.segmentText, {
          anchor: 'middle',
          fill: '#ffffff',
          bold: true,
        }),
      );
    }
    start += w;
  });
  // The figures in a column of their own, just after the longest name.
  const longest = Math.max(...frame.parts.map((p) => p.label.length));
  const figuresAt = Math.min(width * 0.6, 24 + longest * FONT_SIZE * (GLYPH[frame.lang] + 0.06) + 16);
  frame.parts.forEach((part, i) => {
    const rowTop = legendTop + i * legendRow;
    parts.push(
      `<rect x="${m.rectX(0, 16)}" y="${rowTop}" width="16" height="16" fill="${colour(i)}"/>` +
        text(m.x(24), rowTop + 13, part.label, { bold: true }) +
        text(m.x(figuresAt), rowTop + 13, part.valueText),
    );
  });
  parts.push('</g></svg>');
  return parts.join('');
}
