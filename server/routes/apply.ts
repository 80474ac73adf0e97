import { Router, type Request, type RequestHandler, type Response } from 'express';
import { formSteps, fieldsOfStep, isShown, type Answers } from '../../workflows/form/form.js';
import { ADDRESS_PARTS, type FieldProblem } from '../../workflows/form/field-rules.js';
import { describeState } from '../../workflows/engine.js';
import type { PersistedSnapshot, ServiceDefinition } from '../../workflows/types.js';
import type { Services } from '../services/index.js';
import { isEditable, mayApply } from '../services/form-runner.js';
import { requireSignIn } from '../http/guards.js';
import { HttpError } from '../http/errors.js';
import { formBody } from '../http/form-errors.js';
import { addFlash } from '../http/session.js';
import { ownApplication, type ApplicationLocals } from '../http/own-application.js';
import { renderGuide } from './catalogue.js';

type Locals = ApplicationLocals;

/** Reads one page's fields from the body: addresses come as `key.part`, checkboxes as repeated keys. */
export function submittedValues(definition: ServiceDefinition, page: number, body: Record<string, unknown>) {
  const step = formSteps(definition)[page];
  const values: Record<string, unknown> = {};
  for (const field of step === undefined ? [] : fieldsOfStep(definition, step)) {
    values[field.key] =
      field.type === 'address'
        ? Object.fromEntries(ADDRESS_PARTS.map((p) => [p, body[`${field.key}.${p}`]]))
        : body[field.key];
  }
  return values;
}

/** Translated problems: `field.key` ids (address problems point at their first box). */
function shownProblems(res: Response, definition: ServiceDefinition, problems: FieldProblem[]) {
  return problems.map((p) => {
    const field = definition.fields.find((f) => f.key === p.field);
    const label = field ? res.locals.pick(field.label) : p.field;
    const anchor = field?.type === 'address' ? `${p.field}-building` : p.field;
    return {
      field: p.field,
      href: `#${anchor}`,
      text: res.locals.t(`errors.field.${p.key}`, { label, ...p.params }),
    };
  });
}

export function applyRoutes(services: Services): Router {
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
  ) {
    const { application, definition } = res.locals as unknown as Locals;
    const steps = formSteps(definition);
    const step = steps[page]!;
    const errors = shownProblems(res, definition, problems);
    const heading = res.locals.pick(definition.name);
    if (errors.length > 0) res.status(400);
    res.render('apply/page', {
      title: `${errors.length ? res.locals.t('errors.titlePrefix') : ''}${heading} – ${res.locals.t('apply.pageOf', { page: page + 1, pages: steps.length })}`,
      heading,
      application,
      definition,
      page,
      pages: steps.length,
      fields: fieldsOfStep(definition, step).filter(
        (f) => !f.showWhen || isShown(f, answers) || problems.length > 0,
      ),
      allFields: fieldsOfStep(definition, step),
      answers,
      errors,
      documents: await services.documents.list(application.id),
      returnTo: req.query.return === 'check' ? 'check' : '',
    });
  }

  router.post('/services/:slug/apply', requireSignIn, async (req, res, next) => {
    const definition = services.catalogue.find(req.params.slug as string);
    if (!definition) return next(new HttpError(404, 'no such service'));
    if (!mayApply(definition, res.locals.user!))
      return next(new HttpError(403, 'not for this kind of account'));
    if (!services.catalogue.enabled(definition.slug)) {
      // Disabled by an administrator: say so on the guide; applications in flight carry on.
      return renderGuide(services, res.status(409), definition, { refused: true });
    }
    const draft = await forms.start(definition, res.locals.user!);
    res.redirect(303, `/applications/${draft.id}/form/0`);
  });

  router.get('/applications/:id/form/:page', requireSignIn, own, editableOnly, async (req, res, next) => {
    const { application, definition } = res.locals as unknown as Locals;
    const page = Number(req.params.page);
    if (!Number.isInteger(page) || formSteps(definition)[page] === undefined)
      return next(new HttpError(404, 'no such page'));
    await renderPage(req, res, page, JSON.parse(application.form_data) as Answers, []);
  });

  router.post('/applications/:id/form/:page', requireSignIn, own, editableOnly, async (req, res, next) => {
    const { application, definition } = res.locals as unknown as Locals;
    const page = Number(req.params.page);
    if (!Number.isInteger(page) || formSteps(definition)[page] === undefined)
      return next(new HttpError(404, 'no such page'));
    const body = formBody(req);
    const submitted = submittedValues(definition, page, body);
    const saveOnly = body.action === 'save';
    const result = await forms.savePage(application, page, submitted, { partial: saveOnly });
    if (!result.ok) {
      if (result.status === 409) return next(new HttpError(409, 'changed meanwhile'));
      // Values kept: what the person typed comes back into the form.
      return renderPage(
        req,
        res,
        page,
        { ...(JSON.parse(application.form_data) as Answers), ...submitted },
        result.problems,
      );
    }
    if (saveOnly) {
      addFlash(req, 'success', 'apply.savedForLater');
      return res.redirect(303, '/applications');
    }
    const last = page + 1 >= formSteps(definition).length;
    res.redirect(
      303,
      last || body.returnTo === 'check'
        ? `/applications/${application.id}/check`
        : `/applications/${application.id}/form/${page + 1}`,
    );
  });

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
    res.render('apply/check', {
      title: errors.length ? `${res.locals.t('errors.titlePrefix')}${heading}` : heading,
      heading,
      application,
      definition,
      answers: JSON.parse(application.form_data) as Answers,
      steps: formSteps(definition),
      documents: await services.documents.list(application.id),
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
