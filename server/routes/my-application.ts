import { Router } from 'express';
import { describeState, eventLabels } from '../../workflows/engine.js';
import type { Services } from '../services/index.js';
import type { PersistedSnapshot } from '../../workflows/types.js';
import { requireSignIn } from '../http/guards.js';
import { applicationLocals, ownApplication } from '../http/own-application.js';

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
  const labels = eventLabels(definition);
  const events = await services.applications.events(applicationId);
  return events.map((e): TimelineEntry => ({
    at: e.created_at as string,
    event: String(e.event),
    label: labels.get(String(e.event)) ?? { ar: String(e.event), en: String(e.event) },
    role: String(e.actor_role),
    comment: SHOWN_COMMENTS.has(String(e.event)) ? ((e.comment as string | null) ?? null) : null,
  }));
}

export function myApplicationRoutes(services: Services): Router {
  const router = Router();
  const own = ownApplication(services);

  router.get('/applications/:id', requireSignIn, own, async (_req, res) => {
    const { application, definition } = applicationLocals(res);
    if (application.status === 'draft') return res.redirect(303, `/applications/${application.id}/form/0`);
    res.render('applications/show', {
      title: `${res.locals.pick(definition.name)} ${application.reference ?? ''}`.trim(),
      application,
      definition,
      where: describeState(definition, JSON.parse(application.snapshot) as PersistedSnapshot),
      timeline: await applicantTimeline(services, application.id, definition.slug, definition.version),
    });
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
