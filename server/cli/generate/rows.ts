import type { Knex } from 'knex';
import { clientOf } from '../../../db/connection.js';
import { REFERENCE_ALPHABET } from '../../services/reference.js';
import { BATCH } from './shape.js';
import type { Rng } from './random.js';

/** Rows: column lists, multi-row inserts, the progress bar and reference numbers. (Part of server/cli/generate-applications.ts.) */

// ---------------------------------------------------------------------------------------------
// Rows
// ---------------------------------------------------------------------------------------------

export const APPLICATION_COLUMNS = (
  'id reference service_slug service_version applicant_id created_by channel municipality department ' +
  'state status snapshot form_data outcome assigned_to sla_due_at escalated submitted_at decided_at ' +
  'created_at updated_at version in_queue queue_due_at waiting_since waited_ms'
).split(' ');
export const EVENT_COLUMNS =
  'application_id actor_id actor_role event from_state to_state from_status to_status comment payload created_at'.split(
    ' ',
  );
export const DEADLINE_COLUMNS = ['application_id', 'key', 'event', 'due_at', 'created_at'];
export const USER_COLUMNS =
  'id kind cpr cr name email mobile password_hash preferred_lang role municipality department created_at updated_at'.split(
    ' ',
  );

export type Row = unknown[];

/** Multi-row INSERT … VALUES, values in column order (knex's SQLite builder would use UNION ALL). */
export async function insertRows(trx: Knex, table: string, columns: string[], rows: Row[]): Promise<void> {
  if (rows.length === 0) return;
  const tuple = `(${columns.map(() => '?').join(',')})`;
  await trx.raw(
    `insert into ${table} (${columns.join(',')}) values ${rows.map(() => tuple).join(',')}`,
    rows.flat() as Knex.RawBinding[],
  );
}

/** Inserts in statements of BATCH rows. */
export async function insertAll(trx: Knex, table: string, columns: string[], rows: Row[]): Promise<void> {
  for (let i = 0; i < rows.length; i += BATCH)
    await insertRows(trx, table, columns, rows.slice(i, i + BATCH));
}

/** A simple text progress bar on stderr, redrawn in place. */
export class ProgressBar {
  private readonly started = Date.now();
  private last = 0;
  private readonly tty = Boolean(process.stderr.isTTY);
  constructor(
    private readonly total: number,
    private readonly label: string,
    private readonly quiet = false,
  ) {}
  update(done: number, force = false): void {
    const now = Date.now();
    if (this.quiet || (!force && now - this.last < (this.tty ? 200 : 5000))) return;
    this.last = now;
    const share = this.total ? done / this.total : 1;
    const width = 30;
    const filled = Math.round(share * width);
    const elapsed = (now - this.started) / 1000;
    const rate = elapsed > 0 ? done / elapsed : 0;
    const eta = rate > 0 ? (this.total - done) / rate : 0;
    const line =
      `${this.label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(share * 100).toFixed(1).padStart(5)}%` +
      `  ${done.toLocaleString('en')}/${this.total.toLocaleString('en')}` +
      `  ${Math.round(rate).toLocaleString('en')}/s  ${done >= this.total ? 'took' : 'ETA'} ${clockTime(done >= this.total ? elapsed : eta)}`;
    process.stderr.write(this.tty ? `\r${line}\x1b[K` : `${line}\n`);
  }
  finish(): void {
    this.update(this.total, true);
    if (this.tty && !this.quiet) process.stderr.write('\n');
  }
}

export function clockTime(seconds: number): string {
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${h > 0 ? `${h}:` : ''}${String(m).padStart(h > 0 ? 2 : 1, '0')}:${String(s % 60).padStart(2, '0')}`;
}

/** Unique reference numbers in the portal's format; those already in the database are avoided. */
export async function referenceDrawer(db: Knex, rng: Rng): Promise<(prefix: string, year: string) => string> {
  const used = new Set(await db('applications').whereNotNull('reference').pluck<string[]>('reference'));
  return (prefix, year) => {
    for (;;) {
      let code = '';
      for (let i = 0; i < 6; i++) code += REFERENCE_ALPHABET[Math.floor(rng() * REFERENCE_ALPHABET.length)];
      const reference = `${prefix}-${year}-${code}`;
      if (!used.has(reference)) {
        used.add(reference);
        return reference;
      }
    }
  };
}

/** One transaction per chunk: its applications, their audit rows and their open deadlines. */
export async function writeChunk(db: Knex, apps: Row[], audit: Row[], deadlines: Row[]): Promise<void> {
  await db.transaction(async (trx) => {
    // A bulk load: a crash loses at most the last chunks, never consistency.
    if (clientOf(db) === 'pg') await trx.raw('set local synchronous_commit = off');
    await insertAll(trx, 'applications', APPLICATION_COLUMNS, apps);
    await insertAll(trx, 'application_events', EVENT_COLUMNS, audit);
    await insertAll(trx, 'deadlines', DEADLINE_COLUMNS, deadlines);
  });
}
