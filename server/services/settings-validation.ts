/**
 * Validating an administrator's service settings (docs/decisions/0007): the same rules as a
 * definition — zod for the shape (fils, whole days), the definition checker for the texts (both
 * languages, Arabic in Arabic) and for reasons (an event of this workflow that takes a message).
 */
import { z } from 'zod';
import { checkReasonTemplates } from '../../workflows/check.js';
import { checkLocalized } from '../../workflows/check-text.js';
import { externalEventTypes } from '../../workflows/machine-introspection.js';
import { dinars, type ReasonTemplate } from '../../workflows/schema/service.js';
import type { Localized, ServiceDefinition } from '../../workflows/types.js';

export interface SettingsInput {
  fee: string;
  slaDays: string;
  guideText: { ar: string; en: string };
  reasonTemplates: { event: string; ar: string; en: string }[];
}

export interface SettingsProblem {
  /** Form field id, e.g. 'fee', 'guideText-ar', 'tpl-0-en'. */
  field: string;
  /** Translation key under servicesAdmin.errors. */
  key: string;
}

export interface ValidSettings {
  fee: number;
  slaDays: number;
  guideText: Localized;
  reasonTemplates: ReasonTemplate[];
}

const slaDaysSchema = z.number().int().positive().max(365);

export function validateSettings(
  definition: ServiceDefinition,
  input: SettingsInput,
): { ok: true; value: ValidSettings } | { ok: false; problems: SettingsProblem[] } {
  const problems: SettingsProblem[] = [];
  const feeText = input.fee.trim();
  const fee = feeText === '' ? NaN : Number(feeText);
  if (!Number.isFinite(fee)) problems.push({ field: 'fee', key: 'feeNumber' });
  else if (fee < 0) problems.push({ field: 'fee', key: 'feeNegative' });
  else if (!dinars.safeParse(fee).success) problems.push({ field: 'fee', key: 'feeFils' });
  else if (fee === 0 && externalEventTypes(definition.workflow.machine).has('FEE_PAID'))
    problems.push({ field: 'fee', key: 'feeRequired' });

  const daysText = input.slaDays.trim();
  const slaDays = /^\d{1,4}$/.test(daysText) ? Number(daysText) : NaN;
  if (!slaDaysSchema.safeParse(slaDays).success) problems.push({ field: 'slaDays', key: 'slaDays' });

  const guideText = { ar: input.guideText.ar.trim(), en: input.guideText.en.trim() };
  checkLocalized(guideText, 'guideText', (problem) => {
    const lang = problem.startsWith('guideText.ar') ? 'ar' : 'en';
    problems.push({
      field: `guideText-${lang}`,
      key: problem.endsWith('is empty') ? 'translationMissing' : lang === 'ar' ? 'notArabic' : 'notEnglish',
    });
  });
  if (guideText.ar.length > 2000 || guideText.en.length > 2000)
    problems.push({ field: 'guideText-ar', key: 'tooLong' });

  const reasonTemplates: ReasonTemplate[] = [];
  input.reasonTemplates.forEach((row, index) => {
    const text = { ar: row.ar.trim(), en: row.en.trim() };
    if (!text.ar && !text.en) return; // an empty row: nothing, or a template removed
    const at = reasonTemplates.length;
    reasonTemplates.push({ event: row.event, text });
    const rowProblems: SettingsProblem[] = [];
    checkReasonTemplates(
      { workflow: definition.workflow, reasonTemplates: [{ event: row.event, text }] },
      (_s, p) => {
        if (p.startsWith('event')) rowProblems.push({ field: `tpl-${index}-event`, key: 'templateEvent' });
        else {
          const lang = p.startsWith('text.ar') ? 'ar' : 'en';
          rowProblems.push({
            field: `tpl-${index}-${lang}`,
            key: p.endsWith('is empty') ? 'translationMissing' : lang === 'ar' ? 'notArabic' : 'notEnglish',
          });
        }
      },
    );
    if (text.ar.length > 500 || text.en.length > 500)
      rowProblems.push({ field: `tpl-${index}-ar`, key: 'tooLong' });
    problems.push(...rowProblems);
    void at;
  });

  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, value: { fee, slaDays, guideText, reasonTemplates } };
}
