import { Router, type Request, type Response } from 'express';
import {
  describeState,
  fieldsNamedBy,
  queryOnOwnDecision,
  stateAddsToStatus,
  timelineLabeller,
} from '../../workflows/engine.js';
import { formSteps } from '../../workflows/form/form.js';
import { workingDaysBetween } from '../../workflows/calendar.js';
import { persistedSnapshotOf, type ApplicationRow } from '../../db/repositories/applications.js';
import type { Services } from '../services/index.js';
import { requireStaff } from '../http/guards.js';
import { HttpError } from '../http/errors.js';
import { formBody, textField, type FieldError } from '../http/form-errors.js';
import { addFlash } from '../http/session.js';
import { sendDocument } from '../http/uploads.js';
import type { StaffRole } from '../../workflows/municipalities.js';
import { sendPdf } from './verify.js';
import { REASON_TEMPLATES } from '../services/reasons.js';
import { backofficeEventRoutes, NEGATIVE_ACTIONS } from './backoffice-events.js';
import { QUERY_FILES } from '../services/query-files.js';

const STAFF = requireStaff('reviewer', 'supervisor', 'counter', 'admin');
/** Who may revoke a certificate. */
const REVOKERS: StaffRole[] = ['supervisor', 'admin'];

/** "2 working days left" / "overdue by 1 working day", counted on the service-level calendar. */
function timeLeft(services: Services, res: Response) {
  const now = services.clock.now();
  return (due: Date | string | number): string => {
    const days = workingDaysBetween(now, new Date(due), services.calendar);
    const whole = Math.max(1, Math.ceil(Math.abs(days)));
    if (days >= 0 && days < 1) return res.locals.t('backoffice.dueWithinDay');
    return res.locals.t(days >= 0 ? 'backoffice.daysLeft' : 'backoffice.daysOverdue', { count: whole });
  };
}

export function backofficeRoutes(services: Services): Router {
  const router = Router();
  const { backoffice } = services;

  async function inScope(req: Request, res: Response): Promise<ApplicationRow> {
    const app = await backoffice.find(res.locals.user!, Number(req.params.id));
    // Another municipality's application, or one that does not exist: the same 404.
    if (!app) throw new HttpError(404, 'not in scope');
    return app;
  }

  router.get('/backoffice', STAFF, async (req, res) => {
    const page = await backoffice.queuePage(res.locals.user!, req.query);
    const query = (extra: Record<string, string>) => {
      const params = new URLSearchParams(Object.entries({ ...page.values, ...extra }).filter(([, v]) => v));
      const s = params.toString();
      return s ? `/backoffice?${s}` : '/backoffice';
    };
    res.render('backoffice/queue', {
      title: res.locals.t('backoffice.queueTitle'),
      ...page,
      rows: page.rows.map((row) => ({
        row,
        definition: services.registry.get(row.service_slug, row.service_version)!,
      })),
      query,
      nextUrl: page.next ? query({ after: `${page.next.due}_${page.next.id}` }) : null,
      timeLeft: timeLeft(services, res),
      firstUrl: req.query.after ? query({}) : null,
    });
  });

  async function renderApplication(
    res: Response,
    app: ApplicationRow,
    extra: {
      errors?: { field: string; href: string; text: string }[];
      warning?: string;
      comment?: string;
      event?: string;
      values?: Record<string, string | string[]>;
      revokeReason?: string;
    } = {},
  ) {
    const user = res.locals.user!;
    const definition = services.registry.get(app.service_slug, app.service_version)!;
    const labelOf = timelineLabeller(definition);
    const persisted = persistedSnapshotOf(app);
    const where = describeState(definition, persisted);
    const events = await services.applications.events(app.id);
    const people = new Map((await services.backoffice.reviewers(null)).map((p) => [p.id, p.name]));
    const applicant = await services.accounts.findById(app.applicant_id);
    const errors = extra.errors ?? [];
    const heading = `${res.locals.pick(definition.name)} ${app.reference ?? ''}`;
    res.render('backoffice/application', {
      title: errors.length ? `${res.locals.t('errors.titlePrefix')}${heading}` : heading,
      heading,
      application: app,
      definition,
      applicant,
      answers: JSON.parse(app.form_data) as Record<string, unknown>,
      steps: formSteps(definition),
      where,
      // The workflow's step beside the status, unless it only says the status again.
      stepDetail: stateAddsToStatus(where),
      documents: await services.documents.list(app.id),
      queryFiles: QUERY_FILES,
      timeline: events.map((e) => ({
        ...e,
        label: labelOf(String(e.event), e.payload),
        fields: fieldsNamedBy(definition, e.payload),
        actor: e.actor_id ? (people.get(Number(e.actor_id)) ?? null) : null,
      })),
      notes: await services.backoffice.notes(app.id),
      certificate: await staffCertificate(app.id),
      canRevoke: (REVOKERS as string[]).includes(user.role ?? ''),
      revokeReason: extra.revokeReason ?? '',
      registryChecks: definition.registryChecks ?? [],
      registryAnswers: await services.registryChecks.answersFor(app.id),
      holder: app.assigned_to ? (people.get(app.assigned_to) ?? null) : null,
      actions: services.backoffice.actionsFor(user, app),
      ownDecisionQueried: queryOnOwnDecision(where, persisted, user.id),
      negativeActions: NEGATIVE_ACTIONS,
      templates: REASON_TEMPLATES,
      // The service's own reasons (definition or administrators' settings), offered after the general ones.
      serviceTemplates: definition.reasonTemplates ?? [],
      reviewers:
        user.role === 'supervisor' || user.role === 'admin'
          ? await services.backoffice.reviewers(app.municipality)
          : [],
      errors,
      warning: extra.warning ?? null,
      comment: extra.comment ?? '',
      failedEvent: extra.event ?? null,
      sentValues: extra.values ?? {},
      now: services.clock.now().getTime(),
      timeLeft: timeLeft(services, res),
    });
  }

  /** The application's certificate with who revoked it, for the back office (docs/decisions/0005). */
  async function staffCertificate(applicationId: number) {
    const row = await services.certificates.forApplication(applicationId);
    if (!row) return null;
    const revoker = row.revoked_by ? await services.accounts.findById(row.revoked_by) : undefined;
    return {
      row,
      status: services.certificates.statusOf(row),
      verifyUrl: services.certificates.verifyUrl(row),
      revokedBy: revoker?.name ?? null,
    };
  }

  router.get('/backoffice/applications/:id/certificate.pdf', STAFF, async (req, res) => {
    const app = await inScope(req, res);
    const certificate = await services.certificates.forApplication(app.id);
    if (!certificate) throw new HttpError(404, 'no certificate');
    sendPdf(res, await services.certificates.pdf(certificate), services.certificates.fileName(certificate));
  });

  // Revoking takes a supervisor's (or an administrator's) word, with a reason the holder reads.
  router.post(
    '/backoffice/applications/:id/certificate/revoke',
    requireStaff(...REVOKERS),
    async (req, res) => {
      const app = await inScope(req, res);
      const certificate = await services.certificates.forApplication(app.id);
      if (!certificate) throw new HttpError(404, 'no certificate');
      const errors: FieldError[] = [];
      const reason = textField(formBody(req), 'reason', errors);
      const result = await services.certificates.revoke({
        certificateId: certificate.id,
        actorId: res.locals.user!.id,
        reason,
      });
      if (!result.ok && result.code === 'reason_required') {
        return renderApplication(res.status(400), app, {
          errors: [
            {
              field: 'reason',
              href: '#revoke-reason',
              text: res.locals.t('certificates.revoke.reasonRequired'),
            },
          ],
          revokeReason: reason,
        });
      }
      addFlash(
        req,
        result.ok ? 'success' : 'warning',
        result.ok ? 'certificates.revoke.done' : 'certificates.revoke.already',
      );
      res.redirect(303, `/backoffice/applications/${app.id}#certificate`);
    },
  );

  router.get('/backoffice/applications/:id', STAFF, async (req, res) => {
    await renderApplication(res, await inScope(req, res));
  });

  router.post(
    '/backoffice/applications/:id/claim',
    requireStaff('reviewer', 'supervisor'),
    async (req, res) => {
      const app = await inScope(req, res);
      const result = await backoffice.claim(res.locals.user!, app);
      addFlash(
        req,
        result.ok ? 'success' : 'warning',
        result.ok ? 'backoffice.claimed' : 'backoffice.alreadyClaimed',
      );
      res.redirect(303, `/backoffice/applications/${app.id}`);
    },
  );

  router.post(
    '/backoffice/applications/:id/assign',
    requireStaff('supervisor', 'admin'),
    async (req, res, next) => {
      const app = await inScope(req, res);
      const ok = await backoffice.assign(res.locals.user!, app, Number(formBody(req).assignee));
      if (!ok) return next(new HttpError(400, 'cannot assign to that person'));
      addFlash(req, 'success', 'backoffice.assigned');
      res.redirect(303, `/backoffice/applications/${app.id}`);
    },
  );

  router.post('/backoffice/applications/:id/notes', STAFF, async (req, res) => {
    const app = await inScope(req, res);
    const errors: FieldError[] = [];
    const body = textField(formBody(req), 'note', errors).trim();
    if (!body || body.length > 2000) {
      return renderApplication(res.status(400), app, {
        errors: [{ field: 'note', href: '#note', text: res.locals.t('backoffice.noteRequired') }],
      });
    }
    await backoffice.addNote(app.id, res.locals.user!.id, body);
    addFlash(req, 'success', 'backoffice.noteAdded');
    res.redirect(303, `/backoffice/applications/${app.id}#notes`);
  });

  backofficeEventRoutes(router, services, STAFF, { inScope, render: renderApplication });

  router.get('/backoffice/applications/:id/documents/:documentId', STAFF, async (req, res) => {
    const app = await inScope(req, res);
    const doc = await services.documents.openForDownload(Number(req.params.documentId), app.id);
    if (!doc) throw new HttpError(404, 'no such document');
    await sendDocument(res, doc, { inline: req.query.view === '1' });
  });

  router.get('/backoffice/team', requireStaff('supervisor', 'admin'), async (_req, res) => {
    res.render('backoffice/team', {
      title: res.locals.t('backoffice.teamTitle'),
      load: await backoffice.load(res.locals.user!.municipality),
    });
  });

  return router;
}
