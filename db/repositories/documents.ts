import type { Knex } from 'knex';
import { clientOf } from '../connection.js';

export interface DocumentRow {
  id: number;
  application_id: number;
  requirement_key: string;
  /** Random name of the file in UPLOAD_DIR; never derived from user input. */
  stored_name: string;
  /** The applicant's file name, sanitised; only ever shown back, never used as a path. */
  original_name: string;
  /** Detected from the file's bytes, never from its name or declared type. */
  media_type: string;
  size_bytes: number;
  sha256: string;
  uploaded_by: number;
  created_at: Date | string | number;
}

export type NewDocument = Omit<DocumentRow, 'id'>;

/** PostgreSQL returns bigint columns as strings; callers always get numbers. */
function normalise(row: DocumentRow): DocumentRow {
  return {
    ...row,
    id: Number(row.id),
    application_id: Number(row.application_id),
    size_bytes: Number(row.size_bytes),
    uploaded_by: Number(row.uploaded_by),
  };
}

export function documentsRepository(db: Knex) {
  return {
    /** Inserts in the caller's transaction and returns the stored rows, in input order. */
    async insertMany(trx: Knex, rows: NewDocument[]): Promise<DocumentRow[]> {
      if (rows.length === 0) return [];
      const inserted: DocumentRow[] = [];
      for (const row of rows) {
        const [created] = await trx('documents').insert(row).returning<DocumentRow[]>('*');
        if (!created) throw new Error('document insert returned no row');
        inserted.push(normalise(created));
      }
      return inserted;
    },

    async findById(id: number, trx: Knex = db): Promise<DocumentRow | undefined> {
      const row = await trx<DocumentRow>('documents').where({ id }).first();
      return row ? normalise(row) : undefined;
    },

    async listByApplication(applicationId: number, trx: Knex = db): Promise<DocumentRow[]> {
      const rows = await trx<DocumentRow>('documents').where({ application_id: applicationId }).orderBy('id');
      return rows.map(normalise);
    },

    /** How many files an application already holds for one requirement. */
    async countFor(applicationId: number, requirementKey: string, trx: Knex = db): Promise<number> {
      const [row] = await trx('documents')
        .where({ application_id: applicationId, requirement_key: requirementKey })
        .count<{ n: number | string }[]>({ n: '*' });
      return Number(row?.n ?? 0);
    },

    /**
     * Serialises uploads to one application for the rest of the transaction, so two requests
     * cannot both pass the file-count check. SQLite already serialises writers.
     */
    async lockApplication(trx: Knex.Transaction, applicationId: number): Promise<boolean> {
      const query = trx('applications').where({ id: applicationId }).first('id');
      const row: unknown = clientOf(db) === 'pg' ? await query.forUpdate() : await query;
      return row !== undefined;
    },

    /** Deletes one application's document; returns the deleted row, or undefined if none matched. */
    async deleteForApplication(
      trx: Knex,
      applicationId: number,
      documentId: number,
    ): Promise<DocumentRow | undefined> {
      const row = await trx<DocumentRow>('documents')
        .where({ id: documentId, application_id: applicationId })
        .first();
      if (!row) return undefined;
      const count = await trx('documents').where({ id: documentId, application_id: applicationId }).delete();
      return count === 1 ? normalise(row) : undefined;
    },

    /** Deletes the given documents of one application in the caller's transaction; returns how many. */
    async deleteMany(trx: Knex, applicationId: number, documentIds: number[]): Promise<number> {
      if (documentIds.length === 0) return 0;
      return trx('documents').where({ application_id: applicationId }).whereIn('id', documentIds).delete();
    },

    /** Every stored name, for finding files on disk that no row refers to. */
    async allStoredNames(trx: Knex = db): Promise<Set<string>> {
      const rows = await trx('documents').select<{ stored_name: string }[]>('stored_name');
      return new Set(rows.map((r) => r.stored_name));
    },
  };
}

export type DocumentsRepository = ReturnType<typeof documentsRepository>;
