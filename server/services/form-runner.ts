import type { Knex } from 'knex';
import {
  formSteps,
  inFormOrder,
  stepAsksForFiles,
  routedMunicipality,
  validateAll,
  validateStep,
  type Answers,
} from '../../workflows/form/form.js';
import { localDate, type Calendar } from '../../workflows/calendar.js';
import type { Registry } from '../../workflows/registry.js';
import type { ServiceDefinition } from '../../workflows/types.js';
import type { ApplicationRow } from '../../db/repositories/applications.js';
import type { DocumentRow } from '../../db/repositories/documents.js';
import type { UserRow } from '../../db/repositories/users.js';
import type { FieldProblem } from '../../workflows/form/field-rules.js';
import type { Clock } from '../clock.js';
import type { ApplicationsService } from './applications.js';
import type { ApplyEvent } from './apply-event.js';
import { newReference } from './reference.js';
import {
  chooseAgain,
  filesOfShownFields,
  saveWithFiles,
  screenPageFiles,
  strayDocuments,
  tooManyProblems,
  type DocumentsForForms,
  type PageFiles,
} from './page-files.js';

/** States in which the applicant may change answers and documents: drafting, and answering a request for information. */
export const EDITABLE_STATES = ['draft', 'info_requested'];

export function isEditable(app: ApplicationRow): boolean {
  return EDITABLE_STATES.includes(app.state);
}

export type RunnerResult<T> =
  { ok: true; value: T } | { ok: false; status: number; problems: FieldProblem[] };

/** Stored files per document requirement, for the required-document checks. */
function countsOf(documents: DocumentRow[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const d of documents) counts[d.requirement_key] = (counts[d.requirement_key] ?? 0) + 1;
  return counts;
}

/** Who may apply for a service: its applicant kinds (staff apply for people through assisted intake). */
export function mayApply(definition: ServiceDefinition, user: UserRow): boolean {
  return user.kind !== 'staff' && (definition.applicants as string[]).includes(user.kind);
}

/** Answers taken from the person's profile so nobody types them twice. */
export function prefillFrom(definition: ServiceDefinition, user: UserRow): Answers {
  const profile: Record<string, string | null> = {
    name: user.name,
    cpr: user.cpr,
    cr: user.cr,
    mobile: user.mobile,
    email: user.email,
  };
  const answers: Answers = {};
  for (const field of definition.fields) {
    const value = field.prefill ? profile[field.prefill] : null;
    if (value) answers[field.key] = value;
  }
  return answers;
}

/**
 * The form runner's use cases: start a draft, save a page (validated on the server), and submit
 * (every page and every required document checked again, a reference number given).
 */
export function formRunnerService(deps: {
  db: Knex;
  registry: Registry;
  clock: Clock;
  calendar: Calendar;
  applications: ApplicationsService;
  applyEvent: ApplyEvent;
  documents: DocumentsForForms;
}) {
  const { db, registry, clock, calendar } = deps;
  const today = () => localDate(clock.now(), calendar);

  function definitionOf(app: ApplicationRow): ServiceDefinition {
    const definition = registry.get(app.service_slug, app.service_version);
    if (!definition) throw new Error(`service ${app.service_slug}@${app.service_version} is not registered`);
    return definition;
  }

  async function start(definition: ServiceDefinition, user: UserRow): Promise<ApplicationRow> {
    return deps.applications.createDraft({
      serviceSlug: definition.slug,
      applicantId: user.id,
      formData: prefillFrom(definition, user),
    });
  }

  /**
   * Saves the first page of an application that has no draft yet: the draft is made with the page's
   * answers (or, with `partial`, what is valid of them) and the page's files, so opening a form and
   * leaving it makes nothing. A refused file or (without `partial`) a mistake stores nothing.
   */
  async function startWithFirstPage(
    definition: ServiceDefinition,
    user: UserRow,
    submitted: Record<string, unknown>,
    options: { partial?: boolean; files?: PageFiles } = {},
  ): Promise<RunnerResult<ApplicationRow>> {
    const step = formSteps(definition)[0]!;
    const previous = prefillFrom(definition, user);
    const pageFiles = options.files
      ? filesOfShownFields(options.files, definition, answersAfter(definition, step, submitted, previous))
      : undefined;
    const files = await screenPageFiles(deps.documents, null, {}, pageFiles);
    if (!files.ok) return files;
    const result = validateStep(definition, step, submitted, previous, {
      today: today(),
      documentCounts: files.counts,
    });
    if (result.problems.length > 0 && !options.partial)
      return {
        ok: false,
        status: 400,
        problems: inFormOrder(definition, [...result.problems, ...chooseAgain(files.chosen)]),
      };
    const draftOf = (trx?: Knex.Transaction) =>
      deps.applications.createDraft(
        {
          serviceSlug: definition.slug,
          applicantId: user.id,
          formData: result.answers,
          municipality: routedMunicipality(definition, result.answers),
        },
        trx,
      );
    if (files.screened.length === 0) return { ok: true, value: await draftOf() };
    const draft = await saveWithFiles(db, deps.documents, files.screened, options.files!.by, async (trx) => {
      const created = await draftOf(trx);
      return { applicationId: created.id, value: created };
    });
    if (draft === 'too_many')
      return { ok: false, status: 413, problems: tooManyProblems(options.files, files.chosen) };
    return { ok: true, value: draft! };
  }

  /**
   * Validates a page; valid answers are stored (also when `partial`, for "save and come back later")
   * together with the page's files, which are screened first: a refused file stores nothing.
   */
  async function savePage(
    app: ApplicationRow,
    page: number,
    submitted: Record<string, unknown>,
    options: { partial?: boolean; files?: PageFiles } = {},
  ): Promise<RunnerResult<Answers>> {
    const definition = definitionOf(app);
    const step = formSteps(definition)[page];
    if (step === undefined) return { ok: false, status: 404, problems: [] };
    const previous = JSON.parse(app.form_data) as Answers;
    // Files are counted only for a page that asks for them.
    const asksForFiles = stepAsksForFiles(definition, step);
    const stored = asksForFiles ? countsOf(await deps.documents.list(app.id)) : {};
    const files = await screenPageFiles(
      deps.documents,
      app.id,
      stored,
      asksForFiles && options.files
        ? filesOfShownFields(options.files, definition, answersAfter(definition, step, submitted, previous))
        : undefined,
    );
    if (!files.ok) return files;
    const result = validateStep(definition, step, submitted, previous, {
      today: today(),
      documentCounts: files.counts,
    });
    if (result.problems.length > 0 && !options.partial)
      return {
        ok: false,
        status: 400,
        problems: inFormOrder(definition, [...result.problems, ...chooseAgain(files.chosen)]),
      };
    const update = async (trx: Knex) =>
      (await trx('applications')
        .where({ id: app.id, version: app.version })
        .whereIn('state', EDITABLE_STATES)
        .update({
          form_data: JSON.stringify(result.answers),
          // Routing is decided while drafting; answering a request for information does not move it.
          ...(app.status === 'draft' ? { municipality: routedMunicipality(definition, result.answers) } : {}),
          updated_at: clock.now(),
          version: app.version + 1,
        })) === 1;
    const saved =
      files.screened.length === 0
        ? await update(db)
        : await saveWithFiles(db, deps.documents, files.screened, options.files!.by, async (trx) =>
            (await update(trx)) ? { applicationId: app.id, value: true } : null,
          );
    if (saved === 'too_many')
      return { ok: false, status: 413, problems: tooManyProblems(options.files, files.chosen) };
    if (saved !== true) return { ok: false, status: 409, problems: [] };
    return { ok: true, value: result.answers };
  }

  /** The answers a page would leave (which fields show after it), before its files are counted. */
  function answersAfter(
    definition: ServiceDefinition,
    step: number,
    submitted: Record<string, unknown>,
    previous: Answers,
  ): Answers {
    return validateStep(definition, step, submitted, previous, { today: today() }).answers;
  }

  /**
   * What submission checks: every page again and the required documents. `stray` are the stored
   * documents of questions that do not show with these answers; submission deletes them, as the
   * check page says, so what staff receive is what the person was shown.
   */
  async function checkAnswers(
    app: ApplicationRow,
  ): Promise<{ problems: FieldProblem[]; stray: DocumentRow[] }> {
    const definition = definitionOf(app);
    const answers = JSON.parse(app.form_data) as Answers;
    // Documents are read only for a form that asks for them.
    const asksForFiles = definition.fields.some((f) => f.type === 'file');
    const stored = asksForFiles ? await deps.documents.list(app.id) : [];
    return {
      problems: validateAll(definition, answers, { today: today(), documentCounts: countsOf(stored) }),
      stray: strayDocuments(definition, answers, stored),
    };
  }

  /** Deletes the stray documents' rows with the event, and their files once it has committed. */
  function dropping(app: ApplicationRow, stray: DocumentRow[]) {
    let files: string[] = [];
    return {
      alsoInTransaction:
        stray.length === 0
          ? undefined
          : async (trx: Knex.Transaction) => {
              files = await deps.documents.deleteRows(trx, app.id, stray);
            },
      afterCommit: () => deps.documents.discard(files),
    };
  }

  async function submit(app: ApplicationRow, actor: { role: 'applicant' | 'counter'; userId: number }) {
    const { problems, stray } = await checkAnswers(app);
    if (problems.length > 0) return { ok: false as const, status: 400, problems };
    const definition = definitionOf(app);
    const answers = JSON.parse(app.form_data) as Answers;
    const year = Number(localDate(clock.now(), calendar).slice(0, 4));
    const drop = dropping(app, stray);
    // A reference is unique; on the rare collision, draw again.
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        const result = await deps.applyEvent({
          applicationId: app.id,
          event: { type: 'SUBMIT' },
          actor,
          expectedVersion: app.version,
          current: app,
          extra: {
            reference: newReference(definition.slug, year),
            municipality: routedMunicipality(definition, answers),
          },
          alsoInTransaction: drop.alsoInTransaction,
        });
        if (!result.ok) return { ok: false as const, status: result.status, problems: [] as FieldProblem[] };
        await drop.afterCommit();
        return { ok: true as const, application: result.application };
      } catch (err) {
        if (!/unique|duplicate/i.test(String((err as Error).message))) throw err;
      }
    }
    throw new Error('could not draw a unique reference number');
  }

  /** Answers a request for more information: every page checked again, then RESUBMIT. */
  async function resubmit(app: ApplicationRow, actor: { role: 'applicant' | 'counter'; userId: number }) {
    const { problems, stray } = await checkAnswers(app);
    if (problems.length > 0) return { ok: false as const, status: 400, problems };
    const drop = dropping(app, stray);
    const result = await deps.applyEvent({
      applicationId: app.id,
      event: { type: 'RESUBMIT' },
      actor,
      expectedVersion: app.version,
      alsoInTransaction: drop.alsoInTransaction,
    });
    if (!result.ok) return { ok: false as const, status: result.status, problems: [] as FieldProblem[] };
    await drop.afterCommit();
    return { ok: true as const, application: result.application };
  }

  return { start, startWithFirstPage, savePage, checkAnswers, submit, resubmit, definitionOf, today };
}

export type FormRunnerService = ReturnType<typeof formRunnerService>;
