import { Router, type Response } from 'express';
import type { ServiceDefinition } from '../../workflows/types.js';
import type { Services } from '../services/index.js';
import { HttpError } from '../http/errors.js';
import { mayApply } from '../services/form-runner.js';
import { renderDiagram } from '../../workflows/diagram.js';

/**
 * A service's guide: what it needs, costs and takes, its steps drawn as a diagram, and the button
 * to apply (or, for a service an administrator disabled, that it is not taking applications).
 */
export async function renderGuide(
  services: Services,
  res: Response,
  definition: ServiceDefinition,
  options: { refused?: boolean } = {},
): Promise<void> {
  const user = res.locals.user;
  const lang = res.locals.lang === 'en' ? 'en' : 'ar';
  res.render('catalogue/guide', {
    title: res.locals.pick(definition.name),
    service: services.catalogue.describe(definition),
    canApply: user ? mayApply(definition, user) : false,
    available: services.catalogue.enabled(definition.slug),
    refused: options.refused === true,
    diagram: await renderDiagram(definition, {
      lang,
      view: 'applicant',
      id: 'steps-diagram',
      title: res.locals.t('servicesAdmin.diagram.applicantTitle', { service: definition.name[lang] }),
    }),
  });
}

/** The service catalogue and guides (pages), and the same data as JSON for other systems. */
export function catalogueRoutes(services: Services): Router {
  const router = Router();
  const { catalogue } = services;

  router.get('/services', (req, res) => {
    const q = typeof req.query.q === 'string' ? req.query.q.slice(0, 100) : '';
    const groups = catalogue.search(q);
    res.render('catalogue/index', {
      title: res.locals.t('catalogue.title'),
      q,
      groups,
      total: groups.reduce((n, g) => n + g.services.length, 0),
    });
  });

  router.get('/services/:slug', async (req, res, next) => {
    const definition = catalogue.find(req.params.slug);
    if (!definition) return next(new HttpError(404, 'no such service'));
    await renderGuide(services, res, definition);
  });

  router.get('/api/v1/services', (_req, res) => {
    res.json({ services: catalogue.all().map((d) => catalogue.describe(d)) });
  });

  router.get('/api/v1/services/:slug', (req, res, next) => {
    const definition = catalogue.find(req.params.slug);
    // A disabled service is not in the open catalogue.
    if (!definition || !catalogue.enabled(definition.slug))
      return next(new HttpError(404, 'no such service'));
    res.json(catalogue.describe(definition));
  });

  return router;
}
