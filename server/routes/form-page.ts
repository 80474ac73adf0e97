import type { Request, Response } from 'express';
import { addFlash } from '../http/session.js';
import {
  formSteps,
  fieldsOfStep,
  isShown,
  stepAsksForFiles,
  type Answers,
} from '../../workflows/form/form.js';
import { ADDRESS_PARTS, type FieldProblem } from '../../workflows/form/field-rules.js';
import { DATE_PARTS, dateFromParts } from '../../workflows/form/date-parts.js';
import type { ServiceDefinition } from '../../workflows/types.js';
import type { ApplicationRow } from '../../db/repositories/applications.js';
import type { DocumentRow } from '../../db/repositories/documents.js';
import type { PageFiles } from '../services/page-files.js';
import { ALL_OPEN, type OpenedFields } from '../../workflows/form/opened.js';
import { HttpError } from '../http/errors.js';
import { formBody, listField } from '../http/form-errors.js';
import { uploadedFiles } from '../http/uploads.js';

/**
 * Reads one page's fields from the body: addresses come as `key.part`, dates as `key.day`, `key.month`
 * and `key.year` (or, from a client that sends it so, as `key` in `YYYY-MM-DD`), checkboxes as
 * repeated keys.
 */
export function submittedValues(definition: ServiceDefinition, page: number, body: Record<string, unknown>) {
  const step = formSteps(definition)[page];
  const values: Record<string, unknown> = {};
  const partsOf = (key: string, parts: readonly string[]) =>
    Object.fromEntries(parts.map((p) => [p, body[`${key}.${p}`]]));
  for (const field of step === undefined ? [] : fieldsOfStep(definition, step)) {
    if (field.type === 'address') values[field.key] = partsOf(field.key, ADDRESS_PARTS);
    else if (field.type === 'date' && DATE_PARTS.some((p) => `${field.key}.${p}` in body))
      values[field.key] = dateFromParts(partsOf(field.key, DATE_PARTS));
    else values[field.key] = body[field.key];
  }
  return values;
}

/**
 * A label as it reads inside an English sentence ("Upload the deposit receipt"): its first letter
 * in lower case, unless it starts an abbreviation ("IBAN certificate", "CPR number"). Arabic has no
 * case, and its messages use the label as it is.
 */
export function inSentence(label: string): string {
  if (/^\p{Lu}{2}/u.test(label)) return label;
  return label.charAt(0).toLocaleLowerCase('en') + label.slice(1);
}

/** Translated problems: `field.key` ids (address problems point at their first box). */
export function shownProblems(res: Response, definition: ServiceDefinition, problems: FieldProblem[]) {
  return problems.map((p) => {
    const field = definition.fields.find((f) => f.key === p.field);
    const label = field ? res.locals.pick(field.label) : p.field;
    const anchor =
      field?.type === 'address' ? `${p.field}-building` : field?.type === 'date' ? `${p.field}-day` : p.field;
    return {
      field: p.field,
      href: `#${anchor}`,
      text: res.locals.t(`errors.field.${p.key}`, { label, labelInSentence: inSentence(label), ...p.params }),
    };
  });
}

/**
 * The files sent with a page, per file field of that page (the input's name is the field's key).
 * A file in any other field is a bad request: nothing the page offered.
 */
export function pageFiles(req: Request, definition: ServiceDefinition, page: number, by: number): PageFiles {
  const step = formSteps(definition)[page];
  const fields = step === undefined ? [] : fieldsOfStep(definition, step).filter((f) => f.type === 'file');
  const sent = Array.isArray(req.files) ? req.files : [];
  const unknown = sent.find((f) => !fields.some((field) => field.key === f.fieldname));
  if (unknown) throw new HttpError(400, 'a file for a field this page does not have');
  return {
    by,
    entries: fields.flatMap((field) => {
      const requirement = definition.guide.documents.find((d) => d.key === field.document);
      // A file input left empty still sends a part, with no bytes.
      const files = uploadedFiles(req, field.key).filter((f) => f.buffer.length > 0);
      return requirement ? [{ field: field.key, requirement, files, remove: ticked(req, field.key) }] : [];
    }),
  };
}

/** The stored documents ticked "Remove" under a file field (`<key>.remove`, one value per box). */
function ticked(req: Request, key: string): number[] {
  return listField(formBody(req), `${key}.remove`).map((value) => {
    if (!/^\d{1,15}$/.test(value)) throw new HttpError(400, 'a document to remove that is not an id');
    return Number(value);
  });
}

export interface FormPage {
  definition: ServiceDefinition;
  /** The draft, or null for the first page of an application not saved yet. */
  application: ApplicationRow | null;
  page: number;
  answers: Answers;
  problems: FieldProblem[];
  documents: DocumentRow[];
  /** Stored documents ticked "Remove" on a page that comes back with mistakes (they stay ticked). */
  removing?: number[];
  /** The fields that may be changed (a request for more information's); the others are shown as sent. */
  opened?: OpenedFields;
  /** Where the page's form posts. */
  action: string;
  returnTo: '' | 'check';
}

/**
 * One page of a service's form; with problems the title starts with "Error:" and the status is 400
 * (or the refusal's own status, 413, 415, 422 or 503, when the route set one for a file).
 */
export function renderFormPage(res: Response, input: FormPage): void {
  const { definition, page, answers, problems } = input;
  const steps = formSteps(definition);
  const step = steps[page]!;
  const errors = shownProblems(res, definition, problems);
  const service = res.locals.pick(definition.name);
  const pageOf = res.locals.t('apply.pageOf', { page: page + 1, pages: steps.length });
  // The page's own title when the service names its pages; otherwise the service's name.
  const titled = definition.pages?.[page];
  const heading = titled ? res.locals.pick(titled) : service;
  if (errors.length > 0 && res.statusCode < 400) res.status(400);
  res.render('apply/page', {
    title: `${errors.length ? res.locals.t('errors.titlePrefix') : ''}${heading} – ${titled ? service : pageOf}`,
    heading,
    caption: titled ? `${service} · ${pageOf}` : pageOf,
    application: input.application,
    definition,
    page,
    pages: steps.length,
    fields: fieldsOfStep(definition, step).filter(
      (f) => !f.showWhen || isShown(f, answers) || problems.length > 0,
    ),
    allFields: fieldsOfStep(definition, step),
    answers,
    errors,
    documents: input.documents,
    removing: input.removing ?? [],
    opened: input.opened ?? ALL_OPEN,
    action: input.action,
    returnTo: input.returnTo,
    multipart: stepAsksForFiles(definition, step),
  });
}

/**
 * Where a saved page leads: "save and come back later" to the person's applications, the last page
 * (or a change made from the check page) to the check page, any other page to the next one.
 */
export function goOnFrom(
  req: Request,
  res: Response,
  saved: {
    definition: ServiceDefinition;
    applicationId: number;
    page: number;
    body: Record<string, unknown>;
  },
): void {
  if (saved.body.action === 'save') {
    addFlash(req, 'success', 'apply.savedForLater');
    return res.redirect(303, '/applications');
  }
  const last = saved.page + 1 >= formSteps(saved.definition).length;
  res.redirect(
    303,
    last || saved.body.returnTo === 'check'
      ? `/applications/${saved.applicationId}/check`
      : `/applications/${saved.applicationId}/form/${saved.page + 1}`,
  );
}
