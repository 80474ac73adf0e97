import { Router } from 'express';
import type { Knex } from 'knex';
import { pingDb } from '../../db/connection.js';
import { isLang } from '../i18n.js';
import { LANG_COOKIE, safeReturnPath } from '../http/locals.js';
import type { Config } from '../config.js';

export function publicRoutes(db: Knex, config: Config): Router {
  const router = Router();

  router.get('/', (_req, res) => {
    res.render('home', { title: res.locals.t('home.title') });
  });

  // The language switch is a plain link on every page; the choice is remembered for a year.
  router.get('/lang/:lang', (req, res) => {
    const lang = req.params.lang;
    if (isLang(lang)) {
      res.cookie(LANG_COOKIE, lang, {
        maxAge: 365 * 24 * 60 * 60 * 1000,
        httpOnly: true,
        sameSite: 'lax',
        secure: config.production,
        path: '/',
      });
    }
    res.redirect(303, safeReturnPath(req.query.next));
  });

  router.get('/healthz', async (_req, res) => {
    const ok = await pingDb(db);
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'unavailable', db: ok ? 'ok' : 'unreachable' });
  });

  return router;
}
