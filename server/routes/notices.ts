import { Router, type RequestHandler } from 'express';
import type { Services } from '../services/index.js';
import { requireSignIn } from '../http/guards.js';

/** Puts the unread count in the header of every page a signed-in person opens. */
export function unreadNotices(services: Services): RequestHandler {
  return (_req, res, next) => {
    res.locals.unread = 0;
    // Every page shows it (also one shown again after a refused form); counted only when a page is
    // rendered, not for the POSTs that redirect.
    const user = res.locals.user;
    if (user) res.locals.lazy = { ...res.locals.lazy, unread: () => services.notices.unreadCount(user.id) };
    next();
  };
}

export function noticeRoutes(services: Services): Router {
  const router = Router();
  router.get('/notifications', requireSignIn, async (_req, res) => {
    const user = res.locals.user!;
    const notices = await services.notices.latest(user.id);
    // Shown means read; the page still marks the ones that were new.
    await services.notices.markAllRead(user.id);
    res.render('notifications', {
      title: res.locals.t('notices.pageTitle'),
      notices: notices.map((n) => {
        const params = JSON.parse(n.params) as { reference: string; serviceAr: string; serviceEn: string };
        const service = res.locals.lang === 'ar' ? params.serviceAr : params.serviceEn;
        return {
          ...n,
          unread: n.read_at === null,
          title: res.locals.t(`notices.${n.template}.title`, { reference: params.reference, service }),
          body: res.locals.t(`notices.${n.template}.body`, { reference: params.reference, service }),
          // Staff are told about applications of their own municipality: the back office's page.
          link: n.application_id
            ? `${user.kind === 'staff' ? '/backoffice' : ''}/applications/${n.application_id}`
            : null,
        };
      }),
    });
  });
  return router;
}
