/**
 * Services whose form pages ask for files, and the steps the tests of those pages share
 * (test/documents/page-files*.test.ts, stray-documents.test.ts).
 */
import { expect } from 'chai';
import { createTestContext, sharedRegistry, type TestContext } from './context.js';
import { agentFor, csrfFrom, signUpResident, type Agent } from './http.js';
import { defineService } from '../../workflows/define-service.js';
import { standardReview } from '../../workflows/standard-review.js';
import { createRegistry } from '../../workflows/registry.js';

export const text = (ar: string, en: string) => ({ ar, en });

/** A service whose first page asks for a file beside a text field. */
export const FILE_FIRST = defineService({
  slug: 'file-first-test',
  version: 1,
  name: text('خدمة تبدأ بملف', 'A service that starts with a file'),
  summary: text('للاختبار.', 'For tests.'),
  description: text('للاختبار.', 'For tests.'),
  category: 'complaints',
  applicants: ['resident'],
  department: 'customer-services',
  workflow: standardReview(),
  guide: {
    documents: [
      {
        key: 'photo',
        label: text('صورة', 'Photo'),
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
    { key: 'subject', type: 'text', step: 0, maxLength: 120, label: text('الموضوع', 'Subject') },
    { key: 'photo', type: 'file', step: 0, document: 'photo', label: text('صورة', 'Photo') },
  ],
});

export const START = `/services/${FILE_FIRST.slug}/apply`;

/** The file question above the text question, for the order of the error summary. */
export const FILE_ABOVE = defineService({
  ...FILE_FIRST,
  slug: 'file-above-test',
  workflow: standardReview(),
  fields: [FILE_FIRST.fields[1]!, FILE_FIRST.fields[0]!],
});

/** A file question that shows only for one answer: a power of attorney when someone applies for another. */
export const FILE_WHEN = defineService({
  ...FILE_FIRST,
  slug: 'file-when-test',
  workflow: standardReview(),
  guide: {
    ...FILE_FIRST.guide,
    documents: [
      {
        key: 'attorney',
        label: text('الوكالة', 'Power of attorney'),
        required: true,
        types: ['pdf'],
        maxSizeMb: 1,
        maxFiles: 1,
      },
    ],
  },
  fields: [
    { key: 'subject', type: 'text', step: 0, maxLength: 120, label: text('الموضوع', 'Subject') },
    { key: 'forOther', type: 'yesno', step: 0, label: text('لشخص آخر؟', 'For someone else?') },
    {
      key: 'attorney',
      type: 'file',
      step: 0,
      document: 'attorney',
      showWhen: { field: 'forOther', equals: 'yes' },
      label: text('الوكالة', 'Power of attorney'),
    },
  ],
});

/** A portal that knows these services, and a resident signed in to it. */
export async function pageFilePortal(
  env: Record<string, string> = {},
): Promise<{ ctx: TestContext; agent: Agent }> {
  const ctx = await createTestContext({
    env,
    registry: createRegistry([...(await sharedRegistry()).all(), FILE_FIRST, FILE_WHEN, FILE_ABOVE]),
  });
  const agent = agentFor(ctx.app);
  await signUpResident(agent);
  return { ctx, agent };
}

/** The first page, opened as the guide's link does, and its CSRF token. */
export async function openFirstPage(agent: Agent) {
  const page = await agent.get(START);
  expect(page.status).to.equal(200);
  return { page, token: csrfFrom(page.text) };
}

/** The first page sent as multipart, with its fields and perhaps a file for "photo". */
export function postFirstPage(
  agent: Agent,
  token: string,
  fields: Record<string, string>,
  file?: [Buffer, string],
) {
  const req = agent.post(START).field('_csrf', token);
  for (const [key, value] of Object.entries(fields)) req.field(key, value);
  return file ? req.attach('photo', file[0], file[1]) : req;
}
