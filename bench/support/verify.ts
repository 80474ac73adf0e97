import fs from 'node:fs/promises';
import path from 'node:path';
import type { Knex } from 'knex';
import { clientOf } from '../../db/connection.js';
import type { ApplicationRow } from '../../db/repositories/applications.js';
import type { DocumentRow } from '../../db/repositories/documents.js';
import { listOrphanFiles } from '../../server/services/orphan-files.js';
import { sha256, type UploadedDocument } from './portal-flow.js';

/** The checks the durability script runs on the data a crashed and restarted portal left. */

export interface Acknowledged {
  reference: string;
  applicationId: number;
  documents: UploadedDocument[];
}

export interface Verdict {
  /** Acknowledged submissions missing, not submitted, or with missing or damaged documents. */
  losses: string[];
  /** Inconsistencies that are not a lost acknowledgement (half-applied events, rows without files). */
  inconsistencies: string[];
  integrity: string;
  orphans: { name: string; size: number; mtime: Date }[];
  applications: number;
  submitted: number;
  documents: number;
}

/** `PRAGMA integrity_check` and `foreign_key_check` on SQLite; amcheck on PostgreSQL when present. */
async function integrityCheck(db: Knex): Promise<string> {
  if (clientOf(db) === 'sqlite') {
    const rows = await db.raw<{ integrity_check: string }[]>('PRAGMA integrity_check');
    const result = rows.map((r) => r.integrity_check).join('; ');
    const fk = await db.raw<unknown[]>('PRAGMA foreign_key_check');
    return fk.length === 0 ? result : `${result}; ${fk.length} foreign key violations`;
  }
  try {
    await db.raw('create extension if not exists amcheck');
  } catch {
    return 'ok (amcheck not available: PostgreSQL checked by its own recovery only)';
  }
  const indexes = await db.raw<{ rows: { oid: number; relname: string }[] }>(
    `select c.oid::int as oid, c.relname from pg_index i join pg_class c on c.oid = i.indexrelid
     join pg_namespace n on n.oid = c.relnamespace join pg_am a on a.oid = c.relam
     where n.nspname = 'public' and a.amname = 'btree'`,
  );
  for (const index of indexes.rows) {
    try {
      await db.raw('select bt_index_check(?::regclass, true)', [index.oid]);
    } catch (err) {
      return `index ${index.relname}: ${(err as Error).message}`;
    }
  }
  return `ok (amcheck: ${indexes.rows.length} btree indexes with heap check)`;
}

async function fileProblem(uploadDir: string, row: DocumentRow): Promise<string | undefined> {
  let data: Buffer;
  try {
    data = await fs.readFile(path.join(uploadDir, row.stored_name));
  } catch (err) {
    return `document ${row.id}: file ${row.stored_name} ${(err as NodeJS.ErrnoException).code ?? 'unreadable'}`;
  }
  if (data.length !== Number(row.size_bytes))
    return `document ${row.id}: ${data.length} bytes on disk, ${row.size_bytes} recorded`;
  if (sha256(data) !== row.sha256) return `document ${row.id}: sha256 of the file differs from the row`;
  return undefined;
}

export async function verifyPortalData(
  db: Knex,
  uploadDir: string,
  acknowledged: Acknowledged[],
): Promise<Verdict> {
  const losses: string[] = [];
  const inconsistencies: string[] = [];

  const applications = await db<ApplicationRow>('applications').select(
    'id',
    'reference',
    'state',
    'status',
    'submitted_at',
  );
  const documents = (await db<DocumentRow>('documents').select('*')).map((d) => ({
    ...d,
    id: Number(d.id),
    application_id: Number(d.application_id),
  }));
  const submitEvents = new Set(
    (
      await db('application_events')
        .where({ event: 'SUBMIT' })
        .select<{ application_id: number }[]>('application_id')
    ).map((e) => Number(e.application_id)),
  );
  const byReference = new Map(applications.filter((a) => a.reference).map((a) => [a.reference!, a]));
  const docsOf = new Map<number, DocumentRow[]>();
  for (const d of documents) docsOf.set(d.application_id, [...(docsOf.get(d.application_id) ?? []), d]);

  // 1. Every acknowledged submission, as the applicant was told.
  for (const ack of acknowledged) {
    const app = byReference.get(ack.reference);
    if (!app) {
      losses.push(`${ack.reference} (application ${ack.applicationId}): not in the database`);
      continue;
    }
    if (Number(app.id) !== ack.applicationId)
      losses.push(`${ack.reference}: belongs to application ${app.id}, not ${ack.applicationId}`);
    if (app.status === 'draft' || app.state === 'draft' || !app.submitted_at)
      losses.push(`${ack.reference}: status ${app.status}, state ${app.state}`);
    if (!submitEvents.has(Number(app.id))) losses.push(`${ack.reference}: no SUBMIT audit event`);
    const rows = docsOf.get(Number(app.id)) ?? [];
    const stored = rows.map((r) => `${r.requirement_key}:${r.sha256}`).sort();
    const sent = ack.documents.map((d) => `${d.requirement}:${d.sha256}`).sort();
    if (stored.join() !== sent.join())
      losses.push(
        `${ack.reference}: ${rows.length} document rows, ${sent.length} uploaded (or contents differ)`,
      );
  }

  // 2. Every committed document row has its file, whole (acknowledged or not).
  for (const row of documents) {
    const problem = await fileProblem(uploadDir, row);
    if (!problem) continue;
    const owner = applications.find((a) => Number(a.id) === row.application_id);
    const acked = owner?.reference && acknowledged.some((a) => a.reference === owner.reference);
    (acked ? losses : inconsistencies).push(problem);
  }

  // 3. Events are all-or-nothing: a submitted application has its reference and audit row, a draft has neither.
  for (const app of applications) {
    const submitted = app.status !== 'draft';
    const hasEvent = submitEvents.has(Number(app.id));
    if (submitted && (!app.reference || !hasEvent || !app.submitted_at))
      inconsistencies.push(
        `application ${app.id}: ${app.status} without reference, submitted_at or SUBMIT event`,
      );
    if (!submitted && (app.reference || hasEvent))
      inconsistencies.push(`application ${app.id}: draft with a reference or a SUBMIT event`);
  }

  const orphanNames = await listOrphanFiles({ db, uploadDir });
  const orphans = await Promise.all(
    orphanNames.map(async (name) => {
      const stat = await fs.stat(path.join(uploadDir, name));
      return { name, size: stat.size, mtime: stat.mtime };
    }),
  );

  return {
    losses,
    inconsistencies,
    integrity: await integrityCheck(db),
    orphans,
    applications: applications.length,
    submitted: applications.filter((a) => a.status !== 'draft').length,
    documents: documents.length,
  };
}
