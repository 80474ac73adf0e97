import { Router, type Request, type RequestHandler, type Response } from 'express';
import { availableEvents, describeState, timelineLabeller } from '../../workflows/engine.js';
import type { Services } from '../services/index.js';
import type { PersistedSnapshot, ServiceDefinition } from '../../workflows/types.js';
import { requireSignIn } from '../http/guards.js';
import { applicationLocals, ownApplication } from '../http/own-application.js';
import { HttpError } from '../http/errors.js';
import { formBody, textField, type FieldError } from '../http/form-errors.js';
import { addFlash } from '../http/session.js';
import { sendPdf } from './verify.js';
import { registerUploadPath } from '../http/upload-paths.js';
import { uploadedFiles } from '../http/uploads.js';
import { QUERY_FILES } from '../services/query-files.js';
import { fieldsNamedFor, openedFieldsOf } from '../services/opened-fields.js';
import { ALL_OPEN } from '../../workflows/form/opened.js';
import { formSteps } from '../../workflows/form/form.js';
import type { ApplicationRow } from '../../db/repositories/applications.js';
import { REFUSAL_PROBLEM } from '../services/page-files.js';
import type { Refusal } from '../services/documents.js';

// A query may carry documents, so its form is multipart (the other actions' forms are not).
registerUploadPath(/^\/applications\/\d+\/actions\/RAISE_QUERY$/);

/** Events an applicant sends from the application page. */
const APPLICANT_ACTIONS = new Set(['WITHDRAW', 'RAISE_QUERY']);

/** Messages written to the applicant travel with these events; other comments stay internal. */
const SHOWN_COMMENTS = new Set(['REJECT', 'REQUEST_INFO', 'UPHOLD', 'RAISE_QUERY', 'INSPECTION_FAILED']);

export interface TimelineEntry {
  at: Date | string;
  event: string;
  label: { ar: string; en: string };
  role: string;
  comment: string | null;
}

/** The audit trail as the applicant sees it: what was done and when, staff by role, not by name. */
export async function applicantTimeline(
  services: Services,
  applicationId: number,
  slug: string,
  version: number,
) {
  const definition = services.registry.get(slug, version)!;
  const labelOf = timelineLabeller(definition);
  const events = await services.applications.events(applicationId);
  return events.map((e): TimelineEntry => ({
    at: e.created_at as string,
    event: String(e.event),
    label: labelOf(String(e.event), e.payload),
    role: String(e.actor_role),
    comment: SHOWN_COMMENTS.has(String(e.event)) ? ((e.comment as string | null) ?? null) : null,
  }));
}

/**
 * What a request for more information opened (decision 0021): the fields the reviewer named, by
 * their labels, and the first form page that has one; null when it opened everything.
 */
function openedAnswers(definition: ServiceDefinition, application: ApplicationRow) {
  const opened = openedFieldsOf(definition, application);
  if (opened === ALL_OPEN) return null;
  const steps = formSteps(definition);
  const firstStep = Math.min(...definition.fields.filter((f) => opened.has(f.key)).map((f) => f.step));
  return {
    labels: fieldsNamedFor(definition, application).map((f) => f.label),
    firstPage: Math.max(0, steps.indexOf(firstStep)),
  };
}

/** The query form's files; a file in any other field is nothing the form offered. */
function queryFiles(req: Request) {
  const sent = Array.isArray(req.files) ? req.files : [];
  if (sent.some((f) => f.fieldname !== 'files'))
    throw new HttpError(400, 'a file in a field the form does not have');
  // A file input left empty still sends a part, with no bytes.
  return uploadedFiles(req, 'files').filter((f) => f.buffer.length > 0);
}

export function myApplicationRoutes(services: Services, parsePageUpload: RequestHandler): Router {
  const router = Router();
  const own = ownApplication(services);

  /** What the signed-in applicant may do on their application now. */
  function applicantActions(res: Response): string[] {
    const { application, definition } = applicationLocals(res);
    const persisted = JSON.parse(application.snapshot) as PersistedSnapshot;
    return availableEvents(definition, persisted, 'applicant', res.locals.user!.id, {
      now: services.clock.now(),
    })
      .filter((a) => APPLICANT_ACTIONS.has(a.type))
      .map((a) => a.type);
  }

  async function renderShow(
    res: Response,
    errors: { field: string; href: string; text: string }[] = [],
    message = '',
  ) {
    const { application, definition } = applicationLocals(res);
    const actions = applicantActions(res);
    if (errors.length > 0 && res.statusCode < 400) res.status(400);
    const heading = `${res.locals.pick(definition.name)} ${application.reference ?? ''}`.trim();
    const timeline = await applicantTimeline(services, application.id, definition.slug, definition.version);
    // Files sent with queries: only an application that has had a query can have any.
    const sentWithQueries = timeline.some((e) => e.event === 'RAISE_QUERY')
      ? (await services.documents.list(application.id)).filter((d) => d.requirement_key === QUERY_FILES.key)
      : [];
    res.render('applications/show', {
      title: errors.length > 0 ? `${res.locals.t('errors.titlePrefix')}${heading}` : heading,
      application,
      definition,
      where: describeState(definition, JSON.parse(application.snapshot) as PersistedSnapshot),
      timeline,
      actions,
      errors,
      message,
      opened: openedAnswers(definition, application),
      queryFiles: QUERY_FILES,
      sentWithQueries,
      certificate: await certificateOf(application.id),
    });
  }

  /** The application's certificate as its page shows it, if one was issued. */
  async function certificateOf(applicationId: number) {
    const row = await services.certificates.forApplication(applicationId);
    if (!row) return null;
    return {
      row,
      status: services.certificates.statusOf(row),
      verifyUrl: services.certificates.verifyUrl(row),
    };
  }

  router.get('/applications/:id', requireSignIn, own, async (_req, res) => {
    const { application } = applicationLocals(res);
    if (application.status === 'draft') return res.redirect(303, `/applications/${application.id}/form/0`);
    await renderShow(res);
  });

  // What an applicant may do on their own application; RESUBMIT goes through check-your-answers.
  /** A file refused with a query: the page again, its status the refusal's, the message kept. */
  function refusedFiles(res: Response, refusal: Refusal, message: string) {
    res.status(refusal.status);
    const label = res.locals.t('applications.queryFiles');
    const key =
      refusal.code === 'too_many'
        ? 'errors.queryFilesTooMany'
        : `errors.field.${REFUSAL_PROBLEM[refusal.code]}`;
    const text = res.locals.t(key, {
      label,
      maxSizeMb: QUERY_FILES.maxSizeMb,
      maxFiles: QUERY_FILES.maxFiles,
      types: QUERY_FILES.types.map((t) => t.toUpperCase()).join(', '),
    });
    return renderShow(res, [{ field: 'files', href: '#query-files', text }], message);
  }

  router.post(
    '/applications/:id/actions/:event',
    requireSignIn,
    own,
    parsePageUpload,
    async (req, res, next) => {
      const { application } = applicationLocals(res);
      const type = String(req.params.event);
      if (!APPLICANT_ACTIONS.has(type)) return next(new HttpError(404, 'no such action'));
      const errors: FieldError[] = [];
      // Withdrawing cannot be undone: the first POST asks, only its "yes" withdraws.
      if (type === 'WITHDRAW' && textField(formBody(req), 'confirmed', errors) !== 'yes') {
        return res.render('applications/confirm-withdraw', {
          title: res.locals.t('applications.confirmWithdraw.title', {
            reference: application.reference ?? '',
          }),
          application,
          definition: applicationLocals(res).definition,
          version: textField(formBody(req), 'version', errors),
        });
      }
      const message = textField(formBody(req), 'message', errors);
      const files = type === 'RAISE_QUERY' ? queryFiles(req) : [];
      if (type === 'RAISE_QUERY' && !message.trim()) {
        // Asked before any file is scanned or written; the browser cannot keep the chosen files.
        const chooseAgain = files.length
          ? [
              {
                field: 'files',
                href: '#query-files',
                text: res.locals.t('errors.queryFilesAgain', {
                  label: res.locals.t('applications.queryFiles'),
                }),
              },
            ]
          : [];
        return renderShow(
          res,
          [
            { field: 'message', href: '#message', text: res.locals.t('errors.queryMessageRequired') },
            ...chooseAgain,
          ],
          message,
        );
      }
      const request = {
        applicationId: application.id,
        event: { type, ...(message.trim() ? { comment: message } : {}) },
        actor: { role: 'applicant' as const, userId: res.locals.user!.id },
        expectedVersion: Number(formBody(req).version) || undefined,
        current: application,
      };
      // A query's files are screened only when a query may be raised now (within its window).
      const result =
        files.length > 0 && applicantActions(res).includes(type)
          ? await services.raiseQuery({ ...request, files, uploadedBy: res.locals.user!.id })
          : await services.applyEvent(request);
      if (!result.ok) {
        if ('refusal' in result) return refusedFiles(res, result.refusal, message);
        addFlash(
          req,
          'warning',
          result.code === 'conflict' ? 'applications.changedMeanwhile' : 'applications.actionNotAllowed',
        );
        return res.redirect(303, `/applications/${application.id}`);
      }
      addFlash(req, 'success', `applications.done.${type}`);
      res.redirect(303, `/applications/${application.id}`);
    },
  );

  // The holder's certificate (docs/decisions/0005); a revoked one is no longer handed out.
  router.get('/applications/:id/certificate.pdf', requireSignIn, own, async (_req, res) => {
    const { application } = applicationLocals(res);
    const certificate = await services.certificates.forApplication(application.id);
    if (!certificate || certificate.revoked_at) throw new HttpError(404, 'no certificate');
    sendPdf(res, await services.certificates.pdf(certificate), services.certificates.fileName(certificate));
  });

  router.get('/applications/:id/receipt', requireSignIn, own, (_req, res) => {
    const { application, definition } = applicationLocals(res);
    if (!application.reference) return res.redirect(303, `/applications/${application.id}/check`);
    res.render('applications/receipt', {
      title: `${res.locals.t('apply.receiptTitle')} ${application.reference}`,
      application,
      definition,
      applicant: res.locals.user,
    });
  });

  return router;
}
