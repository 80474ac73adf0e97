import type { Localized } from '../../workflows/types.js';
import { drawLine, ownDirection, wrap, type Doc, type Style } from './certificate-text.js';

/** The certificate page: its measures, its frame, and a top-to-bottom layout of bilingual blocks. */

export const PAGE = { width: 595.28, height: 841.89, margin: 48 };
export const CONTENT_WIDTH = PAGE.width - 2 * PAGE.margin;
const LINE = 1.45;
/** Two columns, Arabic on the right and English on the left, each a label and a value. */
const GUTTER = 24;
const COLUMN = (CONTENT_WIDTH - GUTTER) / 2;
const EN_X = PAGE.margin;
const AR_X = PAGE.margin + COLUMN + GUTTER;
const LABEL = 100;
const GAP = 8;
export const GREEN = '#1f5f46';
export const GREY = '#555555';

/** Lays the page out top to bottom, starting a new page when the next block does not fit. */
export class Layout {
  y = PAGE.margin;
  constructor(private readonly doc: Doc) {}

  ensure(height: number): void {
    if (this.y + height > PAGE.height - PAGE.margin) {
      this.doc.addPage({ size: 'A4', margin: 0 });
      frame(this.doc);
      this.y = PAGE.margin + 12;
    }
  }

  paragraph(
    text: string,
    dir: 'rtl' | 'ltr',
    style: Style,
    align: 'start' | 'center' = 'start',
    x = PAGE.margin,
    width = CONTENT_WIDTH,
  ): void {
    for (const line of wrap(this.doc, text, width, dir, style)) {
      this.ensure(style.size * LINE);
      drawLine(this.doc, line, { x, y: this.y, width }, dir, align, style);
      this.y += style.size * LINE;
    }
  }

  /** Arabic in the right column, English in the left, side by side. */
  pair(text: Localized, style: Style): void {
    const ar = wrap(this.doc, text.ar, COLUMN, 'rtl', style);
    const en = wrap(this.doc, text.en, COLUMN, 'ltr', style);
    const lineHeight = style.size * LINE;
    this.ensure(Math.max(ar.length, en.length) * lineHeight);
    ar.forEach((line, i) =>
      drawLine(this.doc, line, { x: AR_X, y: this.y + i * lineHeight, width: COLUMN }, 'rtl', 'start', style),
    );
    en.forEach((line, i) =>
      drawLine(this.doc, line, { x: EN_X, y: this.y + i * lineHeight, width: COLUMN }, 'ltr', 'start', style),
    );
    this.y += Math.max(ar.length, en.length) * lineHeight;
  }

  /**
   * One certified particular in both languages: in each column the label at the reading start
   * and the value after it.
   */
  row(label: Localized, value: Localized, size: number): void {
    const labelStyle = { size, bold: true, color: GREY };
    const valueStyle = { size };
    const lineHeight = size * LINE;
    const cells = [
      { dir: 'rtl' as const, lang: 'ar' as const, labelX: AR_X + COLUMN - LABEL, valueX: AR_X },
      { dir: 'ltr' as const, lang: 'en' as const, labelX: EN_X, valueX: EN_X + LABEL + GAP },
    ].map((cell) => ({
      ...cell,
      labels: wrap(this.doc, label[cell.lang], LABEL, cell.dir, labelStyle),
      values: wrap(this.doc, value[cell.lang], COLUMN - LABEL - GAP, cell.dir, valueStyle),
    }));
    const lines = Math.max(...cells.map((c) => Math.max(c.labels.length, c.values.length)));
    this.ensure(lines * lineHeight);
    for (const cell of cells) {
      cell.labels.forEach((line, i) =>
        drawLine(
          this.doc,
          line,
          { x: cell.labelX, y: this.y + i * lineHeight, width: LABEL },
          cell.dir,
          'start',
          labelStyle,
        ),
      );
      const order = ownDirection(value[cell.lang], cell.dir);
      cell.values.forEach((line, i) =>
        drawLine(
          this.doc,
          line,
          { x: cell.valueX, y: this.y + i * lineHeight, width: COLUMN - LABEL - GAP },
          cell.dir,
          'start',
          valueStyle,
          order,
        ),
      );
    }
    this.y += lines * lineHeight + 3;
  }

  /** A thin line between the columns, from `top` down to here (on this page). */
  divider(top: number): void {
    const x = PAGE.margin + COLUMN + GUTTER / 2;
    const from = Math.max(top, PAGE.margin);
    if (this.y <= from) return;
    this.doc.moveTo(x, from).lineTo(x, this.y).lineWidth(0.5).strokeColor('#cccccc').stroke();
  }

  rule(color = '#cccccc'): void {
    this.doc
      .moveTo(PAGE.margin, this.y)
      .lineTo(PAGE.margin + CONTENT_WIDTH, this.y)
      .lineWidth(0.6)
      .strokeColor(color)
      .stroke();
    this.y += 8;
  }
}

export function frame(doc: Doc): void {
  doc
    .lineWidth(2)
    .strokeColor(GREEN)
    .rect(24, 24, PAGE.width - 48, PAGE.height - 48)
    .stroke();
  doc
    .lineWidth(0.5)
    .rect(29, 29, PAGE.width - 58, PAGE.height - 58)
    .stroke();
}

/** The statement and the certified particulars, Arabic on the right and English on the left. */
