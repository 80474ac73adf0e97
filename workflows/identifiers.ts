/**
 * Identifiers people type: personal number (CPR), commercial registration (CR), mobile and IBAN.
 * Each normaliser returns the canonical form or null when the input is not valid.
 * Arabic-Indic digits (٠١٢٣٤٥٦٧٨٩) are accepted and turned into ASCII digits.
 */

export function toAsciiDigits(value: string): string {
  return value
    .replace(/[\u0660-\u0669]/g, (d) => String(d.charCodeAt(0) - 0x0660))
    .replace(/[\u06f0-\u06f9]/g, (d) => String(d.charCodeAt(0) - 0x06f0));
}

function compact(value: string): string {
  return toAsciiDigits(value).replace(/[\s\u200e\u200f]/g, '');
}

/** A CPR is exactly 9 digits. */
export function normaliseCpr(value: string): string | null {
  const v = compact(value);
  return /^\d{9}$/.test(v) ? v : null;
}

/** A CR number is 1 to 8 digits, optionally a dash and a branch number of 1 to 4 digits. */
export function normaliseCr(value: string): string | null {
  const v = compact(value);
  const m = /^(\d{1,8})(?:[-/](\d{1,4}))?$/.exec(v);
  if (!m) return null;
  return m[2] ? `${m[1]}-${m[2]}` : (m[1] ?? null);
}

/** Bahraini mobile numbers: 8 digits starting with 3 or 6, with or without +973 / 00973. */
export function normaliseMobile(value: string): string | null {
  const v = compact(value).replace(/[-()]/g, '');
  const m = /^(?:\+973|00973)?([36]\d{7})$/.exec(v);
  return m ? `+973${m[1]}` : null;
}

/** A stored mobile (+973XXXXXXXX) as the person types it: its 8 digits. Anything else as it is. */
export function localMobile(value: string | null | undefined): string {
  const v = value ?? '';
  return /^\+973\d{8}$/.test(v) ? v.slice(4) : v;
}

/** A stored mobile for reading: "+973 3600 1234". Anything else as it is. */
export function displayMobile(value: string | null | undefined): string {
  const v = value ?? '';
  const m = /^\+973(\d{4})(\d{4})$/.exec(v);
  return m ? `+973 ${m[1]} ${m[2]}` : v;
}

/**
 * A Bahraini IBAN (ISO 13616): "BH", two check digits, a four-letter bank code and 14 letters or
 * digits, 22 characters in all; spaces and lower case are accepted. The check digits must agree
 * (mod 97 = 1), which catches a mistyped or swapped character before money is paid to it.
 * Returns the compact upper-case form, or why it is refused: not shaped like one, or check digits
 * that do not match.
 */
export function normaliseIban(value: string): { iban: string } | { refused: 'format' | 'checksum' } {
  const v = compact(value).replace(/-/g, '').toUpperCase();
  if (!/^BH\d{2}[A-Z]{4}[A-Z0-9]{14}$/.test(v)) return { refused: 'format' };
  const rearranged = v.slice(4) + v.slice(0, 4);
  let remainder = 0;
  for (const ch of rearranged) {
    const n = ch >= 'A' ? ch.charCodeAt(0) - 55 : Number(ch);
    remainder = (remainder * (n > 9 ? 100 : 10) + n) % 97;
  }
  return remainder === 1 ? { iban: v } : { refused: 'checksum' };
}

/** A pragmatic e-mail check (one @, a dot in the domain, no spaces), lower-cased. */
export function normaliseEmail(value: string): string | null {
  const v = value.trim().toLowerCase();
  if (v.length > 254) return null;
  return /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/.test(v) ? v : null;
}
