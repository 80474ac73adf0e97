/**
 * The file `npm run service:new -- <slug>` writes (pure: text in, text out). It starts from the
 * standard workflow with every text people read in both languages set to a «TODO: …» placeholder,
 * which loads (so the form can be tried) but which `npm run workflow:check` refuses, naming each
 * placeholder, until it is written.
 */

/** The slugs a service may have: what the definition schema accepts, and short enough for the database. */
export const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
export const MAX_SLUG_LENGTH = 64;

export function slugProblem(slug: string): string | null {
  if (!SLUG_PATTERN.test(slug))
    return `"${slug}" is not a valid slug: use lower-case letters, digits and single hyphens (e.g. "shop-sign-permit")`;
  if (slug.length > MAX_SLUG_LENGTH) return `"${slug}" is longer than ${MAX_SLUG_LENGTH} characters`;
  return null;
}

const todo = (ar: string, en: string) => `{ ar: '«TODO: ${ar}»', en: '«TODO: ${en}»' }`;

/**
 * @param importPrefix how the file reaches workflows/ ('..' from workflows/services).
 */
export function scaffoldService(slug: string, importPrefix = '..'): string {
  const problem = slugProblem(slug);
  if (problem) throw new Error(problem);
  return `/**
 * ${slug}: scaffolded by \`npm run service:new\`. Replace every «TODO: …» with the real text in
 * both languages, adjust the documents, fee, time, department and form, then run
 * \`npm run workflow:check\` (it names every placeholder left) and \`npm test\`.
 * Walk-through: docs/adding-a-service.md.
 */
import { defineService } from '${importPrefix}/define-service.js';
import { applicantNameField, cprField, mobileField } from '${importPrefix}/form/applicant-fields.js';
import { standardReview } from '${importPrefix}/standard-review.js';

export default defineService({
  slug: '${slug}',
  version: 1,
  name: ${todo('اسم الخدمة', 'name of the service')},
  summary: ${todo('جملة واحدة تصف الخدمة في الدليل', 'one sentence describing the service in the catalogue')},
  description: ${todo('ما تقدمه الخدمة ومن يحتاجها ومتى', 'what the service gives, who needs it and when')},
  // certificates, accounts, permits, planning, environment or complaints
  category: 'certificates',
  // resident, investor (or both)
  applicants: ['resident'],
  // customer-services, finance, building-permits, engineering, public-works, health, planning, information-technology
  department: 'customer-services',
  guide: {
    documents: [
      {
        key: 'supportingDocument',
        label: ${todo('اسم المستند المطلوب', 'name of the document asked for')},
        required: true,
        types: ['pdf', 'jpeg', 'png'],
        maxSizeMb: 5,
        maxFiles: 2,
      },
    ],
    // Bahraini dinars (at most three decimals); 0 for a free service.
    fee: { amount: 0 },
    // Service-level time in working days.
    slaDays: 5,
    queryWindowDays: 14,
  },
  // One title per page of the form (the fields' steps 0, 1, 2 below).
  pages: [
    { ar: 'بيانات مقدم الطلب', en: 'Applicant’s details' },
    ${todo('عنوان الصفحة الثانية', 'title of the second page')},
    { ar: 'المستندات', en: 'Documents' },
  ],
  fields: [
    // The person's name, CPR and mobile, filled in from their account (workflows/form/applicant-fields.ts).
    applicantNameField,
    cprField,
    mobileField,
    {
      key: 'details',
      type: 'longtext',
      step: 1,
      label: ${todo('سؤال النموذج', 'question on the form')},
      hint: ${todo('ما يكتبه مقدم الطلب هنا', 'what the applicant writes here')},
    },
    {
      key: 'supportingDocumentFile',
      type: 'file',
      step: 2,
      document: 'supportingDocument',
      label: ${todo('تحميل المستند', 'upload the document')},
    },
  ],
  // Options: siteInspection, clearances: ['traffic', …], fee, payout, certificate, accountNumber.
  workflow: standardReview({}),
});
`;
}
