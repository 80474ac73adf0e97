import type { DocumentRequirement } from '../../workflows/schema/service.js';
import type { Logger } from '../logger.js';
import { securityEvent } from '../logger.js';
import type { MalwareScanner } from './malware-scanner.js';
import { detectDocumentType, type DocumentType } from './document-types.js';

/**
 * What a file must pass before anything is stored (docs/decisions/0003): its requirement's count and
 * size, the malware scanner, and its type read from its bytes.
 */

export interface IncomingFile {
  originalName: string;
  buffer: Buffer;
}

/** What screening takes: the application is null for a first page whose draft is not made yet. */
export interface ScreenInput {
  applicationId: number | null;
  requirement: DocumentRequirement;
  files: IncomingFile[];
  /** Files already stored for this requirement (a fast pre-check; re-checked in the transaction). */
  existingCount: number;
  uploadedBy: number;
}

export type RefusalCode = 'too_large' | 'too_many' | 'type_not_allowed' | 'infected' | 'scanner_unavailable';

export interface Refusal {
  ok: false;
  status: 413 | 415 | 422 | 503;
  code: RefusalCode;
}

/** A file that passed every check for its requirement, not yet written. */
export interface ScreenedFile extends IncomingFile {
  requirement: DocumentRequirement;
  type: DocumentType;
}

export type ScreenResult = { ok: true; files: ScreenedFile[] } | Refusal;

/**
 * Checks files for one requirement without writing anything: how many, how big, malware (first,
 * so malware is reported as such whatever its type), then the type from the bytes.
 */
export async function screenFiles(
  deps: { scanner: MalwareScanner; logger?: Logger | undefined },
  input: ScreenInput,
): Promise<ScreenResult> {
  const { scanner, logger } = deps;
  const { requirement, files } = input;
  if (files.length === 0) return { ok: true, files: [] };

  // 1. How many.
  if (input.existingCount + files.length > requirement.maxFiles) {
    return { ok: false, status: 413, code: 'too_many' };
  }
  // 2. How big.
  const maxBytes = Math.floor(requirement.maxSizeMb * 1024 * 1024);
  if (files.some((f) => f.buffer.length > maxBytes)) {
    return { ok: false, status: 413, code: 'too_large' };
  }
  // 3. Malware scan first: nothing is written before every file is known clean, and a
  //    malicious file is refused as malware (422) even when it is not a document type at all.
  for (const file of files) {
    let verdict;
    try {
      verdict = await scanner.scan(file.buffer);
    } catch (err) {
      logger?.error({ err, applicationId: input.applicationId }, 'malware scanner unavailable');
      return { ok: false, status: 503, code: 'scanner_unavailable' };
    }
    if (!verdict.clean) {
      if (logger) {
        securityEvent(logger, 'malware_rejected', {
          applicationId: input.applicationId,
          userId: input.uploadedBy,
          requirement: requirement.key,
          signature: verdict.signature,
        });
      }
      return { ok: false, status: 422, code: 'infected' };
    }
  }

  // 4. What it is, from its bytes.
  const screened: ScreenedFile[] = [];
  for (const file of files) {
    const type = detectDocumentType(file.buffer);
    if (!type || !requirement.types.includes(type)) {
      return { ok: false, status: 415, code: 'type_not_allowed' };
    }
    screened.push({ ...file, requirement, type });
  }
  return { ok: true, files: screened };
}
