import type { RequestHandler, Response } from 'express';
import type { ApplicationRow } from '../../db/repositories/applications.js';
import type { ServiceDefinition } from '../../workflows/types.js';
import type { Services } from '../services/index.js';
import { HttpError } from './errors.js';

export interface ApplicationLocals {
  application: ApplicationRow;
  definition: ServiceDefinition;
}

export function applicationLocals(res: Response): ApplicationLocals {
  return res.locals as unknown as ApplicationLocals;
}

/**
 * Loads the application named in the URL when it is the signed-in person's own, or a draft the
 * signed-in counter clerk registered for someone. Anyone else's, or one that does not exist, is
 * the same 404 (no hint that the number exists).
 */
export function ownApplication(services: Services): RequestHandler {
  return async (req, res, next) => {
    const id = Number(req.params.id);
    const application = Number.isSafeInteger(id) ? await services.applications.findById(id) : undefined;
    const user = res.locals.user;
    // Counter staff fill in the drafts they registered for a person (assisted intake) until submitted.
    const registeredByMe =
      user?.kind === 'staff' &&
      user.role === 'counter' &&
      application?.created_by === user.id &&
      application.status === 'draft';
    if (!application || (application.applicant_id !== user?.id && !registeredByMe))
      return next(new HttpError(404, 'not yours'));
    const definition = services.forms.definitionOf(application);
    Object.assign(res.locals, { application, definition } satisfies ApplicationLocals);
    next();
  };
}
