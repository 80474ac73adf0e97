import type { Knex } from 'knex';
import type { FieldProblem } from '../../workflows/form/field-rules.js';
import { isShown, type Answers } from '../../workflows/form/form.js';
import type { ServiceDefinition } from '../../workflows/types.js';
import type { DocumentRequirement } from '../../workflows/schema/service.js';
import type { DocumentsService, IncomingFile, RefusalCode, ScreenedFile } from './documents.js';

/**
 * Files sent with a form page (docs/decisions/0012): the page's own form carries its file fields,
 * so answers and documents are saved by one request. Every file is screened before anything is
 * stored; a refusal, or a mistake in the answers, stores nothing at all.
 */

/** The files chosen in one file field of the page, and the stored ones ticked "Remove" under it. */
export interface PageFile {
  field: string;
  requirement: DocumentRequirement;
  files: IncomingFile[];
  /** Ids of stored documents to drop with this page (docs/decisions/0020). */
  remove: number[];
}

export interface PageFiles {
  /** Who uploads them: the applicant, or counter staff registering for someone (assisted intake). */
  by: number;
  entries: PageFile[];
}

export type DocumentsForPages = Pick<DocumentsService, 'screen' | 'write' | 'record' | 'discard'>;

/** What the form runner does with documents: a page's files, and counting and dropping stored ones. */
export type DocumentsForForms = DocumentsForPages & Pick<DocumentsService, 'list' | 'deleteRows'>;

/** The form error (`errors.field.*`) for each way a file is refused. */
export const REFUSAL_PROBLEM: Record<RefusalCode, string> = {
  too_large: 'fileTooLarge',
  too_many: 'fileTooMany',
  type_not_allowed: 'fileType',
  infected: 'fileInfected',
  scanner_unavailable: 'fileScannerUnavailable',
};

export type ScreenedPage =
  | { ok: true; screened: ScreenedFile[]; counts: Record<string, number>; chosen: string[] }
  | { ok: false; status: number; problems: FieldProblem[] };

function refusalProblem(entry: PageFile, code: RefusalCode): FieldProblem {
  const { requirement } = entry;
  return {
    field: entry.field,
    key: REFUSAL_PROBLEM[code],
    params: {
      maxSizeMb: requirement.maxSizeMb,
      maxFiles: requirement.maxFiles,
      types: requirement.types.map((t) => t.toUpperCase()).join(', '),
    },
  };
}

/**
 * Screens every chosen file against its requirement (count with those already stored, size,
 * malware, type). `counts` is what the application would hold with them, for the page's
 * required-document check; `chosen` the fields that had files.
 */
export async function screenPageFiles(
  documents: DocumentsForPages,
  applicationId: number | null,
  stored: Record<string, number>,
  files: PageFiles | undefined,
): Promise<ScreenedPage> {
  const counts = { ...stored };
  const screened: ScreenedFile[] = [];
  const chosen: string[] = [];
  for (const entry of files?.entries ?? []) {
    if (entry.files.length === 0) continue;
    const key = entry.requirement.key;
    const result = await documents.screen({
      applicationId,
      requirement: entry.requirement,
      files: entry.files,
      existingCount: counts[key] ?? 0,
      uploadedBy: files!.by,
    });
    if (!result.ok)
      return { ok: false, status: result.status, problems: [refusalProblem(entry, result.code)] };
    screened.push(...result.files);
    counts[key] = (counts[key] ?? 0) + entry.files.length;
    chosen.push(entry.field);
  }
  return { ok: true, screened, counts, chosen };
}

/**
 * Only the files of fields that show with the answers the page leaves (a field hidden by its
 * `showWhen`, e.g. a power of attorney when the person applies for themself, keeps no answer and
 * takes no file; a browser without scripts still offers its input).
 */
export function filesOfShownFields(
  files: PageFiles,
  definition: ServiceDefinition,
  answers: Answers,
): PageFiles {
  const shown = (key: string) => {
    const field = definition.fields.find((f) => f.key === key);
    return field !== undefined && isShown(field, answers);
  };
  return { ...files, entries: files.entries.filter((entry) => shown(entry.field)) };
}

/**
 * The stored documents a page drops when it is saved (docs/decisions/0020): those ticked "Remove"
 * under one of its file fields, and the file of a one-file requirement for which a new file was
 * chosen, which the new one replaces. A ticked id that is not stored for that field's requirement
 * (removed meanwhile in another tab, or forged) drops nothing.
 */
export function removedByPage<D extends { id: number; requirement_key: string }>(
  files: PageFiles | undefined,
  stored: D[],
): D[] {
  const removed = new Map<number, D>();
  for (const entry of files?.entries ?? []) {
    const own = stored.filter((d) => d.requirement_key === entry.requirement.key);
    const replaced = entry.requirement.maxFiles === 1 && entry.files.length > 0;
    for (const d of own) if (replaced || entry.remove.includes(d.id)) removed.set(d.id, d);
  }
  return [...removed.values()];
}

/** Stored files per document requirement, for the required-document checks. */
export function countsOf(documents: { requirement_key: string }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const d of documents) counts[d.requirement_key] = (counts[d.requirement_key] ?? 0) + 1;
  return counts;
}

/**
 * Stored documents that belong to no question showing with these answers: a power of attorney
 * uploaded while "paid by a company" was chosen, after the answer became "myself". A requirement
 * asked by no file field at all (nothing to hide it) is never stray.
 */
export function strayDocuments<D extends { requirement_key: string }>(
  definition: ServiceDefinition,
  answers: Answers,
  documents: D[],
): D[] {
  const asked = new Set<string>();
  const shown = new Set<string>();
  for (const field of definition.fields) {
    if (field.type !== 'file') continue;
    asked.add(field.document);
    if (isShown(field, answers)) shown.add(field.document);
  }
  return documents.filter((d) => asked.has(d.requirement_key) && !shown.has(d.requirement_key));
}

/** Browsers cannot keep a chosen file across a page that comes back with mistakes: ask again. */
export function chooseAgain(chosen: string[]): FieldProblem[] {
  return chosen.map((field) => ({ field, key: 'fileChooseAgain' }));
}

class TooMany extends Error {}

/**
 * Writes the screened files, then runs `save` (the page's answers) and records the files in one
 * transaction (`madeNow`: `save` made the application, see `record`). 'too_many' when a concurrent
 * upload filled the requirement first; whatever `save` returns otherwise. A transaction that does
 * not commit leaves no file behind.
 */
export async function saveWithFiles<T>(
  db: Knex,
  documents: DocumentsForPages,
  screened: ScreenedFile[],
  by: number,
  save: (trx: Knex.Transaction) => Promise<{ applicationId: number; value: T; madeNow?: boolean } | null>,
): Promise<T | null | 'too_many'> {
  const written = await documents.write(screened, by);
  try {
    const saved = await db.transaction(async (trx) => {
      const result = await save(trx);
      if (!result) return null;
      const recorded = await documents.record(trx, result.applicationId, written, {
        madeNow: result.madeNow === true,
      });
      if (recorded === 'too_many') throw new TooMany();
      return result.value;
    });
    if (saved === null) await documents.discard(written.paths);
    return saved;
  } catch (err) {
    await documents.discard(written.paths);
    if (err instanceof TooMany) return 'too_many';
    throw err;
  }
}

/** A requirement filled by someone else's upload while these files were being written. */
export function tooManyProblems(files: PageFiles | undefined, chosen: string[]): FieldProblem[] {
  return (files?.entries ?? [])
    .filter((entry) => chosen.includes(entry.field))
    .map((entry) => refusalProblem(entry, 'too_many'));
}
