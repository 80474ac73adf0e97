import { Router, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type { ServiceDefinition } from '../../workflows/types.js';
import type { Services } from '../services/index.js';
import { mayApply, prefillFrom } from '../services/form-runner.js';
import { requireSignIn } from '../http/guards.js';
import { HttpError } from '../http/errors.js';
import { formBody } from '../http/form-errors.js';
import { renderGuide } from './catalogue.js';
import { registerUploadPath } from '../http/upload-paths.js';
import { goOnFrom, pageFiles, renderFormPage, submittedValues } from './form-page.js';

registerUploadPath(/^\/services\/[a-z0-9-]+\/apply$/);

/**
 * Starting an application. The guide's "Start" opens the first page of the form; the draft is
 * made when that page is first saved (Continue, or "save and come back later") with the page's
 * answers and files, so looking at a form makes no empty draft (decisions 0010 and 0012).
 */
export function applyStartRoutes(services: Services, parsePageUpload: RequestHandler): Router {
  const router = Router();
  const { forms } = services;

  /** The service if this person may start it now; otherwise the answer is sent and null returned. */
  async function startable(req: Request, res: Response, next: NextFunction) {
    const definition = services.catalogue.find(req.params.slug as string);
    const refusal = !definition
      ? new HttpError(404, 'no such service')
      : !mayApply(definition, res.locals.user!)
        ? new HttpError(403, 'not for this kind of account')
        : null;
    if (refusal || !definition) {
      next(refusal);
      return null;
    }
    if (!services.catalogue.enabled(definition.slug)) {
      // Disabled by an administrator: say so on the guide; applications in flight carry on.
      await renderGuide(services, res.status(409), definition, { refused: true });
      return null;
    }
    return definition;
  }

  const action = (definition: ServiceDefinition) => `/services/${definition.slug}/apply`;

  router.get('/services/:slug/apply', requireSignIn, async (req, res, next) => {
    const definition = await startable(req, res, next);
    if (!definition) return;
    renderFormPage(res, {
      definition,
      application: null,
      page: 0,
      answers: prefillFrom(definition, res.locals.user!),
      problems: [],
      documents: [],
      action: action(definition),
      returnTo: '',
    });
  });

  router.post('/services/:slug/apply', requireSignIn, parsePageUpload, async (req, res, next) => {
    const definition = await startable(req, res, next);
    if (!definition) return;
    const body = formBody(req);
    const pageSent = body.action === 'continue' || body.action === 'save';
    if (!pageSent) {
      // An empty draft, as before the first page could be sent here (kept for anything that posts so).
      const draft = await forms.start(definition, res.locals.user!);
      return res.redirect(303, `/applications/${draft.id}/form/0`);
    }
    const submitted = submittedValues(definition, 0, body);
    const user = res.locals.user!;
    const result = await forms.startWithFirstPage(definition, user, submitted, {
      partial: body.action === 'save',
      files: pageFiles(req, definition, 0, user.id),
    });
    if (!result.ok) {
      // Nothing is stored; what the person typed comes back into the form (files must be chosen again).
      res.status(result.status);
      return renderFormPage(res, {
        definition,
        application: null,
        page: 0,
        answers: { ...prefillFrom(definition, res.locals.user!), ...submitted },
        problems: result.problems,
        documents: [],
        action: action(definition),
        returnTo: '',
      });
    }
    goOnFrom(req, res, { definition, applicationId: result.value.id, page: 0, body });
  });

  return router;
}
