import { Router, type RequestHandler } from 'express';
import type { Services } from '../services/index.js';
import type { Logger } from '../logger.js';
import { securityEvent } from '../logger.js';
import { renderForm } from '../http/form-view.js';
import { formBody, textField, type FieldError } from '../http/form-errors.js';
import { addFlash, destroy, regenerate, saveSession, sessionCookieName } from '../http/session.js';
import { LANG_COOKIE, safeReturnPath } from '../http/locals.js';
import { isLang } from '../i18n.js';
import type { Config } from '../config.js';
import type { UserRow } from '../../db/repositories/users.js';
import type { Request, Response } from 'express';
import type { Clock } from '../clock.js';

interface AuthDeps {
  services: Services;
  logger: Logger;
  config: Config;
  signInLimiter: RequestHandler;
  signUpLimiter: RequestHandler;
  rotateCsrf: (req: Request) => string;
  clock: Clock;
}

type Kind = 'resident' | 'investor';
const isKind = (v: unknown): v is Kind => v === 'resident' || v === 'investor';

export function authRoutes(deps: AuthDeps): Router {
  const { services, logger, config } = deps;
  const router = Router();

  async function startSession(req: Request, res: Response, user: UserRow): Promise<void> {
    // A new session id at sign-in (ASVS 7.2.4), and a new CSRF token with it.
    await regenerate(req);
    req.session.userId = user.id;
    req.session.signedInAt = deps.clock.now().getTime();
    deps.rotateCsrf(req);
    // A language chosen on this device (the switch in the header) is kept; otherwise the account's.
    const chosen: unknown = (req.cookies as Record<string, unknown> | undefined)?.[LANG_COOKIE];
    if (isLang(chosen)) return saveSession(req);
    res.cookie(LANG_COOKIE, user.preferred_lang, {
      maxAge: 365 * 24 * 60 * 60 * 1000,
      httpOnly: true,
      sameSite: 'lax',
      secure: config.production,
      path: '/',
    });
    await saveSession(req);
  }

  router.get('/signup', (_req, res) => {
    res.render('auth/signup-choice', { title: res.locals.t('signup.title') });
  });

  router.get('/signup/:kind', (req, res, next) => {
    const kind = req.params.kind;
    if (!isKind(kind)) return next();
    renderForm(res, 'auth/signup', res.locals.t(`signup.${kind}Title`), [], { kind, values: {} });
  });

  router.post('/signup/:kind', deps.signUpLimiter, async (req, res, next) => {
    const kind = req.params.kind;
    if (!isKind(kind)) return next();
    const result = await services.accounts.signUp(kind, formBody(req), res.locals.lang);
    if (!result.ok) {
      return renderForm(res, 'auth/signup', res.locals.t(`signup.${kind}Title`), result.errors, {
        kind,
        values: result.values,
      });
    }
    await startSession(req, res, result.value);
    addFlash(req, 'success', 'signup.created');
    res.redirect(303, '/account');
  });

  router.get('/signin', (req, res) => {
    renderForm(res, 'auth/signin', res.locals.t('signin.title'), [], {
      values: {},
      next: safeReturnPath(req.query.next),
    });
  });

  router.post('/signin', deps.signInLimiter, async (req, res) => {
    const body = formBody(req);
    const errors: FieldError[] = [];
    const identifier = textField(body, 'identifier', errors);
    const password = textField(body, 'password', errors);
    const next = safeReturnPath(body.next);
    const user = errors.length === 0 ? await services.accounts.authenticate(identifier, password) : null;
    if (!user) {
      securityEvent(logger, 'signin_failed', { ip: req.ip, requestId: res.locals.requestId });
      return renderForm(
        res,
        'auth/signin',
        res.locals.t('signin.title'),
        errors.length > 0 ? errors : [{ field: 'identifier', key: 'invalidCredentials' }],
        { values: { identifier }, next },
        401,
      );
    }
    await startSession(req, res, user);
    logger.info({ userId: user.id, event: 'signin' }, 'signed in');
    const landing = user.kind === 'staff' ? '/staff' : '/account';
    res.redirect(303, next === '/' ? landing : next);
  });

  router.post('/signout', async (req, res) => {
    await destroy(req);
    res.clearCookie(sessionCookieName(config), { path: '/' });
    res.redirect(303, '/signin?signedOut=1');
  });

  return router;
}
