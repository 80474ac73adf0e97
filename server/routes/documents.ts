import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { Services } from '../services/index.js';
import { requireSignIn } from '../http/guards.js';
import { HttpError } from '../http/errors.js';
import { applicationLocals, ownApplication } from '../http/own-application.js';
import { registerUploadPath } from '../http/upload-paths.js';
import { sendDocument, uploadedFiles } from '../http/uploads.js';
import { isEditable } from '../services/form-runner.js';
import { openedFieldsOf } from '../services/opened-fields.js';
import { ALL_OPEN, openRequirements } from '../../workflows/form/opened.js';
import { formBody } from '../http/form-errors.js';
import { addFlash } from '../http/session.js';

registerUploadPath(/^\/applications\/\d+\/documents$/);

/** The applicant's documents of one application: upload per requirement, remove, download. */
export function documentRoutes(
  services: Services,
  parseUpload: (...fields: string[]) => RequestHandler,
): Router {
  const router = Router();
  const own = ownApplication(services);

  /** Opened from the check page's "Change": uploads and removals stay on the way back to it. */
  const fromCheck = (req: Request) => req.query.return === 'check';
  const documentsPage = (id: number, req: Request) =>
    `/applications/${id}/documents${fromCheck(req) ? '?return=check' : ''}`;

  async function render(res: Response, problem?: { requirement: string; code: string }) {
    const { application, definition } = applicationLocals(res);
    const documents = await services.documents.list(application.id);
    const open = changeable(res);
    const heading = res.locals.t('documents.title');
    const errors = problem
      ? [
          {
            field: problem.requirement,
            href: `#files-${problem.requirement}`,
            text: res.locals.t(`documents.errors.${problem.code}`),
          },
        ]
      : [];
    const fileStep = definition.fields.find((f) => f.type === 'file')?.step ?? 0;
    const steps = [...new Set(definition.fields.map((f) => f.step))].sort((a, b) => a - b);
    res.render('applications/documents', {
      title: errors.length ? `${res.locals.t('errors.titlePrefix')}${heading}` : heading,
      heading,
      application,
      definition,
      documents,
      editable: isEditable(application),
      // Answering a request for more information: only the opened documents change.
      mayChange: (key: string) => open?.has(key) ?? true,
      errors,
      backPage: Math.max(0, steps.indexOf(fileStep)),
      returnTo: fromCheck(res.req) ? 'check' : '',
    });
  }

  /**
   * The requirements whose files may be added or removed now (docs/decisions/0021): null for all,
   * else those of the file questions a request for more information opened.
   */
  function changeable(res: Response): Set<string> | null {
    const { application, definition } = applicationLocals(res);
    const opened = openedFieldsOf(definition, application);
    return opened === ALL_OPEN ? null : openRequirements(definition, opened);
  }
  const mayChange = (res: Response, key: string) => changeable(res)?.has(key) ?? true;

  router.get('/applications/:id/documents', requireSignIn, own, async (_req, res) => {
    await render(res);
  });

  router.post(
    '/applications/:id/documents',
    requireSignIn,
    own,
    parseUpload('files'),
    async (req, res, next) => {
      const { application, definition } = applicationLocals(res);
      if (!isEditable(application)) return next(new HttpError(409, 'not editable'));
      const key = formBody(req).requirement;
      const requirement = definition.guide.documents.find((d) => d.key === key);
      if (!requirement) return next(new HttpError(400, 'unknown requirement'));
      if (!mayChange(res, requirement.key)) return next(new HttpError(409, 'not opened for changes'));
      const files = uploadedFiles(req, 'files');
      if (files.length === 0) {
        res.status(400);
        return render(res, { requirement: requirement.key, code: 'none_chosen' });
      }
      const result = await services.documents.accept({
        applicationId: application.id,
        requirement,
        files,
        existingCount: await services.documents.countFor(application.id, requirement.key),
        uploadedBy: res.locals.user!.id,
      });
      if (!result.ok) {
        res.status(result.status);
        return render(res, { requirement: requirement.key, code: result.code });
      }
      addFlash(req, 'success', 'documents.uploaded');
      res.redirect(303, `${documentsPage(application.id, req)}#upload-${requirement.key}`);
    },
  );

  router.post(
    '/applications/:id/documents/:documentId/remove',
    requireSignIn,
    own,
    async (req, res, next) => {
      const { application } = applicationLocals(res);
      if (!isEditable(application)) return next(new HttpError(409, 'not editable'));
      const open = changeable(res);
      if (open) {
        const id = Number(req.params.documentId);
        const stored = (await services.documents.list(application.id)).find((d) => d.id === id);
        if (stored && !open.has(stored.requirement_key))
          return next(new HttpError(409, 'not opened for changes'));
      }
      const removed = await services.documents.remove(application.id, Number(req.params.documentId));
      if (!removed) return next(new HttpError(404, 'no such document'));
      addFlash(req, 'success', 'documents.removed');
      res.redirect(303, documentsPage(application.id, req));
    },
  );

  router.get('/applications/:id/documents/:documentId', requireSignIn, own, async (req, res, next) => {
    const { application } = applicationLocals(res);
    const doc = await services.documents.openForDownload(Number(req.params.documentId), application.id);
    if (!doc) return next(new HttpError(404, 'no such document'));
    await sendDocument(res, doc);
  });

  return router;
}
