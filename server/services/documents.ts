import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Knex } from 'knex';
import { documentsRepository, type DocumentRow, type NewDocument } from '../../db/repositories/documents.js';
import type { Config } from '../config.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import { publicDir } from '../paths.js';
import type { MalwareScanner } from './malware-scanner.js';
import { isInside, removeQuietly, syncDirectory, writeDurably } from './durable-files.js';
import {
  screenFiles,
  type ScreenedFile,
  type ScreenInput,
  type ScreenResult,
  type Refusal,
} from './document-screening.js';
import { EXTENSIONS, MEDIA_TYPES, sanitiseFileName, STORED_NAME } from './document-types.js';

export type { DocumentRow } from '../../db/repositories/documents.js';
export type {
  IncomingFile,
  Refusal,
  RefusalCode,
  ScreenedFile,
  ScreenInput,
  ScreenResult,
} from './document-screening.js';

export interface AcceptInput extends Omit<ScreenInput, 'applicationId'> {
  applicationId: number;
}

export type AcceptResult = { ok: true; documents: DocumentRow[] } | Refusal;

/** Files written to UPLOAD_DIR and the rows that will record them (without their application). */
export interface WrittenFiles {
  paths: string[];
  rows: Omit<NewDocument, 'application_id'>[];
  /** Each requirement's file limit, checked again when the rows are recorded. */
  maxFiles: Record<string, number>;
}

export interface DownloadableDocument {
  id: number;
  applicationId: number;
  path: string;
  mediaType: string;
  originalName: string;
  sizeBytes: number;
  sha256: string;
}

export interface DocumentsDependencies {
  db: Knex;
  config: Pick<Config, 'uploadDir'>;
  clock: Clock;
  scanner: MalwareScanner;
  logger?: Logger;
}

/** Uploading, listing, removing and serving an application's documents. */
export function documentsService(deps: DocumentsDependencies) {
  const { db, clock, scanner, logger } = deps;
  const uploadDir = path.resolve(deps.config.uploadDir);
  if (isInside(uploadDir, publicDir) || isInside(publicDir, uploadDir)) {
    throw new Error(`UPLOAD_DIR (${uploadDir}) must be outside the public directory`);
  }
  const repo = documentsRepository(db);

  function pathOf(storedName: string): string {
    if (!STORED_NAME.test(storedName)) throw new Error('refusing a stored name of unexpected shape');
    return path.join(uploadDir, storedName);
  }

  /**
   * Writes a file into UPLOAD_DIR, making the directory only when it is missing (the first upload
   * of a new installation, or one whose directory was removed), not before every file.
   */
  async function writeInUploadDir(target: string, data: Buffer): Promise<void> {
    try {
      await writeDurably(target, data);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      await fs.mkdir(uploadDir, { recursive: true, mode: 0o700 });
      await writeDurably(target, data);
    }
  }

  /** Checks files for one requirement without writing anything (`screenFiles`). */
  function screen(input: ScreenInput): Promise<ScreenResult> {
    return screenFiles({ scanner, logger }, input);
  }

  /**
   * Writes screened files under generated names, durably (each file, then the directory). Nothing
   * refers to them until `record` runs in a transaction; whoever writes them discards them if that
   * transaction does not commit.
   */
  async function write(files: ScreenedFile[], uploadedBy: number): Promise<WrittenFiles> {
    const written: WrittenFiles = { paths: [], rows: [], maxFiles: {} };
    if (files.length === 0) return written;
    const now = clock.now();
    try {
      for (const file of files) {
        const storedName = `${randomBytes(16).toString('hex')}.${EXTENSIONS[file.type]}`;
        const target = pathOf(storedName);
        await writeInUploadDir(target, file.buffer);
        written.paths.push(target);
        written.maxFiles[file.requirement.key] = file.requirement.maxFiles;
        written.rows.push({
          requirement_key: file.requirement.key,
          stored_name: storedName,
          original_name: sanitiseFileName(file.originalName, EXTENSIONS[file.type]),
          media_type: MEDIA_TYPES[file.type],
          size_bytes: file.buffer.length,
          sha256: createHash('sha256').update(file.buffer).digest('hex'),
          uploaded_by: uploadedBy,
          created_at: now,
        });
      }
      await syncDirectory(uploadDir);
    } catch (err) {
      await discard(written.paths);
      throw err;
    }
    return written;
  }

  /**
   * Records written files as the application's documents in the caller's transaction, counting
   * again under the application's lock: 'too_many' when another upload got there first. An
   * application made in this same transaction (`madeNow`: a draft made by its first page) is seen
   * by no other request until it commits, and its files were screened against none stored, so it
   * is neither locked nor counted again.
   */
  async function record(
    trx: Knex.Transaction,
    applicationId: number,
    written: WrittenFiles,
    options: { madeNow?: boolean } = {},
  ): Promise<DocumentRow[] | 'too_many'> {
    if (written.rows.length === 0) return [];
    if (!options.madeNow) {
      if (!(await repo.lockApplication(trx, applicationId))) {
        throw new Error(`application ${applicationId} does not exist`);
      }
      for (const [key, maxFiles] of Object.entries(written.maxFiles)) {
        const adding = written.rows.filter((r) => r.requirement_key === key).length;
        if ((await repo.countFor(applicationId, key, trx)) + adding > maxFiles) return 'too_many';
      }
    }
    return repo.insertMany(
      trx,
      written.rows.map((row) => ({ ...row, application_id: applicationId })),
    );
  }

  /** Screens, writes and records one requirement's files (the documents page's upload). */
  async function accept(input: AcceptInput): Promise<AcceptResult> {
    const screened = await screen(input);
    if (!screened.ok) return screened;
    if (screened.files.length === 0) return { ok: true, documents: [] };
    const written = await write(screened.files, input.uploadedBy);
    try {
      const outcome = await db.transaction((trx) => record(trx, input.applicationId, written));
      if (outcome === 'too_many') {
        await discard(written.paths);
        return { ok: false, status: 413, code: 'too_many' };
      }
      return { ok: true, documents: outcome };
    } catch (err) {
      // No orphans: whatever was written for a refused or failed upload goes again.
      await discard(written.paths);
      throw err;
    }
  }

  async function discard(files: string[]): Promise<void> {
    if (files.length === 0) return;
    const left = await removeQuietly(files);
    if (left.length > 0) {
      logger?.error({ files: left.map((f) => path.basename(f)) }, 'could not remove uploaded files');
    }
    await syncDirectory(uploadDir).catch(() => undefined);
  }

  async function list(applicationId: number): Promise<DocumentRow[]> {
    return repo.listByApplication(applicationId);
  }

  /**
   * Deletes the row, then the file. If the file cannot be removed it is left as an orphan
   * (found by listOrphanFiles) rather than leaving a row that points at nothing.
   */
  async function remove(applicationId: number, documentId: number): Promise<boolean> {
    const deleted = await db.transaction((trx) => repo.deleteForApplication(trx, applicationId, documentId));
    if (!deleted) return false;
    const left = await removeQuietly([pathOf(deleted.stored_name)]);
    if (left.length > 0) {
      logger?.error(
        { documentId, storedName: deleted.stored_name },
        'document row deleted, file not removed',
      );
    } else {
      await syncDirectory(uploadDir).catch(() => undefined);
    }
    return true;
  }

  /**
   * Deletes documents' rows in the caller's transaction and returns their files' paths, to be
   * removed with `discard` once it commits (an orphan left by a crash between is swept later).
   */
  async function deleteRows(trx: Knex, applicationId: number, documents: DocumentRow[]): Promise<string[]> {
    await repo.deleteMany(
      trx,
      applicationId,
      documents.map((d) => d.id),
    );
    return documents.map((d) => pathOf(d.stored_name));
  }

  /**
   * What a download needs. Give `applicationId` to require that the document belongs to it
   * (the route has already checked the person may see that application).
   */
  async function openForDownload(
    documentId: number,
    applicationId?: number,
  ): Promise<DownloadableDocument | undefined> {
    const row = await repo.findById(documentId);
    if (!row) return undefined;
    if (applicationId !== undefined && row.application_id !== applicationId) return undefined;
    return {
      id: row.id,
      applicationId: row.application_id,
      path: pathOf(row.stored_name),
      mediaType: row.media_type,
      originalName: row.original_name,
      sizeBytes: row.size_bytes,
      sha256: row.sha256,
    };
  }

  /** Stored files for one requirement of an application (for `existingCount`). */
  async function countFor(applicationId: number, requirementKey: string): Promise<number> {
    return repo.countFor(applicationId, requirementKey);
  }

  return {
    accept,
    screen,
    write,
    record,
    discard,
    list,
    remove,
    deleteRows,
    openForDownload,
    countFor,
    uploadDir,
  };
}

export type DocumentsService = ReturnType<typeof documentsService>;
