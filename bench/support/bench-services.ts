import { defineService } from '../../workflows/define-service.js';
import { standardReview } from '../../workflows/standard-review.js';
import type { ServiceDefinitionInput } from '../../workflows/types.js';

/**
 * Two services that exist only for the submissions benchmark: "a form with two fields", with and
 * without a required PDF. They use the portal's ordinary standard-review workflow, so submitting
 * one writes what any real submission writes (row update, audit row, outbox rows, deadlines).
 */

const text = (ar: string, en: string) => ({ ar, en });

const twoFields: ServiceDefinitionInput['fields'] = [
  { key: 'subject', type: 'text', step: 0, maxLength: 120, label: text('الموضوع', 'Subject') },
  { key: 'details', type: 'longtext', step: 0, maxLength: 800, label: text('التفاصيل', 'Details') },
];

const common = {
  version: 1,
  summary: text('خدمة لقياس الأداء.', 'A benchmark service.'),
  description: text(
    'خدمة من حقلين لقياس الأداء فقط.',
    'A service with two fields, used only by bench/submissions.bench.ts.',
  ),
  category: 'complaints',
  applicants: ['resident'],
  department: 'customer-services',
  workflow: standardReview(),
} satisfies Partial<ServiceDefinitionInput>;

export const TWO_FIELDS = defineService({
  ...common,
  slug: 'bench-two-fields',
  name: text('قياس الأداء: حقلان', 'Benchmark: two fields'),
  guide: { documents: [], fee: { amount: 0 }, slaDays: 5, queryWindowDays: 5 },
  fields: twoFields,
});

export const TWO_FIELDS_AND_PDF = defineService({
  ...common,
  slug: 'bench-two-fields-pdf',
  name: text('قياس الأداء: حقلان وملف', 'Benchmark: two fields and a PDF'),
  guide: {
    documents: [
      {
        key: 'attachment',
        label: text('المرفق', 'Attachment'),
        required: true,
        types: ['pdf'],
        maxSizeMb: 1,
        maxFiles: 1,
      },
    ],
    fee: { amount: 0 },
    slaDays: 5,
    queryWindowDays: 5,
  },
  fields: [
    ...twoFields,
    {
      key: 'attachmentFile',
      type: 'file',
      step: 0,
      document: 'attachment',
      label: text('المرفق', 'Attachment'),
    },
  ],
});

/** What the two fields are filled with, by the portal client and the floor alike. */
export const TWO_FIELD_ANSWERS = {
  subject: 'Broken street light',
  details: 'The street light in front of house 1234 on road 4321 has been off for a week.',
};
