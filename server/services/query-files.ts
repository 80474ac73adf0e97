import type { DocumentRequirement } from '../../workflows/schema/service.js';
import type { ApplyEvent, ApplyEventRequest, ApplyEventResult } from './apply-event.js';
import type { DocumentsService, IncomingFile, Refusal } from './documents.js';

/**
 * Documents a resident sends with a query against a rejection (docs/decisions/0019). They are not
 * one of the service's requirements: the key is one no service can use (a service's document keys
 * are camelCase), so the documents page, the required-document checks and submission never see
 * them, and they are kept with the application like its other documents.
 */
export const QUERY_FILES: DocumentRequirement = {
  key: 'query-files',
  label: { ar: 'مرفقات الاستفسار', en: 'Sent with the query' },
  required: false,
  types: ['pdf', 'jpeg', 'png'],
  maxSizeMb: 10,
  maxFiles: 3,
};

export type RaiseQueryResult = ApplyEventResult | { ok: false; refusal: Refusal };

class TooMany extends Error {}

/**
 * Raises a query with its files in one transaction: every file is screened (count, size, malware,
 * type) before anything is written; the event, its audit entry and the files' rows are stored
 * together, or nothing is and the written files go again. Each query may carry `QUERY_FILES.maxFiles`
 * files, whatever an earlier query on the same application carried.
 */
export function queryFilesService(deps: {
  documents: Pick<DocumentsService, 'screen' | 'write' | 'record' | 'discard' | 'countFor'>;
  applyEvent: ApplyEvent;
}) {
  const { documents, applyEvent } = deps;

  return async function raiseQuery(
    request: Omit<ApplyEventRequest, 'alsoInTransaction'> & { files: IncomingFile[]; uploadedBy: number },
  ): Promise<RaiseQueryResult> {
    const { files, uploadedBy, ...event } = request;
    if (files.length === 0) return applyEvent(event);
    const already = await documents.countFor(event.applicationId, QUERY_FILES.key);
    const screened = await documents.screen({
      applicationId: event.applicationId,
      requirement: { ...QUERY_FILES, maxFiles: already + QUERY_FILES.maxFiles },
      files,
      existingCount: already,
      uploadedBy,
    });
    if (!screened.ok) return { ok: false, refusal: screened };
    const written = await documents.write(screened.files, uploadedBy);
    try {
      const result = await applyEvent({
        ...event,
        alsoInTransaction: async (trx) => {
          if ((await documents.record(trx, event.applicationId, written)) === 'too_many') throw new TooMany();
        },
      });
      if (!result.ok) await documents.discard(written.paths);
      return result;
    } catch (err) {
      await documents.discard(written.paths);
      if (err instanceof TooMany) return { ok: false, refusal: { ok: false, status: 413, code: 'too_many' } };
      throw err;
    }
  };
}

export type RaiseQuery = ReturnType<typeof queryFilesService>;
