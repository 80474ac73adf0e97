import { persistedSnapshotOf, type ApplicationRow } from '../../db/repositories/applications.js';
import { ALL_OPEN, openedFields, type OpenedFields } from '../../workflows/form/opened.js';
import type { FieldDef, ServiceDefinition } from '../../workflows/types.js';

/**
 * The fields the applicant may change now (docs/decisions/0021): all of a draft's; of an application
 * answering a request for more information, those the request opened (all when it opened none).
 */
export function openedFieldsOf(definition: ServiceDefinition, app: ApplicationRow): OpenedFields {
  if (app.state !== 'info_requested') return ALL_OPEN;
  return openedFields(definition, namedKeys(app));
}

/** The fields the request named itself (without those that open with them), in form order. */
export function fieldsNamedFor(definition: ServiceDefinition, app: ApplicationRow): FieldDef[] {
  if (app.state !== 'info_requested') return [];
  const named = namedKeys(app);
  return Array.isArray(named) ? definition.fields.filter((f) => named.includes(f.key)) : [];
}

function namedKeys(app: ApplicationRow): unknown {
  return (persistedSnapshotOf(app).context as { openFields?: unknown } | undefined)?.openFields;
}
