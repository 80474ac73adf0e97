/** A certificate's terms: how long it is valid, and how the holder's name shows to someone verifying it. */

/**
 * How long a certificate is valid, in months, where the default of a year is too long: a
 * residence certificate vouches for where someone lives now, a fees clearance for a balance on
 * the day it was issued.
 */
export const VALIDITY_MONTHS: Readonly<Record<string, number>> = {
  'residence-certificate': 3,
  'fees-clearance-certificate': 1,
};
export const DEFAULT_VALIDITY_MONTHS = 12;
/** The same calendar day `months` later (the last day of the month when that day does not exist). */
export function addMonths(date: Date, months: number): Date {
  const result = new Date(date.getTime());
  const day = result.getUTCDate();
  result.setUTCDate(1);
  result.setUTCMonth(result.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(result.getUTCFullYear(), result.getUTCMonth() + 1, 0)).getUTCDate();
  result.setUTCDate(Math.min(day, lastDay));
  return result;
}

/** "Huda Salman" → "H*** S***": the initials to compare with an identity card, not the name. */
export function maskName(name: string): string {
  return name
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .map((word) => `${[...word][0] ?? ''}***`)
    .join(' ');
}
