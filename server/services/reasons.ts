import type { ApplicationRow } from '../../db/repositories/applications.js';
import type { Registry } from '../../workflows/registry.js';
import { translator } from '../i18n.js';
import type { AccountsService } from './accounts.js';

/** Reason templates offered per decision; their text is in the locale files under `reasons.`. */
export const REASON_TEMPLATES: Record<string, string[]> = {
  REJECT: ['outsideMunicipality', 'notEligible', 'documentsInvalid', 'duplicate'],
  REQUEST_INFO: ['documentUnclear', 'documentMissing', 'addressDetails', 'ownershipProof'],
  UPHOLD: ['reasonStands', 'noNewFacts'],
};

/**
 * The message a picked reason template stands for, in the applicant's language: one of the
 * portal's general reasons (`outsideMunicipality`…) or the service's own (`service-<n>`, from its
 * definition or the administrators' settings). Null when the template does not belong to `event`.
 */
export async function reasonMessage(
  deps: { registry: Registry; accounts: AccountsService },
  app: ApplicationRow,
  event: string,
  template: string,
): Promise<string | null> {
  const serviceTemplate = /^service-(\d{1,3})$/.exec(template);
  const own = serviceTemplate
    ? deps.registry.get(app.service_slug, app.service_version)?.reasonTemplates?.[Number(serviceTemplate[1])]
    : undefined;
  if (!(REASON_TEMPLATES[event]?.includes(template) || own?.event === event)) return null;
  const applicant = await deps.accounts.findById(app.applicant_id);
  const lang = applicant?.preferred_lang === 'en' ? 'en' : 'ar';
  return own ? own.text[lang] : translator(lang)(`reasons.${event}.${template}`);
}
