import { randomInt } from 'node:crypto';

/** Letters and digits that cannot be mistaken for one another (no 0/O, 1/I/L). */
export const REFERENCE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

/** The initials of a service slug: residence-certificate → RC. */
export function servicePrefix(slug: string): string {
  return slug
    .split('-')
    .map((w) => w[0] ?? '')
    .join('')
    .toUpperCase()
    .slice(0, 4);
}

/** A reference number such as RC-2026-7KQ4M9: service prefix, year, six unambiguous characters. */
export function newReference(slug: string, year: number): string {
  let code = '';
  for (let i = 0; i < 6; i++) code += REFERENCE_ALPHABET[randomInt(REFERENCE_ALPHABET.length)];
  return `${servicePrefix(slug)}-${year}-${code}`;
}

/** Reads a reference as typed (any case, with or without spaces and dashes) into its stored form. */
export function normaliseReference(value: string): string | null {
  const v = value
    .trim()
    .toUpperCase()
    .replace(/[\s-]+/g, '');
  const m = /^([A-Z]{1,4}?)(\d{4})([2-9A-HJKMNP-Z]{6})$/.exec(v);
  return m ? `${m[1]}-${m[2]}-${m[3]}` : null;
}

/**
 * The references a reference's last part alone may belong to ("m6vcea", or "2026-M6VCEA", as read
 * out on the phone): each service's prefix with the year given, or with this year and the two
 * before. Null when the text is not such a part.
 */
export function referencesEndingWith(value: string, slugs: string[], thisYear: number): string[] | null {
  const v = value.trim().toUpperCase().replace(/\s+/g, '');
  const m = /^(?:(\d{4})-?)?([2-9A-HJKMNP-Z]{6})$/.exec(v);
  if (!m) return null;
  const years = m[1] ? [Number(m[1])] : [thisYear, thisYear - 1, thisYear - 2];
  const prefixes = [...new Set(slugs.map(servicePrefix))];
  return prefixes.flatMap((p) => years.map((y) => `${p}-${y}-${m[2]}`));
}
