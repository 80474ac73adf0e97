import { Router } from 'express';
import type { Services } from '../services/index.js';
import { HttpError } from '../http/errors.js';
import { mayApply } from '../services/form-runner.js';

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

  router.get('/services/:slug', (req, res, next) => {
    const definition = catalogue.find(req.params.slug);
    if (!definition) return next(new HttpError(404, 'no such service'));
    const user = res.locals.user;
    res.render('catalogue/guide', {
      title: res.locals.pick(definition.name),
      service: catalogue.describe(definition),
      canApply: user ? mayApply(definition, user) : false,
    });
  });

  router.get('/api/v1/services', (_req, res) => {
    res.json({ services: catalogue.all().map((d) => catalogue.describe(d)) });
  });

  router.get('/api/v1/services/:slug', (req, res, next) => {
    const definition = catalogue.find(req.params.slug);
    if (!definition) return next(new HttpError(404, 'no such service'));
    res.json(catalogue.describe(definition));
  });

  return router;
}
