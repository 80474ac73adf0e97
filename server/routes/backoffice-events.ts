import type { Request, RequestHandler, Response, Router } from 'express';
import type { ApplicationRow } from '../../db/repositories/applications.js';
import type { AvailableEvent } from '../../workflows/engine.js';
import type { Services } from '../services/index.js';
import { workflowRole } from '../services/backoffice.js';
import { HttpError } from '../http/errors.js';
import { formBody, listField, textField, type FieldError } from '../http/form-errors.js';
import { addFlash } from '../http/session.js';
import { reasonMessage } from '../services/reasons.js';

/** Actions whose button is red: they refuse or close something the applicant asked for. */
export const NEGATIVE_ACTIONS: readonly string[] = [
  'REJECT',
  'UPHOLD',
  'DECLINE_CLEARANCE',
  'INSPECTION_FAILED',
];

/** What the event route needs of the back-office application page. */
export interface ApplicationPage {
  inScope(req: Request, res: Response): Promise<ApplicationRow>;
  render(
    res: Response,
    app: ApplicationRow,
    extra?: {
      errors?: { field: string; href: string; text: string }[];
      warning?: string;
      comment?: string;
      event?: string;
      /** What was sent for the action's inputs, put back in its form. */
      values?: Record<string, string | string[]>;
    },
  ): Promise<void>;
}

/**
 * A member of staff takes a workflow action (approve, reject, request more information…). An
 * action that tells the applicant a decision is confirmed first: the first POST shows what is
 * about to be sent and what follows, and only the POST from that page (`confirmed=yes`) takes it.
 */
export function backofficeEventRoutes(
  router: Router,
  services: Services,
  staff: RequestHandler,
  page: ApplicationPage,
): void {
  router.post('/backoffice/applications/:id/events/:event', staff, async (req, res) => {
    const app = await page.inScope(req, res);
    const user = res.locals.user!;
    const body = formBody(req);
    const errors: FieldError[] = [];
    const type = String(req.params.event);
    let comment = textField(body, 'comment', errors);
    const template = textField(body, 'template', errors);
    // A template's text (in the applicant's language) comes first; a message typed too follows it.
    const reason = template ? await reasonMessage(services, app, type, template) : null;
    if (reason) comment = comment.trim() ? `${reason}\n\n${comment.trim()}` : reason;
    const action = services.backoffice.actionsFor(user, app, type).find((a) => a.type === type);
    const values: Record<string, string | string[]> = {};
    for (const input of action?.inputs ?? []) {
      // The fields a request for more information opens come as one checkbox each.
      values[input.key] =
        input.type === 'fields' ? listField(body, input.key) : textField(body, input.key, errors);
    }
    const messageMissing = (shown: ApplicationRow) =>
      page.render(res.status(400), shown, {
        errors: [
          {
            field: `comment-${type}`,
            href: `#comment-${type}`,
            text: res.locals.t('backoffice.messageRequired'),
          },
        ],
        comment,
        event: type,
        values,
      });

    if (action?.decides) {
      const answer = textField(body, 'confirmed', errors);
      // "Change the message": the application page again, with the message as it was typed.
      if (answer === 'change') return page.render(res, app, { comment, event: type });
      if (answer !== 'yes') {
        if (action.requiresComment && !comment.trim()) return messageMissing(app);
        return renderConfirmation(res, app, action, {
          comment,
          values,
          version: textField(body, 'version', errors),
        });
      }
    }

    const event: Record<string, unknown> = { type, ...(action?.params ?? {}), ...values };
    if (comment.trim()) event.comment = comment;
    const result = await services.applyEvent({
      applicationId: app.id,
      event: event as { type: string },
      actor: { role: workflowRole(user), userId: user.id },
      expectedVersion: Number(body.version) || undefined,
      // Read just now in this request; stored only if its version is still the same.
      current: app,
    });
    if (result.ok) {
      addFlash(req, 'success', 'backoffice.done');
      return res.redirect(303, `/backoffice/applications/${app.id}`);
    }
    const fresh = (await services.applications.findById(app.id))!;
    if (result.code === 'conflict' || result.code === 'not_possible') {
      // Someone else acted first: say so and show the application as it is now.
      return page.render(res.status(409), fresh, { warning: 'backoffice.someoneElseFirst' });
    }
    if (result.code === 'comment_required' || (result.code === 'invalid_payload' && !comment.trim()))
      return messageMissing(fresh);
    throw new HttpError(result.status, result.code);
  });

  /** "Approve RC-2026-…?": the decision, the message the applicant will read and what follows. */
  async function renderConfirmation(
    res: Response,
    app: ApplicationRow,
    action: AvailableEvent,
    sent: { comment: string; values: Record<string, string | string[]>; version: string },
  ): Promise<void> {
    const definition = services.registry.get(app.service_slug, app.service_version)!;
    const applicant = await services.accounts.findById(app.applicant_id);
    const label = res.locals.pick(action.label);
    res.render('backoffice/confirm-decision', {
      title: res.locals.t('backoffice.confirm.title', { action: label, reference: app.reference ?? '' }),
      application: app,
      definition,
      applicant,
      action,
      label,
      negative: NEGATIVE_ACTIONS.includes(action.type),
      comment: sent.comment.trim(),
      inputs: action.inputs.map((input) => ({ input, value: sent.values[input.key] ?? '' })),
      version: sent.version,
    });
  }
}
