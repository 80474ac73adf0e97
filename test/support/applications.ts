import { expect } from 'chai';
import type { TestContext } from './context.js';
import type { Person } from './people.js';
import { newReference } from '../../server/services/reference.js';

/** A submitted application (through the engine, as the resident's form would end). */
export async function submitted(
  ctx: TestContext,
  applicant: Person,
  options: { slug?: string; municipality?: string; formData?: Record<string, unknown> } = {},
): Promise<{ id: number; reference: string }> {
  const slug = options.slug ?? 'residence-certificate';
  const draft = await ctx.services.applications.createDraft({
    serviceSlug: slug,
    applicantId: applicant.id,
    municipality: options.municipality ?? 'capital',
    formData: options.formData,
  });
  const reference = newReference(slug, 2026);
  const r = await ctx.services.applyEvent({
    applicationId: draft.id,
    event: { type: 'SUBMIT' },
    actor: { role: 'applicant', userId: applicant.id },
    extra: { reference },
  });
  expect(r.ok, JSON.stringify(r)).to.equal(true);
  return { id: draft.id, reference };
}
