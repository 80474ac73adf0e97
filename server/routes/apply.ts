import { Router, type Request, type RequestHandler, type Response } from 'express';
import { formSteps, isShown, stepAsksForFiles, type Answers } from '../../workflows/form/form.js';
import type { FieldProblem } from '../../workflows/form/field-rules.js';
import { describeState } from '../../workflows/engine.js';
import type { PersistedSnapshot } from '../../workflows/types.js';
import type { Services } from '../services/index.js';
import { isEditable } from '../services/form-runner.js';
import { openedFieldsOf } from '../services/opened-fields.js';
import { strayDocuments } from '../services/page-files.js';
import { requireSignIn } from '../http/guards.js';
import { HttpError } from '../http/errors.js';
import { formBody } from '../http/form-errors.js';
import { addFlash } from '../http/session.js';
import { ownApplication, type ApplicationLocals } from '../http/own-application.js';
import { goOnFrom, pageFiles, renderFormPage, shownProblems, submittedValues } from './form-page.js';
import { registerUploadPath } from '../http/upload-paths.js';

type Locals = ApplicationLocals;

registerUploadPath(/^\/applications\/\d+\/form\/\d+$/);

/** A draft's form pages, its check page, submission and discarding. */
export function applyRoutes(services: Services, parsePageUpload: RequestHandler): Router {
  const router = Router();
  const { forms } = services;

  const own = ownApplication(services);
  const draftOnly: RequestHandler = (req, res, next) => {
    const { application } = res.locals as unknown as Locals;
    if (application.status !== 'draft') return res.redirect(303, `/applications/${application.id}`);
    next();
  };
  const editableOnly: RequestHandler = (req, res, next) => {
    const { application } = res.locals as unknown as Locals;
    if (!isEditable(application)) return res.redirect(303, `/applications/${application.id}`);
    next();
  };

  async function renderPage(
    req: Request,
    res: Response,
    page: number,
    answers: Answers,
    problems: FieldProblem[],
    removing: number[] = [],
  ) {
    const { application, definition } = res.locals as unknown as Locals;
    renderFormPage(res, {
      definition,
      application,
      page,
      answers,
      problems,
      removing,
      opened: openedFieldsOf(definition, application),
      // The stored files are shown beside a page's file questions; other pages need none.
      documents: stepAsksForFiles(definition, formSteps(definition)[page]!)
        ? await services.documents.list(application.id)
        : [],
      action: `/applications/${application.id}/form/${page}`,
      returnTo: req.query.return === 'check' ? 'check' : '',
    });
  }

  router.get('/applications/:id/form/:page', requireSignIn, own, editableOnly, async (req, res, next) => {
    const { application, definition } = res.locals as unknown as Locals;
    const page = Number(req.params.page);
    if (!Number.isInteger(page) || formSteps(definition)[page] === undefined)
      return next(new HttpError(404, 'no such page'));
    await renderPage(req, res, page, JSON.parse(application.form_data) as Answers, []);
  });

  router.post(
    '/applications/:id/form/:page',
    requireSignIn,
    own,
    editableOnly,
    parsePageUpload,
    async (req, res, next) => {
      const { application, definition } = res.locals as unknown as Locals;
      const page = Number(req.params.page);
      if (!Number.isInteger(page) || formSteps(definition)[page] === undefined)
        return next(new HttpError(404, 'no such page'));
      const body = formBody(req);
      const submitted = submittedValues(definition, page, body);
      const saveOnly = body.action === 'save';
      const files = pageFiles(req, definition, page, res.locals.user!.id);
      const result = await forms.savePage(application, page, submitted, { partial: saveOnly, files });
      if (!result.ok) {
        if (result.status === 409) return next(new HttpError(409, 'changed meanwhile'));
        // Values kept: what the person typed comes back into the form (files must be chosen again).
        res.status(result.status);
        return renderPage(
          req,
          res,
          page,
          { ...(JSON.parse(application.form_data) as Answers), ...submitted },
          result.problems,
          files.entries.flatMap((entry) => entry.remove),
        );
      }
      goOnFrom(req, res, { definition, applicationId: application.id, page, body });
    },
  );

  router.get('/applications/:id/check', requireSignIn, own, editableOnly, async (_req, res) => {
    await renderCheck(res, []);
  });

  async function renderCheck(res: Response, problems: FieldProblem[]) {
    const { application, definition } = res.locals as unknown as Locals;
    const errors = problems.map((p, i) => ({
      ...shownProblems(res, definition, [p])[0]!,
      href: `/applications/${application.id}/form/${formSteps(definition).indexOf(Number(p.params?.step ?? 0))}#${p.field}`,
      key: i,
    }));
    if (errors.length > 0) res.status(400);
    const heading = res.locals.t('apply.checkTitle');
    const answers = JSON.parse(application.form_data) as Answers;
    const documents = await services.documents.list(application.id);
    res.render('apply/check', {
      title: errors.length ? `${res.locals.t('errors.titlePrefix')}${heading}` : heading,
      heading,
      application,
      definition,
      answers,
      // A file question that does not show with these answers is not part of the application.
      hidden: definition.fields.filter((f) => !isShown(f, answers)).map((f) => f.key),
      steps: formSteps(definition),
      documents,
      // Answering a request for more information: "Change" only beside what it opened.
      opened: openedFieldsOf(definition, application),
      // Stored for a question that no longer shows: deleted on submission, and the page says so.
      stray: strayDocuments(definition, answers, documents).map((d) => ({
        name: d.original_name,
        question: definition.fields.find((f) => f.type === 'file' && f.document === d.requirement_key)!.label,
      })),
      errors,
    });
  }

  router.post('/applications/:id/submit', requireSignIn, own, async (req, res) => {
    const { application } = res.locals as unknown as Locals;
    const user = res.locals.user!;
    const actor = {
      role: user.kind === 'staff' ? ('counter' as const) : ('applicant' as const),
      userId: user.id,
    };
    if (application.state === 'info_requested') {
      const answered = await forms.resubmit(application, actor);
      if (!answered.ok && answered.problems.length > 0) return renderCheck(res, answered.problems);
      if (answered.ok) addFlash(req, 'success', 'apply.resubmitted');
      return res.redirect(303, `/applications/${application.id}`);
    }
    // A second click, or the back button after submitting: the one application is shown again.
    if (application.status !== 'draft') return res.redirect(303, `/applications/${application.id}/submitted`);
    const result = await forms.submit(application, actor);
    const done =
      user.kind === 'staff'
        ? `/backoffice/intake/${application.id}/submitted`
        : `/applications/${application.id}/submitted`;
    if (!result.ok) {
      if (result.status === 409) return res.redirect(303, done);
      return renderCheck(res, result.problems);
    }
    res.redirect(303, done);
  });

  router.get('/applications/:id/submitted', requireSignIn, own, (req, res) => {
    const { application, definition } = res.locals as unknown as Locals;
    if (application.status === 'draft') return res.redirect(303, `/applications/${application.id}/check`);
    res.render('apply/submitted', {
      title: res.locals.t('apply.submittedTitle'),
      application,
      definition,
      print: req.query.print === '1',
    });
  });

  router.post('/applications/:id/discard', requireSignIn, own, draftOnly, async (req, res, next) => {
    const { application } = res.locals as unknown as Locals;
    const result = await services.applyEvent({
      applicationId: application.id,
      event: { type: 'DISCARD' },
      actor: { role: 'applicant', userId: res.locals.user!.id },
      current: application,
    });
    if (!result.ok) return next(new HttpError(result.status, result.code));
    addFlash(req, 'success', 'apply.discarded');
    res.redirect(303, '/applications');
  });

  router.get('/applications', requireSignIn, async (_req, res) => {
    const rows = await services.applications.listForApplicant(res.locals.user!.id);
    const certificates = await services.certificates.forHolder(res.locals.user!.id);
    res.render('applications/index', {
      title: res.locals.t('applications.title'),
      certificates,
      rows: rows.map((row) => {
        const definition = forms.definitionOf(row);
        return {
          row,
          definition,
          where: describeState(definition, JSON.parse(row.snapshot) as PersistedSnapshot),
        };
      }),
    });
  });

  return router;
}
