import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestContext } from '../support/context.js';
import { agentFor, signIn, VALID_PASSWORD, type Agent } from '../support/http.js';
import type { Person } from '../support/people.js';

export const WORKFLOWS_DIR = fileURLToPath(new URL('../../workflows/', import.meta.url));
export const SERVICES_DIR = path.join(WORKFLOWS_DIR, 'services');

/**
 * A services directory as a deployment would have it: every released service (linked, so their
 * own imports resolve where they live) plus the files a test adds. Removed by `cleanup`.
 */
export function servicesDirWith(files: (dir: string) => Record<string, string>): {
  dir: string;
  cleanup: () => void;
} {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-services-'));
  for (const name of fs.readdirSync(SERVICES_DIR)) {
    if (name.endsWith('.ts')) fs.symlinkSync(path.join(SERVICES_DIR, name), path.join(dir, name));
  }
  for (const [name, text] of Object.entries(files(dir))) fs.writeFileSync(path.join(dir, name), text);
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** How a file in `dir` imports workflows/ (e.g. '../../work/main/workflows'). */
export function workflowsImport(dir: string): string {
  const relative = path.relative(dir, WORKFLOWS_DIR).split(path.sep).join('/');
  return relative.startsWith('.') ? relative : `./${relative}`;
}

/** A national administrator (no municipality), signed in. */
export async function nationalAdmin(ctx: TestContext): Promise<{ person: Person; agent: Agent }> {
  const email = `national-admin-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@gov.bh`;
  const id = await ctx.services.accounts.createStaff({
    name: 'Noor Al-Mahmood',
    email,
    password: VALID_PASSWORD,
    role: 'admin',
    municipality: null,
    department: null,
  });
  const agent = agentFor(ctx.app);
  await signIn(agent, email, VALID_PASSWORD);
  return { person: { id, role: 'admin', email }, agent };
}

export async function signedIn(ctx: TestContext, person: Person): Promise<Agent> {
  const agent = agentFor(ctx.app);
  await signIn(agent, person.email, VALID_PASSWORD);
  return agent;
}

/** A complete new service on the standard workflow, as a developer would write it. */
export function shopSignPermit(importPrefix: string): string {
  return `import { defineService } from '${importPrefix}/define-service.js';
import { standardReview } from '${importPrefix}/standard-review.js';

export default defineService({
  slug: 'shop-sign-permit',
  version: 1,
  name: { ar: 'ترخيص لوحة محل تجاري', en: 'Shop sign permit' },
  summary: {
    ar: 'ترخيص لتركيب لوحة على واجهة محل تجاري.',
    en: 'A permit to put up a sign on the front of a shop.',
  },
  description: {
    ar: 'تراجع البلدية مقاس اللوحة وموقعها على الواجهة قبل تركيبها.',
    en: 'The municipality checks the size of the sign and where it goes on the front before it is put up.',
  },
  category: 'permits',
  applicants: ['resident', 'investor'],
  department: 'customer-services',
  guide: { documents: [], fee: { amount: 15 }, slaDays: 4 },
  fields: [
    { key: 'applicantName', type: 'text', step: 0, prefill: 'name', label: { ar: 'الاسم الكامل', en: 'Full name' } },
    { key: 'shopAddress', type: 'address', step: 0, label: { ar: 'عنوان المحل', en: 'Address of the shop' } },
    { key: 'signWidth', type: 'number', step: 1, min: 1, max: 20, label: { ar: 'عرض اللوحة بالمتر', en: 'Width of the sign in metres' } },
    { key: 'signText', type: 'longtext', step: 1, label: { ar: 'النص المكتوب على اللوحة', en: 'Text on the sign' } },
  ],
  workflow: standardReview({ fee: true }),
});
`;
}
