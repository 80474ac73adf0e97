import type { FieldDef, ServiceDefinition } from '../../workflows/types.js';
import { formSteps, fieldsOfStep } from '../../workflows/form/form.js';

/** A plausible, valid answer for a field, as a browser would post it (today is 2026-11-22 in tests). */
export function validRawAnswer(field: FieldDef): string | string[] | Record<string, string> | undefined {
  switch (field.type) {
    case 'text':
      return 'Test answer';
    case 'longtext':
      return 'A longer description written for the test.';
    case 'location':
      return 'Next to the health centre, behind the mosque';
    case 'number':
      return String(field.min !== undefined ? Math.max(field.min, 1) : 1);
    case 'money':
      return String(field.min !== undefined ? Math.max(field.min, 10) : 10);
    case 'date':
      if (field.notAfter === 'today') return '2026-11-01';
      if (field.notBefore && field.notBefore !== 'today') return '2027-01-20';
      return '2026-12-15';
    case 'select':
    case 'radio':
      return field.options[0]!.value;
    case 'checkbox':
      return [field.options[0]!.value];
    case 'yesno':
      return 'yes';
    case 'cpr':
      return '850101234';
    case 'cr':
      return '123456';
    case 'mobile':
      return '36001234';
    case 'email':
      return 'applicant@example.bh';
    case 'iban':
      return 'BH67BMAG00001299123456';
    case 'address':
      return { flat: '', building: '1234', road: '4321', block: '338', area: 'Adliya' };
    case 'file':
      return undefined;
  }
}

/** A page's body as application/x-www-form-urlencoded (repeated keys for checkboxes, `key.part` for addresses). */
export function pageBody(
  definition: ServiceDefinition,
  page: number,
  csrf: string,
  override: Record<string, unknown> = {},
): string {
  const params = new URLSearchParams({ _csrf: csrf, action: 'continue' });
  const step = formSteps(definition)[page]!;
  for (const field of fieldsOfStep(definition, step)) {
    const value = field.key in override ? override[field.key] : validRawAnswer(field);
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) for (const v of value) params.append(field.key, String(v));
    else if (typeof value === 'object')
      for (const [k, v] of Object.entries(value as Record<string, string>))
        params.append(`${field.key}.${k}`, v);
    else params.append(field.key, typeof value === 'string' ? value : JSON.stringify(value));
  }
  return params.toString();
}
