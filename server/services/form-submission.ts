import type { Knex } from 'knex';
import { routedMunicipality, validateAll, type Answers } from '../../workflows/form/form.js';
import { localDate, type Calendar } from '../../workflows/calendar.js';
import type { ServiceDefinition } from '../../workflows/types.js';
import type { FieldProblem } from '../../workflows/form/field-rules.js';
import type { ApplicationRow } from '../../db/repositories/applications.js';
import type { DocumentRow } from '../../db/repositories/documents.js';
import type { Clock } from '../clock.js';
import type { ApplyEvent, ApplyEventRequest } from './apply-event.js';
import type { DocumentsService } from './documents.js';
import { countsOf, strayDocuments } from './page-files.js';
import { newReference } from './reference.js';
import { openedFieldsOf } from './opened-fields.js';
import { openProblems } from '../../workflows/form/opened.js';

type Actor = { role: 'applicant' | 'counter'; userId: number };

/**
 * Submission and resubmission (the form runner's last step): every page and every required document
 * checked again, then the workflow event, with the documents of questions that no longer show
 * deleted in the event's transaction (docs/decisions/0017).
 */
export function submissionService(deps: {
  clock: Clock;
  calendar: Calendar;
  applyEvent: ApplyEvent;
  documents: Pick<DocumentsService, 'list' | 'deleteRows' | 'discard'>;
  definitionOf: (app: ApplicationRow) => ServiceDefinition;
  today: () => string;
}) {
  const { clock, calendar, definitionOf, today } = deps;

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
    // Answering a request for more information, only the opened answers are checked again.
    const opened = openedFieldsOf(definition, app);
    return {
      problems: openProblems(
        opened,
        validateAll(definition, answers, { today: today(), documentCounts: countsOf(stored) }),
      ),
      stray: strayDocuments(definition, answers, stored),
    };
  }

  /** Applies the event; the stray documents' rows go in its transaction, their files once it has committed. */
  async function applyDropping(
    app: ApplicationRow,
    stray: DocumentRow[],
    request: Omit<ApplyEventRequest, 'alsoInTransaction'>,
  ) {
    let files: string[] = [];
    const result = await deps.applyEvent({
      ...request,
      alsoInTransaction:
        stray.length === 0
          ? undefined
          : async (trx: Knex.Transaction) => {
              files = await deps.documents.deleteRows(trx, app.id, stray);
            },
    });
    if (!result.ok) return { ok: false as const, status: result.status, problems: [] as FieldProblem[] };
    await deps.documents.discard(files);
    return { ok: true as const, application: result.application };
  }

  async function submit(app: ApplicationRow, actor: Actor) {
    const { problems, stray } = await checkAnswers(app);
    if (problems.length > 0) return { ok: false as const, status: 400, problems };
    const definition = definitionOf(app);
    const answers = JSON.parse(app.form_data) as Answers;
    const year = Number(localDate(clock.now(), calendar).slice(0, 4));
    // A reference is unique; on the rare collision, draw again.
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        return await applyDropping(app, stray, {
          applicationId: app.id,
          event: { type: 'SUBMIT' },
          actor,
          expectedVersion: app.version,
          current: app,
          extra: {
            reference: newReference(definition.slug, year),
            municipality: routedMunicipality(definition, answers),
          },
        });
      } catch (err) {
        if (!/unique|duplicate/i.test(String((err as Error).message))) throw err;
      }
    }
    throw new Error('could not draw a unique reference number');
  }

  /** Answers a request for more information: every page checked again, then RESUBMIT. */
  async function resubmit(app: ApplicationRow, actor: Actor) {
    const { problems, stray } = await checkAnswers(app);
    if (problems.length > 0) return { ok: false as const, status: 400, problems };
    return applyDropping(app, stray, {
      applicationId: app.id,
      event: { type: 'RESUBMIT' },
      actor,
      expectedVersion: app.version,
    });
  }

  return { checkAnswers, submit, resubmit };
}
