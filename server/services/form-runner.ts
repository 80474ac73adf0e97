import type { Knex } from 'knex';
import {
  formSteps,
  inFormOrder,
  stepAsksForFiles,
  routedMunicipality,
  validateStep,
  type Answers,
} from '../../workflows/form/form.js';
import { localDate, type Calendar } from '../../workflows/calendar.js';
import type { Registry } from '../../workflows/registry.js';
import type { ServiceDefinition } from '../../workflows/types.js';
import type { ApplicationRow } from '../../db/repositories/applications.js';
import { ALL_OPEN, keepClosed, isOpen, type OpenedFields } from '../../workflows/form/opened.js';
import { openedFieldsOf } from './opened-fields.js';
import type { UserRow } from '../../db/repositories/users.js';
import type { FieldProblem } from '../../workflows/form/field-rules.js';
import type { Clock } from '../clock.js';
import type { ApplicationsService } from './applications.js';
import type { ApplyEvent } from './apply-event.js';
import { submissionService } from './form-submission.js';
import {
  chooseAgain,
  countsOf,
  filesOfShownFields,
  removedByPage,
  saveWithFiles,
  screenPageFiles,
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
      return { applicationId: created.id, value: created, madeNow: true };
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
    const opened = openedFieldsOf(definition, app);
    // Files are counted only for a page that asks for them; closed fields take none.
    const asksForFiles = stepAsksForFiles(definition, step);
    const storedDocuments = asksForFiles ? await deps.documents.list(app.id) : [];
    const shownFiles =
      asksForFiles && options.files
        ? onlyOpen(
            opened,
            filesOfShownFields(
              options.files,
              definition,
              answersAfter(definition, step, submitted, previous),
            ),
          )
        : undefined;
    // Removed and replaced files no longer count against their requirement.
    const removed = removedByPage(shownFiles, storedDocuments);
    const stored = countsOf(storedDocuments.filter((d) => !removed.includes(d)));
    const files = await screenPageFiles(deps.documents, app.id, stored, shownFiles);
    if (!files.ok) return files;
    // A closed field keeps its stored answer, whatever the page sent for it.
    const result = keepClosed(
      definition,
      opened,
      validateStep(definition, step, submitted, previous, { today: today(), documentCounts: files.counts }),
      previous,
    );
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
    // The removed files' rows go in the page's transaction, their files once it has committed.
    let removedFiles: string[] = [];
    const saved =
      files.screened.length === 0 && removed.length === 0
        ? await update(db)
        : await saveWithFiles(db, deps.documents, files.screened, options.files!.by, async (trx) => {
            if (!(await update(trx))) return null;
            removedFiles = await deps.documents.deleteRows(trx, app.id, removed);
            return { applicationId: app.id, value: true };
          });
    if (saved === 'too_many')
      return { ok: false, status: 413, problems: tooManyProblems(options.files, files.chosen) };
    if (saved !== true) return { ok: false, status: 409, problems: [] };
    await deps.documents.discard(removedFiles);
    return { ok: true, value: result.answers };
  }

  /** The page's files and removals of open fields only. */
  function onlyOpen(opened: OpenedFields, files: PageFiles): PageFiles {
    return opened === ALL_OPEN
      ? files
      : { ...files, entries: files.entries.filter((e) => isOpen(opened, e.field)) };
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

  const submission = submissionService({ ...deps, definitionOf, today });

  return { start, startWithFirstPage, savePage, ...submission, definitionOf, today };
}

export type FormRunnerService = ReturnType<typeof formRunnerService>;
