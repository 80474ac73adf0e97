/**
 * The load floor's replay of a workflow event's writes (decision 0016): the statements the portal
 * sent for one sample application, sent again verbatim for another application in the same state,
 * with the sample's id, version, municipality and service replaced by the other's.
 */

import { bahrainCalendar, localDate } from '../../workflows/calendar.js';
import { sliceOf } from '../../server/services/stats-counters.js';

/** What a recorded statement says about its application, to put another application in its place. */
export interface ApplicationKey {
  id: number;
  version: number;
  municipality: string;
  service_slug: string;
  /** The report counters' rows it adds to: its submission day, that day's slice of the month, the month. */
  periods: string[];
}

const calendar = bahrainCalendar();

/** The counter periods of an application submitted at `submittedAt` (as the portal keys them). */
export function periodsOf(submittedAt: unknown): string[] {
  if (submittedAt === null || submittedAt === undefined) return [];
  const at = typeof submittedAt === 'string' && /^\d+$/.test(submittedAt) ? Number(submittedAt) : submittedAt;
  const day = localDate(new Date(at as string | number | Date), calendar);
  return [day, sliceOf(day), day.slice(0, 7)];
}

export interface Statement {
  sql: string;
  bindings: unknown[];
}

/** `$1`-style placeholders (PostgreSQL's, as recorded) back to knex's `?`. */
export function knexSql(sql: string): string {
  return sql.includes('?') ? sql : sql.replace(/\$\d+/g, '?');
}

/**
 * The column each `?` of a knex statement is bound to (`column = ?`, `? as column`, or the column
 * list of an insert's values), and whether it is in the where clause.
 */
export function placeholders(sql: string): { column: string | null; inWhere: boolean }[] {
  const insert = /^\s*insert\s+into\s+\S+\s*\(([^)]*)\)\s*values\b/i.exec(sql);
  const insertColumns = insert?.[1]!.split(',').map((c) => c.trim().replace(/[`"]/g, ''));
  const where = sql.search(/\swhere\s/i);
  const found: { column: string | null; inWhere: boolean }[] = [];
  for (const m of sql.matchAll(/\?/g)) {
    const before = sql.slice(0, m.index);
    const after = sql.slice(m.index + 1);
    const column =
      /[`"]?(\w+)[`"]?\s*=\s*$/.exec(before)?.[1] ??
      /^\s+as\s+[`"]?(\w+)[`"]?/i.exec(after)?.[1] ??
      insertColumns?.[found.length % insertColumns.length] ??
      null;
    found.push({ column, inWhere: where !== -1 && m.index > where });
  }
  return found;
}

export function rowsOf(result: unknown): Record<string, unknown>[] {
  if (Array.isArray(result)) return result as Record<string, unknown>[];
  return (result as { rows?: Record<string, unknown>[] }).rows ?? [];
}

/** The application row among a read's rows (`select * from applications where id = ?`). */
export function applicationRow(result: unknown, id: number): ApplicationKey | undefined {
  const row = rowsOf(result).find((r) => Number(r.id) === id && 'version' in r && 'service_slug' in r);
  return row
    ? {
        id,
        version: Number(row.version),
        municipality: String(row.municipality),
        service_slug: String(row.service_slug),
        periods: periodsOf(row.submitted_at),
      }
    : undefined;
}

/** A recorded statement's bindings with the sample application's id, version, place, service and counter periods replaced by `row`'s. */
export function rebind(statement: Statement, sample: ApplicationKey, row: ApplicationKey): unknown[] {
  const columns = placeholders(statement.sql);
  return statement.bindings.map((value, i) => {
    const { column, inWhere } = columns[i] ?? { column: null, inWhere: false };
    switch (column) {
      case 'id':
      case 'application_id':
        return value === sample.id ? row.id : value;
      case 'version':
        if (inWhere) return value === sample.version ? row.version : value;
        return value === sample.version + 1 ? row.version + 1 : value;
      case 'municipality':
        return value === sample.municipality ? row.municipality : value;
      case 'service_slug':
        return value === sample.service_slug ? row.service_slug : value;
      case 'day': {
        const period = sample.periods.indexOf(value as string);
        return period === -1 ? value : (row.periods[period] ?? value);
      }
      default:
        return typeof value === 'string'
          ? value.replaceAll(`"applicationId":${sample.id}`, `"applicationId":${row.id}`)
          : value;
    }
  });
}
