import type { Localized } from './types.js';

/** The four municipalities: the capital secretariat and the three municipalities. */
export const MUNICIPALITIES = [
  { code: 'capital', name: { ar: 'أمانة العاصمة', en: 'Capital Municipality' } },
  { code: 'muharraq', name: { ar: 'بلدية المحرق', en: 'Muharraq Municipality' } },
  { code: 'northern', name: { ar: 'بلدية المنطقة الشمالية', en: 'Northern Municipality' } },
  { code: 'southern', name: { ar: 'بلدية المنطقة الجنوبية', en: 'Southern Municipality' } },
] as const satisfies readonly { code: string; name: Localized }[];

export type MunicipalityCode = (typeof MUNICIPALITIES)[number]['code'];

export const MUNICIPALITY_CODES: MunicipalityCode[] = MUNICIPALITIES.map((m) => m.code);

export function isMunicipalityCode(value: unknown): value is MunicipalityCode {
  return typeof value === 'string' && (MUNICIPALITY_CODES as string[]).includes(value);
}

export function municipalityName(code: MunicipalityCode): Localized {
  const found = MUNICIPALITIES.find((m) => m.code === code);
  if (!found) throw new Error(`Unknown municipality ${code}`);
  return found.name;
}

/**
 * Blocks (the third part of an address) belong to exactly one municipality; an application is
 * routed to the municipality of the block it concerns. Ranges are inclusive.
 */
const BLOCK_RANGES: readonly { from: number; to: number; municipality: MunicipalityCode }[] = [
  { from: 101, to: 299, municipality: 'muharraq' },
  { from: 301, to: 399, municipality: 'capital' },
  { from: 601, to: 699, municipality: 'capital' },
  { from: 401, to: 599, municipality: 'northern' },
  { from: 1001, to: 1299, municipality: 'northern' },
  { from: 701, to: 999, municipality: 'southern' },
  { from: 1301, to: 1399, municipality: 'southern' },
];

/** The municipality a block belongs to, or null when no municipality has that block. */
export function municipalityOfBlock(block: number): MunicipalityCode | null {
  if (!Number.isInteger(block)) return null;
  return BLOCK_RANGES.find((r) => block >= r.from && block <= r.to)?.municipality ?? null;
}

/** Staff roles; one role per staff account, scoped to a municipality (admins may be national). */
export const STAFF_ROLES = ['reviewer', 'supervisor', 'counter', 'admin'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];
