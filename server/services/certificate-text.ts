import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import bidiModule from 'bidi-js';
import * as fontkit from 'fontkit';
import { nodeModulesDir } from '../paths.js';

/*
 * Font: IBM Plex Sans Arabic (@fontsource, OFL), not the Noto Sans Arabic the web pages use: Noto
 * draws many letters as a dotless skeleton plus separate dot glyphs, so a PDF made with it cannot
 * be searched or copied (pdftotext reads زينب as رتبب); Plex has a glyph per letter form.
 * fontkit embeds WOFF (not WOFF2), and the @fontsource files come split by script (the Arabic file
 * has no Latin letters, digits or brackets).
 *
 * Text: pdfkit shapes Arabic through fontkit but lays a string out in one direction. So each line
 * is ordered here with the Unicode bidi algorithm (bidi-js), cut into runs of one font and one
 * direction, and the runs are drawn left to right. fontkit reverses a run whose script is
 * right-to-left itself, so such a run is handed over in logical order (which also keeps the
 * Arabic letters joining); every other run is handed over already in visual order.
 */

// bidi-js is CommonJS with types that declare an ES default export: imported from ESM, the
// default is the factory itself.
const bidiFactory = bidiModule as unknown as typeof bidiModule.default;
const bidi = bidiFactory();
const FONT_DIR = path.join(nodeModulesDir, '@fontsource', 'ibm-plex-sans-arabic', 'files');
type Script = 'arabic' | 'latin' | 'latin-ext';
type FontName = `${Script}-${400 | 700}`;
const SCRIPTS: Script[] = ['arabic', 'latin', 'latin-ext'];

/**
 * A WOFF 1.0 file as the plain TrueType/OpenType file it wraps: each table inflated with node's
 * zlib. fontkit reads WOFF itself, but inflates it with a JavaScript inflater on every document
 * (seconds per certificate); converted once at start, a certificate takes a few tens of ms.
 */
export function woffToSfnt(woff: Buffer): Buffer {
  if (woff.toString('latin1', 0, 4) !== 'wOFF') throw new Error('not a WOFF file');
  const flavor = woff.readUInt32BE(4);
  const numTables = woff.readUInt16BE(12);
  const tables = Array.from({ length: numTables }, (_, i) => {
    const entry = 44 + i * 20;
    const offset = woff.readUInt32BE(entry + 4);
    const compLength = woff.readUInt32BE(entry + 8);
    const origLength = woff.readUInt32BE(entry + 12);
    const stored = woff.subarray(offset, offset + compLength);
    return {
      tag: woff.subarray(entry, entry + 4),
      checksum: woff.readUInt32BE(entry + 16),
      data: compLength < origLength ? zlib.inflateSync(stored) : stored,
    };
  });
  const log2 = Math.floor(Math.log2(numTables));
  const header = Buffer.alloc(12 + 16 * numTables);
  header.writeUInt32BE(flavor, 0);
  header.writeUInt16BE(numTables, 4);
  header.writeUInt16BE(2 ** log2 * 16, 6);
  header.writeUInt16BE(log2, 8);
  header.writeUInt16BE(numTables * 16 - 2 ** log2 * 16, 10);
  const parts: Buffer[] = [header];
  let offset = header.length;
  tables.forEach((table, i) => {
    const record = 12 + i * 16;
    table.tag.copy(header, record);
    header.writeUInt32BE(table.checksum, record + 4);
    header.writeUInt32BE(offset, record + 8);
    header.writeUInt32BE(table.data.length, record + 12);
    const padded = Buffer.alloc((table.data.length + 3) & ~3);
    table.data.copy(padded);
    parts.push(padded);
    offset += padded.length;
  });
  return Buffer.concat(parts);
}

let loaded: Map<FontName, fontkit.Font> | undefined;
/**
 * The fonts, read, unwrapped and parsed once (the WOFF files: fontkit cannot subset the WOFF2
 * ones). pdfkit takes a parsed font as it is, so every certificate shares the parsed tables;
 * each document still embeds its own subset.
 */
export function fonts(): Map<FontName, fontkit.Font> {
  if (!loaded) {
    loaded = new Map();
    for (const script of SCRIPTS) {
      for (const weight of [400, 700] as const) {
        const file = path.join(FONT_DIR, `ibm-plex-sans-arabic-${script}-${weight}-normal.woff`);
        loaded.set(`${script}-${weight}`, fontkit.create(woffToSfnt(fs.readFileSync(file))));
      }
    }
  }
  for (const font of loaded.values()) forgetGlyphs(font);
  return loaded;
}

/**
 * fontkit caches each glyph with the characters it was first laid out from, and pdfkit writes
 * those characters into the document's text map: left across documents, one certificate's text
 * would decide how another's is read (it turned عبدالله into عبدالل). The parsed tables stay;
 * the glyph cache starts empty for each document.
 */
function forgetGlyphs(font: fontkit.Font): void {
  const cached = font as unknown as { _glyphs?: Record<number, unknown> };
  if (cached._glyphs) cached._glyphs = {};
}

const ARABIC_FILE = /[\u0600-\u06FF\u0750-\u077F\u0870-\u08FF\uFB50-\uFDFF\uFE70-\uFEFC]/;
const LATIN_EXT_FILE = /[\u0100-\u02BA\u1E00-\u1EFF\u2C60-\u2C7F\uA720-\uA7FF]/;
/** Arabic-script characters (not the Common punctuation the Arabic block also holds): fontkit reverses runs with one. */
const ARABIC_SCRIPT =
  /[\u0600-\u060B\u060D-\u061A\u061D\u061E\u0620-\u063F\u0641-\u06DC\u06DE-\u06FF\u0750-\u077F\u0870-\u08FF\uFB50-\uFDFF\uFE70-\uFEFC]/;

function scriptOf(ch: string): Script | null {
  if (ch === ' ' || ch === '\u00A0') return null; // both files have spaces: they join the run they are in
  if (ARABIC_FILE.test(ch)) return 'arabic';
  if (LATIN_EXT_FILE.test(ch)) return 'latin-ext';
  return 'latin';
}

interface Run {
  /** What fontkit is given. */
  text: string;
  font: FontName;
}

/** A single line of text as runs in visual order, left to right, ready for fontkit. */
export function visualRuns(text: string, dir: 'rtl' | 'ltr', bold: boolean): Run[] {
  if (!text) return [];
  const levels = bidi.getEmbeddingLevels(text, dir);
  // bidi-js works on UTF-16 units; the fonts have no characters outside the BMP anyway.
  const units = text.split('');
  const visual = units.map((_, i) => i);
  for (const [start = 0, end = -1] of bidi.getReorderSegments(text, levels)) {
    const slice = visual.slice(start, end + 1).reverse();
    visual.splice(start, slice.length, ...slice);
  }
  const mirrored = bidi.getMirroredCharactersMap(text, levels.levels);
  const scripts = units.map(scriptOf);
  // Spaces take the script of the character before them (in logical order), else the one after.
  for (let i = 0; i < scripts.length; i++) {
    if (scripts[i] === null) scripts[i] = (i > 0 ? scripts[i - 1] : null) ?? null;
  }
  for (let i = scripts.length - 1; i >= 0; i--) {
    if (scripts[i] === null) scripts[i] = scripts[i + 1] ?? 'latin';
  }
  const runs: { chars: string[]; script: Script; level: number }[] = [];
  for (const index of visual) {
    const script = scripts[index]!;
    const level = levels.levels[index]!;
    const ch = mirrored.get(index) ?? units[index]!;
    const last = runs[runs.length - 1];
    if (last && last.script === script && last.level === level) last.chars.push(ch);
    else runs.push({ chars: [ch], script, level });
  }
  const weight = bold ? 700 : 400;
  return runs.map((run) => {
    const inVisualOrder = run.chars.join('');
    const reversedByFontkit = run.script === 'arabic' && ARABIC_SCRIPT.test(inVisualOrder);
    return {
      text: reversedByFontkit ? [...run.chars].reverse().join('') : inVisualOrder,
      font: `${run.script}-${weight}`,
    };
  });
}

/**
 * Passing `features` (none beyond the defaults) makes pdfkit lay a run out whole; otherwise it
 * lays it out word by word, and fontkit's reversal of each Arabic word would leave the words in
 * logical order.
 */
const WHOLE_RUN = { features: [] as PDFKit.Mixins.OpenTypeFeatures[] };

/**
 * Text extractors (poppler's pdftotext, pdf.js) spread a ligature's letters left to right over
 * its glyph and then reverse right-to-left words, so the letters of an Arabic ligature (لا, بر,
 * في …) must be listed right to left in the font's ToUnicode map, or نوفمبر comes out as نوفمرب.
 * pdfkit keeps that map per embedded font (`unicode`, glyph → code points) and writes it when
 * the document ends; only the Arabic fonts are touched, and only their ligatures.
 */
export function listLigaturesRightToLeft(doc: Doc): void {
  const families = (doc as unknown as { _fontFamilies?: Record<string, { unicode?: unknown }> })
    ._fontFamilies;
  for (const [name, font] of Object.entries(families ?? {})) {
    if (!name.startsWith('arabic') || !Array.isArray(font.unicode)) continue;
    font.unicode = (font.unicode as (number[] | undefined)[]).map((codePoints) =>
      codePoints && codePoints.length > 1 ? [...codePoints].reverse() : codePoints,
    );
  }
}

export interface Style {
  size: number;
  bold?: boolean;
  color?: string;
}

export type Doc = PDFKit.PDFDocument;

export function widthOf(doc: Doc, text: string, dir: 'rtl' | 'ltr', style: Style): number {
  let width = 0;
  for (const run of visualRuns(text, dir, style.bold ?? false)) {
    width += doc.font(run.font).fontSize(style.size).widthOfString(run.text, WHOLE_RUN);
  }
  return width;
}

/**
 * Breaks text into lines no wider than `width`, at spaces. Words are measured one by one (a line
 * is as wide as its words and spaces: Arabic letters do not join across a space); a word longer
 * than a line is cut.
 */
export function wrap(doc: Doc, text: string, width: number, dir: 'rtl' | 'ltr', style: Style): string[] {
  const lines: string[] = [];
  const space = widthOf(doc, ' ', dir, style);
  for (const paragraph of text.split(/\r?\n/)) {
    let line = '';
    let lineWidth = 0;
    for (let word of paragraph.split(/[ \t]+/).filter(Boolean)) {
      let wordWidth = widthOf(doc, word, dir, style);
      if (line && lineWidth + space + wordWidth <= width) {
        line = `${line} ${word}`;
        lineWidth += space + wordWidth;
        continue;
      }
      if (line) lines.push(line);
      while (wordWidth > width && word.length > 1) {
        let cut = word.length - 1;
        while (cut > 1 && widthOf(doc, word.slice(0, cut), dir, style) > width) cut--;
        lines.push(word.slice(0, cut));
        word = word.slice(cut);
        wordWidth = widthOf(doc, word, dir, style);
      }
      line = word;
      lineWidth = wordWidth;
    }
    if (line) lines.push(line);
  }
  return lines.length > 0 ? lines : [''];
}

/**
 * The direction a person's own text reads in, from its first letter (as HTML's dir="auto"), or
 * `otherwise` when it has none: "Next to the mosque, behind the school" keeps its comma in the
 * Arabic column too.
 */
export function ownDirection(text: string, otherwise: 'rtl' | 'ltr'): 'rtl' | 'ltr' {
  for (const ch of text) {
    const type = bidi.getBidiCharTypeName(ch);
    if (type === 'L') return 'ltr';
    if (type === 'R' || type === 'AL') return 'rtl';
  }
  return otherwise;
}

/**
 * Draws one line in a box: `dir` is the column's direction (which side the line starts on),
 * `order` the direction its text is ordered in (the column's, unless the text is someone's own).
 */
export function drawLine(
  doc: Doc,
  text: string,
  box: { x: number; y: number; width: number },
  dir: 'rtl' | 'ltr',
  align: 'start' | 'center',
  style: Style,
  order: 'rtl' | 'ltr' = dir,
): void {
  const runs = visualRuns(text, order, style.bold ?? false);
  const widths = runs.map((run) =>
    doc.font(run.font).fontSize(style.size).widthOfString(run.text, WHOLE_RUN),
  );
  const total = widths.reduce((a, b) => a + b, 0);
  let x =
    align === 'center' ? box.x + (box.width - total) / 2 : dir === 'rtl' ? box.x + box.width - total : box.x;
  doc.fillColor(style.color ?? '#000000');
  runs.forEach((run, i) => {
    doc
      .font(run.font)
      .fontSize(style.size)
      .text(run.text, x, box.y, { ...WHOLE_RUN, lineBreak: false });
    x += widths[i]!;
  });
}
