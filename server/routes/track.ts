import { Router, type RequestHandler } from 'express';
import { describeState } from '../../workflows/engine.js';
import { normaliseCpr, normaliseCr } from '../../workflows/identifiers.js';
import type { PersistedSnapshot } from '../../workflows/types.js';
import type { Services } from '../services/index.js';
import { normaliseReference } from '../services/reference.js';
import { formBody, textField, type FieldError } from '../http/form-errors.js';
import { renderForm } from '../http/form-view.js';
import { applicantTimeline } from './my-application.js';

/**
 * Public tracking: a reference number and the applicant's CPR or CR number show the status and
 * timeline without signing in. "No such reference" and "wrong number" get the same answer, and
 * look-ups are rate limited, so the form cannot be used to find out whose applications exist.
 */
export function trackRoutes(services: Services, limiter: RequestHandler): Router {
  const router = Router();

  router.get('/track', (_req, res) => {
    renderForm(res, 'track/form', res.locals.t('track.title'), [], { values: {} });
  });

  router.post('/track', limiter, async (req, res) => {
    const errors: FieldError[] = [];
    const body = formBody(req);
    const values = {
      reference: textField(body, 'reference', errors),
      identifier: textField(body, 'identifier', errors),
    };
    const reference = normaliseReference(values.reference);
    const identifier = normaliseCpr(values.identifier) ?? normaliseCr(values.identifier);
    if (!reference) errors.push({ field: 'reference', key: 'referenceFormat' });
    if (!identifier) errors.push({ field: 'identifier', key: 'identifierFormat' });
    const application =
      errors.length === 0 ? await services.applications.findByReference(reference!) : undefined;
    const applicant = application ? await services.accounts.findById(application.applicant_id) : undefined;
    const matches = applicant && (applicant.cpr === identifier || applicant.cr === identifier);
    if (!application || !matches) {
      if (errors.length === 0) errors.push({ field: 'reference', key: 'trackNotFound' });
      return renderForm(
        res,
        'track/form',
        res.locals.t('track.title'),
        errors,
        { values },
        errors.length ? 400 : 404,
      );
    }
    const definition = services.forms.definitionOf(application);
    const timeline = await applicantTimeline(services, application.id, definition.slug, definition.version);
    // Someone's application, shown without signing in: not kept by the browser either.
    res.set('Cache-Control', 'no-store');
    res.render('track/result', {
      title: res.locals.t('track.resultTitle'),
      application,
      definition,
      where: describeState(definition, JSON.parse(application.snapshot) as PersistedSnapshot),
      // The public view shows what happened, not the messages: those are for the signed-in applicant.
      timeline: timeline.map((e) => ({ ...e, comment: null })),
    });
  });

  return router;
}
