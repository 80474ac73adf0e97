import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import type { TestContext } from './context.js';
import type { Person } from './people.js';
import { newReference } from '../../server/services/reference.js';
import type { ServiceDefinition } from '../../workflows/types.js';
import { pageBody, validRawAnswer } from './answers.js';
import { PDF } from './clamav.js';
import { fieldsOfStep, formSteps } from '../../workflows/form/form.js';
import type { ApplicationRow } from '../../db/repositories/applications.js';
import type { UserRow } from '../../db/repositories/users.js';
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

/** A staff member's event on an application, through the engine; it must succeed. */
export async function staffAct(
  ctx: TestContext,
  id: number,
  type: string,
  who: Person,
  comment?: string,
): Promise<void> {
  const result = await ctx.services.applyEvent({
    applicationId: id,
    event: { type, ...(comment ? { comment } : {}) },
    actor: { role: who.role, userId: who.id },
  });
  expect(result.ok, `${type}: ${JSON.stringify(result)}`).to.equal(true);
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

/**
 * A complete application made through the services as a resident would make it: the service's
 * required documents (a PDF each), every page answered (`own` answers by field key, valid ones
 * for the rest), then submitted. Returns the row as it is after the submission.
 */
export async function completedThroughServices(
  ctx: TestContext,
  definition: ServiceDefinition,
  user: UserRow,
  own: Record<string, unknown> = {},
): Promise<ApplicationRow> {
  const { forms, documents, applications } = ctx.services;
  const start = await forms.start(definition, user);
  for (const requirement of definition.guide.documents.filter((d) => d.required)) {
    const accepted = await documents.accept({
      applicationId: start.id,
      requirement,
      files: [{ originalName: `${requirement.key}.pdf`, buffer: PDF }],
      existingCount: 0,
      uploadedBy: user.id,
    });
    expect(accepted.ok, requirement.key).to.equal(true);
  }
  const steps = formSteps(definition);
  for (let index = 0; index < steps.length; index++) {
    const values = Object.fromEntries(
      fieldsOfStep(definition, steps[index]!).map((f) => [f.key, own[f.key] ?? validRawAnswer(f)]),
    );
    const saved = await forms.savePage((await applications.findById(start.id))!, index, values);
    expect(saved.ok, `page ${index}: ${JSON.stringify(saved)}`).to.equal(true);
  }
  const result = await forms.submit((await applications.findById(start.id))!, {
    role: 'applicant',
    userId: user.id,
  });
  expect(result.ok, JSON.stringify(result)).to.equal(true);
  return (await applications.findById(start.id))!;
}

/** Document rows as an upload would leave them (uploads themselves are tested in test/documents). */
async function seedRequiredDocuments(ctx: TestContext, definition: ServiceDefinition, id: number) {
  const app = (await ctx.services.applications.findById(id))!;
  for (const doc of definition.guide.documents.filter((d) => d.required)) {
    await ctx.db('documents').insert({
      application_id: id,
      requirement_key: doc.key,
      // The shape of a generated name (the file itself is not there; removing it is quiet).
      stored_name: `${randomBytes(16).toString('hex')}.pdf`,
      original_name: `${doc.key}.pdf`,
      media_type: 'application/pdf',
      size_bytes: 1000,
      sha256: '0'.repeat(64),
      uploaded_by: app.applicant_id,
      created_at: ctx.clock.now(),
    });
  }
}

/** Every page of the form sent over HTTP with valid answers, as its form sends it; each must be saved. */
export async function answerPages(agent: Agent, definition: ServiceDefinition, id: number): Promise<void> {
  for (let page = 0; page < formSteps(definition).length; page++) {
    const form = await agent.get(`/applications/${id}/form/${page}`);
    const res = await agent
      .post(`/applications/${id}/form/${page}`)
      .type('form')
      .send(pageBody(definition, page, csrfFrom(form.text)));
    expect(
      res.status,
      `${definition.slug} page ${page}: ${res.text.match(/<li><a href="#[^"]+">[^<]+/g)?.join(' ')}`,
    ).to.equal(303);
  }
}

/** `answerPages` with the rows of the required documents put in place first. */
export async function answerAllPages(
  ctx: TestContext,
  agent: Agent,
  definition: ServiceDefinition,
  id: number,
): Promise<void> {
  await seedRequiredDocuments(ctx, definition, id);
  await answerPages(agent, definition, id);
}
