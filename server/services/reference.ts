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
