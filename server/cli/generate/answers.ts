import { DAY_MS } from '../../../workflows/calendar.js';
import { formSteps, validateStep, type Answers } from '../../../workflows/form/form.js';
import { type MunicipalityCode } from '../../../workflows/municipalities.js';
import type { FieldDef, ServiceDefinition } from '../../../workflows/types.js';
import { FRONT_OFFICE, SHARES } from './shape.js';
import type { Rng } from './random.js';
import { int, pick } from './random.js';
import type { Applicant, Population, Staff } from './people.js';
import { cprOf } from './people.js';
import { JsonTemplate, slot } from './paths.js';
import type { ServiceInfo, Timed, WorkingDays } from './timeline.js';

/** Form answers and the per-application details (reviewer, inspection, outcome). (Part of server/cli/generate-applications.ts.) */

// ---------------------------------------------------------------------------------------------
// Form answers
// ---------------------------------------------------------------------------------------------

/** Days from the submission date each date field is answered with (past, future, after another). */
export function dateOffsets(definition: ServiceDefinition): Map<string, number> {
  const offsets = new Map<string, number>();
  for (const field of definition.fields) {
    if (field.type !== 'date') continue;
    const after = field.notBefore;
    if (after && after !== 'today') offsets.set(field.key, (offsets.get(after.field) ?? 14) + 30);
    else if (after === 'today') offsets.set(field.key, 14);
    else if (field.notAfter === 'today') offsets.set(field.key, -400);
    else offsets.set(field.key, 10);
  }
  return offsets;
}

/**
 * A plausible answer for a one-line text field, from its key: a permit or account number where one
 * is asked for, a name where a name is, a short description for "other" choices. A key not known
 * here (a service added later) is answered by what its name ends with.
 */
const TEXT_ANSWERS: Record<string, string> = {
  tradeName: 'Al Noor Trading',
  contactName: 'Fatima Ali Hasan',
  applicantName: 'Ahmed Yusuf Ebrahim',
  engineerName: 'Eng. Khalid Mahmood',
  engineeringOffice: 'Gulf Design Consultants',
  contractorName: 'Al Bahar Contracting',
  accountHolder: 'Ahmed Yusuf Ebrahim',
  previousOwner: 'Hasan Abdulla Saleh',
  newOwnerName: 'Maryam Hasan Abdulla',
  reporterName: 'Sara Jassim',
  businessName: 'Corner Grocery',
  societyName: 'Muharraq Youth Club',
  addressedTo: 'Ministry of Education',
  bankNameOther: 'Bank of Bahrain and Kuwait',
  plotNumber: '05-218-77',
  permitNumber: 'BP-2025-04817',
  existingPermitNumber: 'BP-2019-01122',
  relatedPermit: 'BP-2025-04817',
  engineerLicence: 'ECS-1187',
  activityCode: '4711-01',
  accountNumber: '100482731',
  duplicateAccount: '100482745',
  ewaAccount: '30045218',
  receiptNumber: 'RC-2024-338102',
  deedNumber: '2019-44721',
  vehiclePlate: '412733',
  intendedUse: 'A family home with a garden',
};

function textAnswer(key: string): string {
  const known = TEXT_ANSWERS[key];
  if (known) return known;
  if (/Other$/.test(key)) return 'As described in the attached documents';
  if (/(Number|Licence|Code|Account|Plate|Permit)$/.test(key)) return 'A-2025-00731';
  if (/(Name|Owner|Holder)$/.test(key)) return 'Ahmed Yusuf Ebrahim';
  return 'Municipal services request';
}

export function rawAnswer(field: FieldDef, date: (key: string) => string): unknown {
  switch (field.type) {
    case 'text':
      return textAnswer(field.key).slice(0, field.maxLength);
    case 'longtext':
      return 'Work as described in the attached drawings; the site will be left clean.'.slice(
        0,
        field.maxLength,
      );
    case 'location':
      return 'Next to the health centre, behind the mosque';
    case 'number':
    case 'money': {
      const n = Math.max(field.min ?? 0, field.type === 'money' ? 10 : 1);
      return String(field.max !== undefined ? Math.min(n, field.max) : n);
    }
    case 'date':
      return date(field.key);
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
      return 'BH67 BMAG 0000 1299 1234 56';
    case 'address':
      return { flat: '', building: '1234', road: '4321', block: '338', area: '' };
    case 'file':
      return undefined;
  }
}

/** The stored answers of a complete form, validated by the real form rules, with slots per person. */
export function formTemplate(definition: ServiceDefinition): {
  form: JsonTemplate;
  dates: Map<string, number>;
} {
  const dates = dateOffsets(definition);
  const today = '2026-01-04';
  const date = (key: string) => shiftDate(today, dates.get(key) ?? 0);
  const documentCounts = Object.fromEntries(definition.guide.documents.map((d) => [d.key, 1]));
  let answers: Answers = {};
  for (const step of formSteps(definition)) {
    const raw = Object.fromEntries(
      definition.fields.filter((f) => f.step === step).map((f) => [f.key, rawAnswer(f, date)]),
    );
    const result = validateStep(definition, step, raw, answers, { today, documentCounts });
    if (result.problems.length > 0)
      throw new Error(`${definition.slug}: generated answers invalid: ${JSON.stringify(result.problems)}`);
    answers = result.answers;
  }
  for (const field of definition.fields) {
    if (!(field.key in answers)) continue;
    if (field.prefill) answers[field.key] = slot(field.prefill);
    else if (field.type === 'address') answers[field.key] = slot('address');
    else if (field.type === 'date') answers[field.key] = slot(`date:${field.key}`);
  }
  return { form: new JsonTemplate(answers), dates };
}

export function shiftDate(isoDate: string, days: number): string {
  return new Date(Date.parse(`${isoDate}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

export function inspectionAt(planned: Timed[]): number | undefined {
  const passed = planned.find((e) => e.type === 'INSPECTION_PASSED');
  const booked = planned.find((e) => e.type === 'SCHEDULE_INSPECTION');
  return passed?.at ?? (booked ? booked.at + 2 * DAY_MS : undefined);
}

export function reviewerFor(
  rng: Rng,
  people: Population,
  municipality: MunicipalityCode,
  service: ServiceInfo,
): Staff {
  const department = service.definition.department;
  const x = rng();
  if (x < SHARES.reviewedBySupervisor) return pick(rng, people.supervisors.get(municipality)!);
  const own = people.reviewers.get(`${municipality}/${department}`);
  const front = people.reviewers.get(`${municipality}/${FRONT_OFFICE}`)!;
  return pick(rng, own && x > SHARES.reviewedBySupervisor + SHARES.reviewedByFrontOffice ? own : front);
}

export function formValues(
  service: ServiceInfo,
  applicant: Applicant,
  block: number,
  municipality: MunicipalityCode,
  submittedAt: number,
  days: WorkingDays,
  rng: Rng,
): Record<string, unknown> {
  const values: Record<string, unknown> = {
    name: applicant.name,
    cpr: applicant.cpr ?? cprOf(rng),
    cr: applicant.cr ?? String(int(rng, 10_000, 199_999)),
    mobile: applicant.mobile,
    email: applicant.email,
    address: {
      flat: rng() < 0.3 ? String(int(rng, 1, 40)) : '',
      building: String(int(rng, 1, 3999)),
      road: String(int(rng, 1, 4999)),
      block: String(block),
      area: '',
      municipality,
    },
  };
  for (const [key, offset] of service.dates)
    values[`date:${key}`] = days.dateOf(submittedAt + offset * DAY_MS);
  return values;
}

/** What the outbox's deliveries record on an accepted application (server/services/deliveries.ts). */
export function outcomeOf(
  service: ServiceInfo,
  id: number,
  municipality: string,
  decidedMs: number | null,
): string | null {
  const decidedAt = decidedMs === null ? null : new Date(decidedMs);
  const options = service.options;
  if (options.certificate && decidedAt)
    return JSON.stringify({
      certificate: {
        number: `CRT-${decidedAt.getUTCFullYear()}-${String(id).padStart(8, '0')}`,
        issuedAt: new Date(decidedAt.getTime() + 30_000).toISOString(),
      },
    });
  if (options.accountNumber)
    return JSON.stringify({
      accountNumber: `${municipality.slice(0, 3).toUpperCase()}-${String(id).padStart(8, '0')}`,
    });
  return null;
}

// ---------------------------------------------------------------------------------------------
// Command line
// ---------------------------------------------------------------------------------------------
