import { Router, type Response } from 'express';
import type { UserRow } from '../../db/repositories/users.js';
import type { Services } from '../services/index.js';
import { prefillFrom } from '../services/form-runner.js';
import { CHANNELS, type Channel } from '../services/applications.js';
import { requireStaff } from '../http/guards.js';
import { HttpError } from '../http/errors.js';
import { formBody, textField, type FieldError } from '../http/form-errors.js';
import { shownErrors } from '../http/form-view.js';
import { normaliseCpr, normaliseCr } from '../../workflows/identifiers.js';

const COUNTER = requireStaff('counter', 'supervisor');
/** People at the counter, on the phone, by e-mail or at a partner point: never 'web'. */
const ASSISTED_CHANNELS: Channel[] = CHANNELS.filter((c) => c !== 'web');

/**
 * Assisted intake: counter staff find the person by CPR or CR number (or register them), then fill
 * the service's form on their behalf through the same form runner, upload the scanned documents
 * and submit. The application belongs to the person, who sees it in their own account.
 */
export function intakeRoutes(services: Services): Router {
  const router = Router();

  function render(
    res: Response,
    locals: {
      person?: UserRow | null;
      number?: string;
      errors?: FieldError[];
      register?: boolean;
      values?: Record<string, string>;
    },
  ) {
    const errors = shownErrors(res, locals.errors ?? []);
    if (errors.length) res.status(400);
    const person = locals.person ?? null;
    res.render('backoffice/intake', {
      title: `${errors.length ? res.locals.t('errors.titlePrefix') : ''}${res.locals.t('intake.title')}`,
      heading: res.locals.t('intake.title'),
      person,
      number: locals.number ?? '',
      register: locals.register ?? false,
      values: locals.values ?? {},
      errors,
      services: person
        ? services.catalogue.all().filter((d) => (d.applicants as string[]).includes(person.kind))
        : [],
      channels: ASSISTED_CHANNELS,
    });
  }

  router.get('/backoffice/intake', COUNTER, (_req, res) => render(res, {}));

  router.post('/backoffice/intake/find', COUNTER, async (req, res) => {
    const errors: FieldError[] = [];
    const number = textField(formBody(req), 'number', errors).trim();
    const person = await services.accounts.findByNumber(number);
    if (person && person.kind !== 'staff') return render(res, { person, number });
    const cpr = normaliseCpr(number);
    const cr = cpr ? null : normaliseCr(number);
    if (!cpr && !cr) return render(res, { number, errors: [{ field: 'number', key: 'identifierFormat' }] });
    // Not registered yet: offer to register them, the number filled in where it belongs (9 digits
    // are a CPR, a resident's; a commercial registration is an investor's).
    return render(res, {
      number,
      register: true,
      values: cpr ? { cpr, kind: 'resident' } : { cr: cr!, kind: 'investor' },
    });
  });

  router.post('/backoffice/intake/register', COUNTER, async (req, res) => {
    const body = formBody(req);
    const kind = body.kind === 'investor' ? 'investor' : 'resident';
    const result = await services.accounts.registerAtCounter(kind, body);
    if (!result.ok)
      return render(res, { register: true, errors: result.errors, values: { ...result.values, kind } });
    render(res, { person: result.value });
  });

  router.post('/backoffice/intake/start', COUNTER, async (req, res, next) => {
    const body = formBody(req);
    const person = await services.accounts.findById(Number(body.person));
    const definition = services.catalogue.find(typeof body.service === 'string' ? body.service : '');
    const channel = (typeof body.channel === 'string' ? body.channel : '') as Channel;
    if (!person || person.kind === 'staff') return next(new HttpError(404, 'no such person'));
    if (
      !definition ||
      !services.catalogue.enabled(definition.slug) ||
      !(definition.applicants as string[]).includes(person.kind) ||
      !ASSISTED_CHANNELS.includes(channel)
    ) {
      return render(res, {
        person,
        errors: [{ field: definition ? 'channel' : 'service', key: 'invalidChoice' }],
      });
    }
    const draft = await services.applications.createDraft({
      serviceSlug: definition.slug,
      applicantId: person.id,
      createdBy: res.locals.user!.id,
      channel,
      formData: prefillFrom(definition, person),
    });
    res.redirect(303, `/applications/${draft.id}/form/0`);
  });

  router.get('/backoffice/intake/:id/submitted', COUNTER, async (req, res, next) => {
    const application = await services.applications.findById(Number(req.params.id));
    if (!application || application.created_by !== res.locals.user!.id || !application.reference) {
      return next(new HttpError(404, 'not registered by you'));
    }
    const person = await services.accounts.findById(application.applicant_id);
    res.render('backoffice/intake-submitted', {
      title: res.locals.t('intake.submittedTitle'),
      application,
      definition: services.forms.definitionOf(application),
      person,
    });
  });

  return router;
}
