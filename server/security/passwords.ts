import argon2 from 'argon2';

/** OWASP ASVS 5.0 11.4.2: argon2id with at least 19 MiB of memory and 2 iterations. */
export const ARGON2_PARAMS = {
  type: argon2.argon2id,
  memoryCost: 19456,
  timeCost: 2,
  parallelism: 1,
} as const;

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, ARGON2_PARAMS);
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

let dummyHash: Promise<string> | undefined;

/** Spends the same time as a real check, so an unknown account cannot be told by timing. */
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummyHash ??= hashPassword('dummy-password-for-timing-equalisation');
  await verifyPassword(await dummyHash, password);
  return false;
}

/** Passwords seen most often in breaches (ASVS 6.2.4 asks for a check against such a list). */
const COMMON_PASSWORDS = new Set(
  [
    '123456789012',
    '1234567890123',
    'password1234',
    'password12345',
    'passwordpassword',
    'qwertyuiopas',
    'qwerty123456',
    '111111111111',
    '000000000000',
    'aaaaaaaaaaaa',
    'abc123456789',
    'iloveyou1234',
    'welcome12345',
    'administrator',
    'letmein12345',
    'password123!',
    'Password123!',
    'P@ssw0rd1234',
    'qwertyqwerty',
    '1q2w3e4r5t6y',
    'zaq12wsxcde3',
    'abcdefghijkl',
    'monkey123456',
    'dragon123456',
    'football1234',
    'baseball1234',
    'sunshine1234',
    'princess1234',
    'bahrain12345',
    'bahrain2026!',
    'manama123456',
    'changeme1234',
    'trustno1trustno1',
    '123123123123',
    '987654321098',
    'asdfghjklasd',
    'q1w2e3r4t5y6',
    'passw0rd1234',
    'welcome2026!',
    'Welcome12345',
  ].map((p) => p.toLowerCase()),
);

export function isCommonPassword(password: string): boolean {
  const lower = password.toLowerCase();
  if (COMMON_PASSWORDS.has(lower)) return true;
  // One character repeated, or a straight run of digits or letters.
  if (/^(.)\1+$/.test(lower)) return true;
  const run = '01234567890123456789abcdefghijklmnopqrstuvwxyz';
  return lower.length >= 12 && run.includes(lower);
}
