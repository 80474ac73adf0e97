import { expect } from 'chai';
import type { TestContext } from './context.js';
import type { Person } from './people.js';
import { newReference } from '../../server/services/reference.js';
import type { ServiceDefinition } from '../../workflows/types.js';
import { pageBody } from './answers.js';
import { csrfFrom, type Agent } from './http.js';

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

/**
 * A draft made as the browser makes it: its first page to `/services/:slug/apply` (which makes the
 * draft), then its next pages up to `pages`, each with valid answers (`override` by page index).
 * Returns the draft's id and the session's CSRF token.
 */
export async function draftThroughPages(
  agent: Agent,
  definition: ServiceDefinition,
  pages: number,
  override: Record<number, Record<string, unknown>> = {},
): Promise<{ id: number; token: string }> {
  const token = csrfFrom((await agent.get(`/services/${definition.slug}/apply`)).text);
  const made = await agent
    .post(`/services/${definition.slug}/apply`)
    .type('form')
    .send(pageBody(definition, 0, token, override[0]));
  const id = Number(/applications\/(\d+)/.exec(made.headers.location as string)![1]);
  for (let page = 1; page < pages; page++) {
    const saved = await agent
      .post(`/applications/${id}/form/${page}`)
      .type('form')
      .send(pageBody(definition, page, token, override[page]));
    expect(saved.status, `page ${page}`).to.equal(303);
  }
  return { id, token };
}
