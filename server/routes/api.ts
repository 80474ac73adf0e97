import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { describeState } from '../../workflows/engine.js';
import { isMunicipalityCode, municipalityName } from '../../workflows/municipalities.js';
import type { PersistedSnapshot } from '../../workflows/types.js';
import type { ApplicationRow } from '../../db/repositories/applications.js';
import type { Config } from '../config.js';
import type { Services } from '../services/index.js';
import { coversApplication, dateOf, type ApiToken } from '../services/api-tokens.js';
import { eventsAllowed, isWebhookEvent, type Subscription } from '../services/webhooks.js';
import { checkWebhookUrl } from '../services/webhook-addresses.js';
import { normaliseReference } from '../services/reference.js';
import { ApiError } from '../http/errors.js';
import { requireScope } from '../http/api-auth.js';
import { translator, LANGUAGES } from '../i18n.js';
import { openApiDocument } from '../api/openapi.js';
import { applicantTimeline } from './my-application.js';

const both = (key: string, options?: Record<string, unknown>) => ({
  ar: translator('ar')(key, options),
  en: translator('en')(key, options),
});

const iso = (value: Date | string | number | null) => (value === null ? null : dateOf(value).toISOString());

/** An application as a partner sees it: where it stands and what happened, never who did it. */
export async function applicationResource(services: Services, app: ApplicationRow) {
  const definition = services.registry.get(app.service_slug, app.service_version)!;
  const where = describeState(definition, JSON.parse(app.snapshot) as PersistedSnapshot);
  const timeline = await applicantTimeline(services, app.id, definition.slug, definition.version);
  return {
    reference: app.reference!,
    service: { slug: definition.slug, version: definition.version, name: definition.name },
    municipality:
      app.municipality && isMunicipalityCode(app.municipality)
        ? { code: app.municipality, name: municipalityName(app.municipality) }
        : null,
    status: {
      code: app.status,
      label: both(`api.status.${app.status}.label`),
      description: both(`api.status.${app.status}.description`),
    },
    stage: where.label,
    channel: app.channel,
    submittedAt: iso(app.submitted_at),
    decidedAt: iso(app.decided_at),
    // Messages between the applicant and the municipality stay between them.
    timeline: timeline.map((e) => ({
      at: iso(e.at),
      event: e.event,
      label: e.label,
      actor: { role: e.role, label: both(`roles.${e.role}`) },
    })),
  };
}

function subscriptionResource(s: Subscription) {
  return { id: s.id, url: s.url, events: s.events, createdAt: s.createdAt.toISOString() };
}

function tokenOf(res: Response): ApiToken {
  const token = res.locals.apiToken;
  if (!token) throw new ApiError(401, 'token_missing', 'This endpoint needs an Authorization: Bearer token.');
  return token;
}

/**
 * The partner API's own endpoints (the catalogue and stats endpoints live with their pages).
 * Mounted before the session middleware: these requests are authenticated by bearer token only.
 */
export function apiRoutes(services: Services, config: Config): Router {
  const router = Router();
  const json = express.json({ limit: '16kb', type: ['application/json', 'application/*+json'] });

  router.get('/api/v1/openapi.json', (_req, res) => {
    res.json(openApiDocument(config.baseUrl));
  });

  router.get('/api/v1/applications/:reference', requireScope('applications:read'), async (req, res) => {
    const token = tokenOf(res);
    const reference = normaliseReference(String(req.params.reference));
    const app = reference ? await services.applications.findByReference(reference) : undefined;
    if (!app || app.status === 'draft') {
      throw new ApiError(404, 'not_found', 'No application has this reference.');
    }
    if (!coversApplication(token, app.service_slug, app.municipality)) {
      throw new ApiError(
        403,
        'out_of_scope',
        'This token may not read applications of this service or municipality.',
      );
    }
    res.json(await applicationResource(services, app));
  });

  router.get('/api/v1/certificates/:code', requireScope('certificates:read'), async (req, res) => {
    const code = String(req.params.code).slice(0, 200);
    res.json(await services.certificates.verify(code));
  });

  router.get('/api/v1/webhooks', requireScope('webhooks'), async (_req, res) => {
    const token = tokenOf(res);
    res.json({ subscriptions: (await services.webhooks.listForToken(token.id)).map(subscriptionResource) });
  });

  router.post('/api/v1/webhooks', requireScope('webhooks'), json, async (req, res) => {
    const token = tokenOf(res);
    const body = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as Record<
      string,
      unknown
    >;
    const url = checkWebhookUrl(body.url, config.production);
    if (!url.ok) {
      throw new ApiError(
        400,
        url.problem,
        url.problem === 'url_not_https'
          ? 'The URL must use https.'
          : 'Give "url" as an absolute http(s) URL.',
      );
    }
    const events = body.events;
    if (!Array.isArray(events) || events.length === 0 || !events.every(isWebhookEvent)) {
      throw new ApiError(400, 'events_invalid', 'Give "events" as a non-empty list of known event names.');
    }
    const allowed = eventsAllowed(token);
    const refused = events.filter((e) => !allowed.includes(e));
    if (refused.length > 0) {
      throw new ApiError(403, 'insufficient_scope', `This token may not receive: ${refused.join(', ')}.`);
    }
    const { subscription, secret } = await services.webhooks.subscribe(
      token,
      { url: url.url, events: [...new Set(events)] },
      null,
    );
    res
      .status(201)
      .set('Cache-Control', 'no-store')
      .json({ ...subscriptionResource(subscription), secret });
  });

  router.delete('/api/v1/webhooks/:id', requireScope('webhooks'), async (req, res) => {
    const token = tokenOf(res);
    if (!(await services.webhooks.unsubscribe(token.id, Number(req.params.id)))) {
      throw new ApiError(404, 'not_found', 'This token has no such subscription.');
    }
    res.status(204).end();
  });

  // Bodies that are not JSON, or too large, get the API's own error codes.
  router.use('/api/v1', (err: unknown, _req: Request, _res: Response, next: NextFunction) => {
    const e = err as { type?: string; status?: number };
    if (e.type === 'entity.parse.failed')
      return next(new ApiError(400, 'body_invalid', 'The body is not valid JSON.'));
    if (e.type === 'entity.too.large')
      return next(new ApiError(413, 'body_too_large', 'The body is too large.'));
    next(err);
  });

  return router;
}

/** The API for people: the OpenAPI document as a page, in the visitor's language. */
export function apiDocsRoutes(services: Services, config: Config): Router {
  const router = Router();
  router.get('/api', (_req, res) => {
    res.render('api/index', {
      title: res.locals.t('api.page.title'),
      doc: openApiDocument(config.baseUrl),
      languages: LANGUAGES,
    });
  });
  return router;
}
