/**
 * A date question asked as three boxes, day, month and year (decision 0024), and stored as the
 * `YYYY-MM-DD` the rules check. The browser's own date input shows its install's order and language
 * (mm/dd/yyyy on an English browser, on an Arabic page, in Bahrain); three boxes read the same
 * everywhere and take Arabic-Indic digits.
 */
import { toAsciiDigits } from '../identifiers.js';

export const DATE_PARTS = ['day', 'month', 'year'] as const;
export type DateParts = Record<(typeof DATE_PARTS)[number], string>;

/**
 * The answer the three boxes give: `YYYY-MM-DD` (a day or month of one digit gets its zero), '' when
 * all three are empty, and otherwise a string the rules refuse as not a real date. A box sent twice
 * stays an array, which the rules refuse as a duplicate field. Hyphens typed into a box are dropped, so
 * the boxes can be shown again from the answer (`partsOfDate`).
 */
export function dateFromParts(parts: Record<string, unknown>): unknown {
  const values = DATE_PARTS.map((part) => parts[part]);
  const duplicate = values.find((v) => Array.isArray(v));
  if (duplicate !== undefined) return duplicate;
  const [day, month, year] = values.map((v) =>
    typeof v === 'string' ? toAsciiDigits(v).replace(/[-\s]/g, '') : '',
  ) as [string, string, string];
  if (!day && !month && !year) return '';
  const two = (v: string) => (/^\d$/.test(v) ? `0${v}` : v);
  return `${year}-${two(month)}-${two(day)}`;
}

/** The boxes of a stored or submitted answer, to show the form again. */
export function partsOfDate(value: unknown): DateParts {
  const [year = '', month = '', day = ''] = typeof value === 'string' && value ? value.split('-') : [];
  return { day, month, year };
}
