import { Router } from 'express';
import type { Services } from '../services/index.js';
import { requireSignIn, requireStaff } from '../http/guards.js';
import { renderForm } from '../http/form-view.js';
import { formBody } from '../http/form-errors.js';
import { addFlash } from '../http/session.js';
import { localMobile } from '../../workflows/identifiers.js';
import { LANG_COOKIE } from '../http/locals.js';
import type { Config } from '../config.js';
import { MUNICIPALITIES } from '../../workflows/municipalities.js';
import { DEPARTMENTS, labelOf } from '../../workflows/catalogue.js';

export function accountRoutes(services: Services, config: Config): Router {
  const router = Router();

  router.get('/account', requireSignIn, (_req, res) => {
    const user = res.locals.user!;
    renderForm(res, 'account/index', res.locals.t('account.title'), [], {
      values: { name: user.name, mobile: localMobile(user.mobile), preferredLang: user.preferred_lang },
      passwordErrors: [],
    });
  });

  router.post('/account/profile', requireSignIn, async (req, res) => {
    const user = res.locals.user!;
    const result = await services.accounts.updateProfile(user.id, formBody(req));
    if (!result.ok) {
      return renderForm(res, 'account/index', res.locals.t('account.title'), result.errors, {
        values: result.values,
        passwordErrors: [],
      });
    }
    res.cookie(LANG_COOKIE, result.value.lang, {
      maxAge: 365 * 24 * 60 * 60 * 1000,
      httpOnly: true,
      sameSite: 'lax',
      secure: config.production,
      path: '/',
    });
    addFlash(req, 'success', 'account.saved');
    res.redirect(303, '/account');
  });

  router.post('/account/password', requireSignIn, async (req, res) => {
    const user = res.locals.user!;
    const result = await services.accounts.changePassword(user, formBody(req));
    if (!result.ok) {
      return renderForm(res, 'account/index', res.locals.t('account.title'), result.errors, {
        values: { name: user.name, mobile: localMobile(user.mobile), preferredLang: user.preferred_lang },
      });
    }
    addFlash(req, 'success', 'account.passwordChanged');
    res.redirect(303, '/account');
  });

  router.get('/staff', requireStaff(), (_req, res) => {
    const user = res.locals.user!;
    const municipality = MUNICIPALITIES.find((m) => m.code === user.municipality);
    res.render('staff/home', {
      title: res.locals.t('staff.title'),
      municipalityName: municipality ? res.locals.pick(municipality.name) : res.locals.t('staff.national'),
      departmentName: ((label) => (label ? res.locals.pick(label) : user.department))(
        labelOf(DEPARTMENTS, user.department ?? ''),
      ),
    });
  });

  return router;
}
