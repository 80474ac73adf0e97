/**
 * Server-side validation of one form field. Pure: `today` comes in as a local YYYY-MM-DD date.
 * Each rule turns what a person typed into the value stored with the application, or a problem
 * whose `key` is translated under `errors.field.` (e.g. "cprFormat").
 */
import {
  normaliseCpr,
  normaliseCr,
  normaliseEmail,
  normaliseIban,
  normaliseMobile,
  toAsciiDigits,
} from '../identifiers.js';
import { municipalityOfBlock } from '../municipalities.js';
import type { FieldDef } from '../types.js';

export interface FieldProblem {
  field: string;
  key: string;
  params?: Record<string, string | number>;
}

export interface AddressValue {
  flat: string;
  building: string;
  road: string;
  block: string;
  area: string;
  municipality: string;
}

export type FieldValue = string | number | string[] | AddressValue;

export interface RuleContext {
  today: string;
  /** Values of the other fields (already normalised), for date bounds that refer to a field. */
  values: Record<string, unknown>;
}

export type RuleResult =
  { ok: true; value: FieldValue | null } | { ok: false; problem: Omit<FieldProblem, 'field'> };

export const ADDRESS_PARTS = ['flat', 'building', 'road', 'block', 'area'] as const;

const ok = (value: FieldValue | null): RuleResult => ({ ok: true, value });
const bad = (key: string, params?: Record<string, string | number>): RuleResult => ({
  ok: false,
  problem: params ? { key, params } : { key },
});

function text(raw: unknown): string | null {
  if (raw === undefined || raw === null) return '';
  return typeof raw === 'string' ? raw : null;
}

function parseNumber(raw: string): number | null {
  const v = toAsciiDigits(raw)
    .replace(/[,\s٬]/g, '')
    .replace('٫', '.');
  return /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : null;
}

function isRealDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(value);
}

function bound(b: 'today' | { field: string } | undefined, ctx: RuleContext): string | null {
  if (!b) return null;
  if (b === 'today') return ctx.today;
  const other = ctx.values[b.field];
  return typeof other === 'string' && isRealDate(other) ? other : null;
}

function inRange(
  n: number,
  field: { min?: number | undefined; max?: number | undefined },
): RuleResult | null {
  if (field.min !== undefined && n < field.min) return bad('numberTooSmall', { min: field.min });
  if (field.max !== undefined && n > field.max) return bad('numberTooLarge', { max: field.max });
  return null;
}

/** Validates one field; `raw` is the submitted value (a string, an array for checkboxes, an object for addresses). */
export function checkField(field: FieldDef, raw: unknown, ctx: RuleContext): RuleResult {
  if (field.type === 'checkbox') {
    const list = raw === undefined || raw === null || raw === '' ? [] : Array.isArray(raw) ? raw : [raw];
    const chosen = list.filter((v): v is string => typeof v === 'string');
    const allowed = new Set(field.options.map((o) => o.value));
    if (chosen.length !== list.length || !chosen.every((v) => allowed.has(v))) return bad('invalidChoice');
    if (chosen.length === 0) return field.required ? bad('chooseAtLeastOne') : ok(null);
    return ok([...new Set(chosen)]);
  }
  if (field.type === 'address') return checkAddress(field, raw);
  if (field.type === 'file') return ok(null);

  const value = text(raw);
  if (value === null) return bad('duplicateField');
  const v = value.trim();
  if (v === '') {
    if (!field.required) return ok(null);
    return bad(['select', 'radio', 'yesno'].includes(field.type) ? 'chooseOne' : 'required');
  }
  switch (field.type) {
    case 'text':
    case 'longtext':
      return v.length > field.maxLength ? bad('tooLong', { max: field.maxLength }) : ok(v);
    case 'location':
      if (v.length < 10) return bad('locationTooShort', { min: 10 });
      return v.length > 500 ? bad('tooLong', { max: 500 }) : ok(v);
    case 'number': {
      const n = parseNumber(v);
      if (n === null) return bad('numberFormat');
      return inRange(n, field) ?? ok(n);
    }
    case 'money': {
      const n = parseNumber(v);
      if (n === null || n < 0) return bad('moneyFormat');
      if (Math.abs(Math.round(n * 1000) - n * 1000) > 1e-6) return bad('moneyDecimals');
      return inRange(n, field) ?? ok(n);
    }
    case 'date': {
      const d = toAsciiDigits(v);
      if (!isRealDate(d)) return bad('dateFormat');
      const notBefore = bound(field.notBefore, ctx);
      const notAfter = bound(field.notAfter, ctx);
      if (notBefore && d < notBefore)
        return bad(field.notBefore === 'today' ? 'dateInPast' : 'dateBefore', { date: notBefore });
      if (notAfter && d > notAfter)
        return bad(field.notAfter === 'today' ? 'dateInFuture' : 'dateAfter', { date: notAfter });
      return ok(d);
    }
    case 'select':
    case 'radio':
      return field.options.some((o) => o.value === v) ? ok(v) : bad('invalidChoice');
    case 'yesno':
      return v === 'yes' || v === 'no' ? ok(v) : bad('invalidChoice');
    case 'cpr':
      return ((c) => (c ? ok(c) : bad('cprFormat')))(normaliseCpr(v));
    case 'cr':
      return ((c) => (c ? ok(c) : bad('crFormat')))(normaliseCr(v));
    case 'mobile':
      return ((c) => (c ? ok(c) : bad('mobileFormat')))(normaliseMobile(v));
    case 'email':
      return ((c) => (c ? ok(c) : bad('emailFormat')))(normaliseEmail(v));
    case 'iban': {
      const checked = normaliseIban(v);
      if ('iban' in checked) return ok(checked.iban);
      return bad(checked.refused === 'format' ? 'ibanFormat' : 'ibanChecksum');
    }
  }
}

/** An address: building, road and block are needed; the block decides the municipality. */
function checkAddress(field: FieldDef, raw: unknown): RuleResult {
  const parts = (raw && typeof raw === 'object' && !Array.isArray(raw) ? raw : {}) as Record<string, unknown>;
  const values: Record<string, string> = {};
  for (const part of ADDRESS_PARTS) {
    const v = text(parts[part]);
    if (v === null) return bad('duplicateField');
    values[part] = toAsciiDigits(v).trim();
  }
  const { flat = '', building = '', road = '', block = '', area = '' } = values;
  if (!building && !road && !block && !flat && !area)
    return field.required ? bad('addressRequired') : ok(null);
  if (!/^\d{1,4}[A-Za-z]?$/.test(building)) return bad('addressBuilding');
  if (!/^\d{1,4}$/.test(road)) return bad('addressRoad');
  if (!/^\d{3,4}$/.test(block)) return bad('addressBlock');
  if (flat && !/^\d{1,4}[A-Za-z]?$/.test(flat)) return bad('addressFlat');
  if (area.length > 100) return bad('tooLong', { max: 100 });
  const municipality = municipalityOfBlock(Number(block));
  if (!municipality) return bad('addressUnknownBlock', { block });
  return ok({ flat, building, road, block, area, municipality });
}
