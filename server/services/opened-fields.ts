import { persistedSnapshotOf, type ApplicationRow } from '../../db/repositories/applications.js';
import { ALL_OPEN, openedFields, type OpenedFields } from '../../workflows/form/opened.js';
import type { ServiceDefinition } from '../../workflows/types.js';

/**
 * The fields the applicant may change now (docs/decisions/0021): all of a draft's; of an application
 * answering a request for more information, those the request opened (all when it opened none).
 */
export function openedFieldsOf(definition: ServiceDefinition, app: ApplicationRow): OpenedFields {
  if (app.state !== 'info_requested') return ALL_OPEN;
  const context = persistedSnapshotOf(app).context as { openFields?: unknown } | undefined;
  return openedFields(definition, context?.openFields);
}
