import { randomBytes } from 'node:crypto';

/**
 * A verification code: 125 random bits as 25 characters of Crockford's base 32 (no I, L, O or U), so
 * that someone typing it from paper cannot confuse 0 with O or 1 with l; printed in groups of five.
 * Certificates issued before carry 128 bits in base64url (22 characters) and keep them.
 */
const CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const CODE_LENGTH = 25;
const CODE_PATTERN = /^[0-9A-HJKMNP-TV-Z]{25}$/;
const EARLIER_CODE_PATTERN = /^[A-Za-z0-9_-]{22}$/;

export function newVerificationCode(): string {
  // 32 letters: the low five bits of a random byte are uniform.
  return [...randomBytes(CODE_LENGTH)].map((b) => CODE_ALPHABET[b & 31]).join('');
}

/**
 * A code as typed or scanned, in its stored form: any case, spaces and dashes, O read as 0 and I or
 * L as 1. An earlier code is case-sensitive and taken as it is. Null for anything else.
 */
export function canonicalCode(input: string): string | null {
  const raw = input.trim();
  if (EARLIER_CODE_PATTERN.test(raw)) return raw;
  const code = raw
    .toUpperCase()
    .replace(/[\s-]+/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
  return CODE_PATTERN.test(code) ? code : null;
}

/** A code as printed: in groups of five ("7KQ4M-9X2AB-…"); an earlier code as it is. */
export function printedCode(code: string): string {
  return CODE_PATTERN.test(code) ? (code.match(/.{5}/g) ?? [code]).join('-') : code;
}
